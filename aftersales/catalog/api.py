"""Product models."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from aftersales.catalog import services
from aftersales.catalog.models import ProductModel
from aftersales.catalog.permissions import product_models_visible_to
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
    active: bool = model_field(ProductModel, "active", True)


class ProductModelPatch(Input):
    """The fields to change; one left out (or null) keeps its value. ``active: false`` retires the model."""

    code: str | None = model_field(ProductModel, "code", None)
    name: str | None = model_field(ProductModel, "name", None)
    category: str | None = model_field(ProductModel, "category", None)
    warranty_months: int | None = model_field(ProductModel, "warranty_months", None)
    warranty_terms: str | None = model_field(ProductModel, "warranty_terms", None)
    active: bool | None = model_field(ProductModel, "active", None)


class ProductModelOut(Schema):
    id: int
    code: str
    name: str
    category: str
    warranty_months: int
    warranty_terms: str
    active: bool = Field(description="False: retired, no longer offered for new units (its units keep it)")


@router.get("/product-models", response=answers(list[ProductModelOut]))
def list_product_models(request: HttpRequest) -> QuerySet[ProductModel]:
    """Every product model, retired ones too (``active: false``): units and orders still name them."""
    return product_models_visible_to(request.user).order_by("code")


@router.post("/product-models", response=answers(ProductModelOut, 400, 403, 409, 422, status=201))
def create_product_model(request: HttpRequest, payload: ProductModelIn) -> Created:
    def create() -> tuple[int, ProductModelOut]:
        model = services.create_product_model(by=request.user, **payload.model_dump())
        return 201, ProductModelOut.from_orm(model)

    return idempotent(request, create)


@router.get("/product-models/{model_id}", response=answers(ProductModelOut, 404))
def get_product_model(request: HttpRequest, model_id: int) -> ProductModel:
    return get_object_or_404(product_models_visible_to(request.user), pk=model_id)


@router.patch("/product-models/{model_id}", response=answers(ProductModelOut, 400, 403, 404, 409))
def update_product_model(request: HttpRequest, model_id: int, payload: ProductModelPatch) -> ProductModel:
    """Change a product model; ``{"active": false}`` retires it (no longer offered for new units; its
    units, orders, coverage and reports are unchanged), ``{"active": true}`` offers it again."""
    model = get_object_or_404(product_models_visible_to(request.user), pk=model_id)
    return services.update_product_model(product_model=model, by=request.user, **payload.model_dump(exclude_unset=True))
