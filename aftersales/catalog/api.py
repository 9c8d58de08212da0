"""Product models."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from aftersales.catalog import services
from aftersales.catalog.models import ProductModel
from aftersales.core.api import ErrorOut, Input, idempotent

router = Router(tags=["catalog"])


class ProductModelIn(Input):
    code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    category: str = Field(max_length=100)
    warranty_months: int = Field(12, ge=0, le=240)
    warranty_terms: str = Field("", max_length=4000)


class ProductModelOut(Schema):
    id: int
    code: str
    name: str
    category: str
    warranty_months: int
    warranty_terms: str


@router.get("/product-models", response=list[ProductModelOut])
def list_product_models(request: HttpRequest) -> Any:
    return ProductModel.objects.order_by("code")


@router.post(
    "/product-models", response={201: ProductModelOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut}
)
def create_product_model(request: HttpRequest, payload: ProductModelIn) -> Status[Any]:
    def create() -> tuple[int, Any]:
        model = services.create_product_model(by=request.user, **payload.model_dump())
        return 201, ProductModelOut.from_orm(model).model_dump(mode="json")

    return idempotent(request, create)


@router.get("/product-models/{model_id}", response={200: ProductModelOut, 404: ErrorOut})
def get_product_model(request: HttpRequest, model_id: int) -> Any:
    return get_object_or_404(ProductModel, pk=model_id)
