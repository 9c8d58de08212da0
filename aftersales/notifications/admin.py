from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.notifications import services
from aftersales.notifications.models import HeldRecipient, Notification, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: a message is never added, edited or deleted here, so its record (and the audit rows
    that name it) cannot be erased. Queue again and cancel go through the services, audited; the
    console's outbox screen (/settings/outbox/) is the place for them."""

    list_display = ("id", "channel", "recipient", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("recipient", "subject", "key")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["requeue"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False

    @admin.action(description=_("Queue again (only after checking it was not delivered)"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        done = 0
        for message in queryset:
            try:
                services.requeue_message(by=request.user, message_id=message.pk)  # type: ignore[arg-type]
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{message}: {exc.detail}", messages.WARNING)
        self.message_user(request, _("%(count)d message(s) queued again.") % {"count": done})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "message", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("message", "user__username")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HeldRecipient)
class HeldRecipientAdmin(admin.ModelAdmin):
    """The held list: numbers and addresses no gateway is called for (a customer's 退订, the demo's)."""

    list_display = ("recipient", "reason", "created_at")
    search_fields = ("recipient", "reason")
