from typing import Any

import pytest

from aftersales.quality.tests.dataset import DataSet, build


@pytest.fixture
def data(centre: Any, other_centre: Any) -> DataSet:
    return build(centre, other_centre)
