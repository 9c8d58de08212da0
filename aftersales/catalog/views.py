"""Settings screens for product models (/settings/product-models/), on the generic settings views."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.forms import ProductModelForm
from aftersales.catalog.models import ProductModel
from aftersales.catalog.services import create_product_model, update_product_model
from aftersales.core.settings_views import Column, SettingsFormView, SettingsListView


class ProductModelListView(SettingsListView):
    model = ProductModel
    title = _("Product models")
    section = "product_models"
    columns = (
        Column(_("Code"), "code", kind="mono", link=True),
        Column(_("Name"), "name", link=True),
        Column(_("Category"), "category"),
        Column(_("Warranty (months)"), "warranty_months"),
        Column(_("Status"), "active", kind="active"),
    )
    edit_url_name = "catalog:productmodel_edit"
    create_url_name = "catalog:productmodel_create"
    create_label = _("New product model")

    def scope(self, qs: QuerySet) -> QuerySet:
        # Retired models after the active ones: still listed, since their units and orders name them.
        return qs.order_by("-active", "code")


class _ProductModelFormView(SettingsFormView):
    model = ProductModel
    form_class = ProductModelForm
    section = "product_models"
    list_url_name = "catalog:productmodel_list"


class ProductModelCreateView(_ProductModelFormView):
    title = _("New product model")
    service = create_product_model
    success_message = _("Product model added:")


class ProductModelUpdateView(_ProductModelFormView):
    title = _("Edit product model")
    service = update_product_model
    object_kwarg = "product_model"
    success_message = _("Product model saved:")
