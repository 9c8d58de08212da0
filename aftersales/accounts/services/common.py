"""What every accounts write shares: the audit row, the changed fields and the history signal."""

from aftersales.accounts.models import CompanyProfile, ServiceCenter, User
from aftersales.accounts.signals import account_changed
from aftersales.core.models import AuditLog


def _audit(
    *, by: User | None, action: str, detail: dict, target: ServiceCenter | User | CompanyProfile | None = None
) -> None:
    AuditLog.objects.create(user=by, action=action, detail=detail, target=target)


def _changed(before: dict, after: dict) -> dict:
    return {key: (before.get(key), value) for key, value in after.items() if before.get(key) != value}


def _announce(*, target: ServiceCenter | User | CompanyProfile, type: str, by: User | None, changes: dict) -> None:  # noqa: A002
    """Tell the history (which accounts may not import) about a change, inside this transaction."""
    if changes:
        account_changed.send(sender=target.__class__, target=target, type=type, by=by, changes=changes)
