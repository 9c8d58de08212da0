"""Product models."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from aftersales.catalog import services
from aftersales.catalog.models import ProductModel
from aftersales.core.api import Input, idempotent
from aftersales.core.idempotency import Created
from aftersales.core.schemas import answers, model_field

router = Router(tags=["catalog"])


class ProductModelIn(Input):
    code: str = model_field(ProductModel, "code")
    name: str = model_field(ProductModel, "name")
    category: str = model_field(ProductModel, "category")
    warranty_months: int = model_field(ProductModel, "warranty_months", 12)
    warranty_terms: str = model_field(ProductModel, "warranty_terms", "")


class ProductModelOut(Schema):
    id: int
    code: str
    name: str
    category: str
    warranty_months: int
    warranty_terms: str


@router.get("/product-models", response=answers(list[ProductModelOut]))
def list_product_models(request: HttpRequest) -> QuerySet[ProductModel]:
    return ProductModel.objects.order_by("code")


@router.post("/product-models", response=answers(ProductModelOut, 400, 403, 409, 422, status=201))
def create_product_model(request: HttpRequest, payload: ProductModelIn) -> Created:
    def create() -> tuple[int, ProductModelOut]:
        model = services.create_product_model(by=request.user, **payload.model_dump())
        return 201, ProductModelOut.from_orm(model)

    return idempotent(request, create)


@router.get("/product-models/{model_id}", response=answers(ProductModelOut, 404))
def get_product_model(request: HttpRequest, model_id: int) -> ProductModel:
    return get_object_or_404(ProductModel, pk=model_id)
