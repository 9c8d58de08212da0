"""The quality case ledger (quality/exports.py): the case list's tab in the reader's scope, with each
case's evidence count and how far it went; an unknown tab answers 400 naming ``status``."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.quality import services
from aftersales.quality.choices import CaseSource

pytestmark = pytest.mark.django_db
URL = reverse("exchange:export", kwargs={"kind": "quality_cases", "fmt": "xlsx"})


def _rows(client, **params):
    answer = client.get(URL, params)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(min_row=2, values_only=True))


def _open(data, by, orders, title):
    return services.open_case(
        by=data.people[by],
        product_model=data.qa,
        order_ids=[data.orders[name].pk for name in orders],
        title=title,
        source=CaseSource.REPEAT,
    )


@pytest.fixture
def cases(data):
    decided = _open(data, "manager_sh", ["o2", "o3"], "轴承反复损坏")
    services.transition_case(decided, by=data.people["manager_sh"], to="analysing")
    services.transition_case(decided, by=data.people["manager_sh"], to="decided", design_change_ref="ECN-9")
    fresh = _open(data, "manager_sh", ["o2"], "噪音偏大")
    elsewhere = _open(data, "manager_bj", ["o1"], "北京的案例")
    return {"decided": decided, "fresh": fresh, "elsewhere": elsewhere}


def test_the_ledger_is_the_tabs_cases_in_scope_with_their_progress(client, data, cases):
    client.force_login(data.people["manager_sh"])

    page = client.get(reverse("quality:case_list"), {"status": "decided"}).content.decode()
    [decided] = _rows(client, status="decided")
    everything = _rows(client)

    assert 'href="/exports/quality_cases.xlsx?status=decided"' in page
    assert (decided[0], decided[1], decided[9], decided[13]) == (cases["decided"].number, "轴承反复损坏", 2, "ECN-9")
    assert decided[11] is not None and decided[12] is not None  # analysis started, change decided
    assert {row[0] for row in everything} == {cases["decided"].number, cases["fresh"].number}


def test_an_unknown_tab_answers_400_naming_it(client, data, cases):
    client.force_login(data.people["manager_sh"])

    answer = client.get(URL, {"status": "lost"})

    assert answer.status_code == 400 and answer.content.decode().startswith("status:")


def test_a_technician_exports_no_cases(client, data, cases):
    client.force_login(data.people["tech_sh"])

    assert client.get(URL).status_code == 403


def test_the_ledgers_queries_do_not_grow_with_its_rows(client, data, cases):
    client.force_login(data.people["gm"])
    with CaptureQueriesContext(connection) as few:
        _rows(client)
    for n in range(4):
        _open(data, "manager_sh", ["o2", "o3"], f"第{n}个")
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client)

    assert len(rows) == 3 + 4
    assert len(many.captured_queries) == len(few.captured_queries)
