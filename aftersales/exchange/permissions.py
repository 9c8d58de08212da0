"""Who may use the import screen: anyone who may import at least one registered kind (each kind
checks its own permission, registered with it by the app that owns the rows)."""

from typing import Any

from aftersales.core.registry import import_kinds


def can_import(user: Any) -> bool:
    return bool(import_kinds.visible_to(user))
