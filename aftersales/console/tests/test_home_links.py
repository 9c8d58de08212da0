"""Every number on the home page equals the rows of the list it links to, for every demo user (docs/console.md
"Home"), over the demo set: the tiles (and their response/resolution clocks), the orders by status, and each
"what waits for me" list against its "show all".

QA 2026-12-07: the agent's "open, unassigned" tile said 12 and its list ``/orders/?unassigned=true`` showed
16 rows (3 consultations closed at intake and 1 cancelled order have no technician either). The tests of
the home page checked each count against the orders a test had made, and that the link was in the page,
but never opened the link and counted its rows; made orders without a technician were all open.
"""

import io
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.core.checks import DEMO_USERNAMES
from aftersales.service.home import WORK_LISTS
from aftersales.service.permissions import can_browse_orders
from aftersales.service.selectors import order_list

pytestmark = pytest.mark.django_db

TILE = re.compile(
    r'<a class="card work-tile[^"]*" href="(?P<url>/orders/\?[^"]+)">\s*<div class="card-body">\s*'
    r'<div class="work-count[^"]*" id="count-[\w-]+">(?P<count>\d+)</div>'
)
CLOCK = re.compile(
    r'<a href="(?P<url>/orders/\?[^"]+)" data-clock="\w+">[^<]*<span class="fw-semibold">(?P<count>\d+)</span></a>'
)
STATE = re.compile(
    r'<a href="(?P<url>/orders/\?status=\w+)">.*?</a>\s*<span class="fw-semibold" data-count="\w+">(?P<count>\d+)</span>',
    re.S,
)


def _load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    from aftersales.core.testing import shared_test_data

    with shared_test_data(django_db_blocker, _load_demo):
        yield


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _rows(client: Client, url: str) -> int:
    """How many orders the list at ``url`` shows, over every page."""
    total, url = 0, f"{unescape(url)}&per_page=100"
    for _page in range(100):
        answer = client.get(url)
        assert answer.status_code == 200 and not answer.context["error"], url
        total += len(answer.context["orders"])
        if not answer.context["next_url"]:
            return total
        url = "/orders/" + answer.context["next_url"]
    raise AssertionError(f"{url}: more than 100 pages")


def _numbers(home: str) -> list[tuple[str, int]]:
    return [(m["url"], int(m["count"])) for pattern in (TILE, CLOCK, STATE) for m in pattern.finditer(home)]


# The technician's "/" is the phone view of their jobs (no tiles).
USERS = [name for name in DEMO_USERNAMES if name != "technician"]


@pytest.mark.parametrize("username", USERS)
def test_every_home_number_equals_the_rows_of_its_list(demo, username):
    client = _client(username)
    home = client.get("/")
    assert home.status_code == 200
    numbers = _numbers(home.content.decode())
    if not can_browse_orders(User.objects.get(username=username)):
        assert numbers == []
        return
    assert len(numbers) >= 4 + 4 + 8, f"{username}: the tiles, their clocks and the statuses were not all found"

    wrong = {url: (count, rows) for url, count in numbers if (rows := _rows(client, url)) != count}

    assert wrong == {}, f"{username}: number on the home page, rows of its list: {wrong}"


@pytest.mark.parametrize("username", USERS)
def test_every_work_list_holds_the_orders_of_its_show_all_link(demo, username):
    """A "what waits for me" list shows the first 8 of its orders; "show all" lists every one of them."""
    client = _client(username)
    user = User.objects.get(username=username)
    home = client.get("/")
    now = timezone.now()
    for work in WORK_LISTS:
        if f'id="work-{work.key}"' not in home.content.decode():
            continue
        behind = work.orders(order_list(user=user), now).count()
        assert _rows(client, "/orders/" + work.query) == behind, f"{username}: {work.key} ({work.query})"
