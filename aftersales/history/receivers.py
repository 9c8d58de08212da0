"""Activity from the apps below history, which announce their changes with signals instead of importing it."""

from typing import Any

from aftersales.history.services import record_activity


def record_account_change(sender: Any, **kwargs: Any) -> None:
    """``accounts.signals.account_changed``: a centre or a user (role, centre, name, active) changed."""
    record_activity(
        target=kwargs["target"],
        type=kwargs["type"],
        by=kwargs.get("by"),
        reason=kwargs.get("reason", ""),
        changes=kwargs.get("changes"),
        data=kwargs.get("data"),
    )
