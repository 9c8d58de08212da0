from typing import Any

import pytest

from aftersales.reports.filters import Filters
from aftersales.reports.tests.data import END, START, build


@pytest.fixture
def data(centre: Any, other_centre: Any) -> dict[str, Any]:
    return build(centre, other_centre)


@pytest.fixture
def period() -> Filters:
    return Filters(start=START, end=END)
