from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.history.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-only: history is written by the services, never edited."""

    list_display = ("created_at", "type", "target_type", "target_id", "actor_label")
    list_filter = ("type",)
    search_fields = ("type", "actor_label", "reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
