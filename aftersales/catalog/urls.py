"""Settings screens of the catalog context, mounted at /settings/product-models/."""

from django.urls import path

from aftersales.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.ProductModelListView.as_view(), name="productmodel_list"),
    path("new/", views.ProductModelCreateView.as_view(), name="productmodel_create"),
    path("<int:pk>/", views.ProductModelUpdateView.as_view(), name="productmodel_edit"),
]
