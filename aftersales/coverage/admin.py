"""The coverage data in Django's admin, to look up and search. Changes go through the settings screens
and the API, whose services check the input and leave a history row; the admin does not write."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.coverage.models import LifetimeItem, SerialDateRule


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SerialDateRule)
class SerialDateRuleAdmin(_ReadOnly):
    list_display = ("product_model", "serial_prefix", "date_format", "date_position", "grace_months", "is_active")
    list_filter = ("is_active", "date_format")
    list_select_related = ("product_model",)
    search_fields = ("serial_prefix", "product_model__code", "product_model__name")


@admin.register(LifetimeItem)
class LifetimeItemAdmin(_ReadOnly):
    list_display = ("product_model", "code", "name", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("product_model",)
    search_fields = ("code", "name", "product_model__code")
