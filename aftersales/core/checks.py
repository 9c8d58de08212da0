"""System checks: production refuses to start while a demo user keeps the demo password."""

from typing import Any

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

DEMO_USERNAMES = ("agent", "dispatcher", "technician", "manager", "parts", "finance", "gm", "admin")


def demo_password_users() -> list[str]:
    """Usernames of active demo users that still have the demo password."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES, is_active=True)
    return [u.username for u in users if u.check_password(settings.AFTERSALES["DEMO_PASSWORD"])]


@checks.register(checks.Tags.security, deploy=True)
def check_demo_passwords(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "AFTERSALES_REFUSE_DEMO_PASSWORD", False):
        return []
    try:
        found = demo_password_users()
    except DatabaseError:
        return []  # no database yet (first deploy before migrate): nothing to refuse
    if found:
        return [
            checks.Error(
                f"Demo users with the demo password are active: {', '.join(found)}.",
                hint="Change their passwords or deactivate them before running in production.",
                id="aftersales.E001",
            )
        ]
    return []


def refuse_demo_passwords() -> None:
    """Called by the production WSGI/ASGI entry points: raise instead of serving."""
    errors = check_demo_passwords()
    if errors:
        raise RuntimeError(errors[0].msg + " " + (errors[0].hint or ""))
