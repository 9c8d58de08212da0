"""Read-only admin of the repurchase journal: entries are written by the services only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.repurchase.models import JournalEntry, RepurchaseContract


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RepurchaseContract)
class RepurchaseContractAdmin(ReadOnly):
    list_display = ("number", "holder", "classification", "status", "deadline")


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnly):
    list_display = ("__str__", "event", "posted_on")
