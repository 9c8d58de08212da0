from typing import Any

from aftersales.core.registry import HomeContext
from aftersales.tests.area.models import Area


def summary(home: HomeContext) -> dict[str, Any]:
    return {"count": Area._default_manager.count()}
