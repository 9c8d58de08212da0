"""The calendar screen prints what the apps above register as calendar panels, and nothing else."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.calendars.panels import calendar_panels
from aftersales.core.panels import RecordPanel

pytestmark = pytest.mark.django_db


def shout(request: Any, year: int) -> str:
    return f'<p id="pretend-panel">{year} for {request.user.username}</p>'


def silent(request: Any, year: int) -> str:
    return ""


@pytest.fixture
def pretend_panels() -> Any:
    calendar_panels.register(RecordPanel("tests.shout", 1, shout))
    calendar_panels.register(RecordPanel("tests.silent", 2, silent))
    yield
    calendar_panels.unregister("tests.shout")
    calendar_panels.unregister("tests.silent")


def test_registered_panel_is_shown_with_the_year(client, users, pretend_panels):
    client.force_login(users[Role.DISPATCHER])
    page = client.get("/calendar/?year=2026").content.decode()
    assert '<p id="pretend-panel">2026 for dispatcher-sh</p>' in page


def test_no_panel_without_registration(client, users):
    client.force_login(users[Role.DISPATCHER])
    assert "pretend-panel" not in client.get("/calendar/?year=2026").content.decode()
