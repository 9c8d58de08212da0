"""The figures' API: the same numbers as the screens, the filters checked (400 with the field, 404
out of scope), readers only."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.reports.figures import FIGURES

pytestmark = pytest.mark.django_db
PERIOD = "from=2026-03-01&to=2026-04-30"


@pytest.mark.parametrize("key", list(FIGURES))
def test_every_figure_has_an_endpoint(data, api_client, key):
    answer = api_client(data["gm"]).get(f"/api/v1/reports/{key.replace('_', '-')}?{PERIOD}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["key"] == key
    assert body["start"] == "2026-03-01"
    assert {c["key"] for c in body["columns"]} >= set(body["total"]["values"])


def test_sla_compliance_numbers(data, api_client):
    body = api_client(data["gm"]).get(f"/api/v1/reports/sla-compliance?{PERIOD}").json()
    # The hand-computed figures of test_figures.test_sla_compliance: 3/5 and 2/4.
    assert body["total"]["values"]["response_rate"] == "60.0"
    assert body["total"]["values"]["resolution_rate"] == "50.0"
    months = {r["key"]: r["values"] for t in body["tables"] if t["by"] == "month" for r in t["rows"]}
    assert months["2026-04"]["response_met"] == 2


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("from=2026-13-01", 400, "from"),
        ("centre=abc", 400, "centre"),
        ("centre=0", 400, "centre"),
        ("from=2026-05-01&to=2026-04-01", 400, "to"),
        ("from=2020-01-01&to=2026-04-01", 400, "to"),
    ],
)
def test_bad_filters_name_the_field(data, api_client, query, status, field):
    answer = api_client(data["gm"]).get(f"/api/v1/reports/backlog?{query}")
    assert answer.status_code == status
    assert field in answer.content.decode()


def test_out_of_scope_centre_is_404(data, api_client, users, other_centre):
    manager = users["manager"]  # of Shanghai
    answer = api_client(manager).get(f"/api/v1/reports/open-orders?centre={other_centre.pk}")
    assert answer.status_code == 404
    assert answer.json()["field"] == "centre"
    assert api_client(manager).get("/api/v1/reports/open-orders?centre=999999").status_code == 404


def test_unknown_customer_and_model_are_404(data, api_client):
    client = api_client(data["gm"])
    assert client.get("/api/v1/reports/open-orders?customer=999999").json()["field"] == "customer"
    assert client.get("/api/v1/reports/open-orders?model=999999").json()["field"] == "model"


def test_a_centre_manager_sees_only_their_centre(data, api_client, users):
    body = api_client(users["manager"]).get("/api/v1/reports/open-orders").json()
    # Shanghai's open orders: O7 and O8 (O4 is Beijing's).
    assert body["total"]["values"]["open"] == 2


def test_technicians_may_not_read_reports(data, api_client, users):
    assert api_client(users["technician"]).get("/api/v1/reports/backlog").status_code == 403


# ---- a figure's records ------------------------------------------------------------------------------
BACKLOG_APRIL = f"/api/v1/reports/backlog/records?{PERIOD}&measure=backlog&by=month&row=2026-04"


def test_a_cells_records_are_the_click_through_lists_with_its_columns(data, api_client):
    body = api_client(data["gm"]).get(BACKLOG_APRIL).json()

    # Backlog at the end of April: O4 and O8 (test_views.test_click_through_count_equals_the_figure).
    assert (body["figure"], body["start"], body["end"]) == ("backlog", "2026-03-01", "2026-04-30")
    assert [c["label"] for c in body["columns"]][:2] == ["工单", "状态"]
    assert sorted(item["cells"][0] for item in body["items"]) == sorted(
        [data["orders"][3].number, data["orders"][7].number]
    )
    assert {item["id"] for item in body["items"]} == {data["orders"][3].pk, data["orders"][7].pk}
    assert body["next_cursor"] is None


def test_the_records_are_those_of_the_readers_scope(data, api_client, users):
    body = api_client(users["manager"]).get(BACKLOG_APRIL).json()  # of Shanghai: O4 is Beijing's

    assert [item["cells"][0] for item in body["items"]] == [data["orders"][7].number]


def test_the_records_come_a_page_at_a_time(data, api_client):
    client = api_client(data["gm"])
    url = f"/api/v1/reports/first-time-fix/records?{PERIOD}&measure=closed"

    first = client.get(f"{url}&limit=2").json()
    second = client.get(f"{url}&limit=2&cursor={first['next_cursor']}").json()

    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 3  # newest first, each once


def test_money_columns_are_marked_and_written_as_decimal_strings(data, api_client):
    body = api_client(data["gm"]).get(f"/api/v1/reports/claims/records?{PERIOD}&measure=claims").json()

    money = [i for i, column in enumerate(body["columns"]) if column["money"]]
    assert money and body["items"]
    assert all(isinstance(item["cells"][i], str) for item in body["items"] for i in money)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("measure=nope", "measure"),
        ("measure=closed&by=nope", "by"),
        ("measure=closed&by=month&row=2026-99", "row"),
        ("measure=closed&from=2026-13-01", "from"),
        ("measure=closed&limit=0", "limit"),
        ("measure=closed&cursor=abc", "cursor"),
        ("by=month", "measure"),
    ],
)
def test_a_bad_cell_filter_or_page_answers_400_naming_it(data, api_client, query, field):
    answer = api_client(data["gm"]).get(f"/api/v1/reports/first-time-fix/records?{query}")

    assert answer.status_code == 400, answer.content
    assert field in answer.content.decode() and "code" in answer.json()


@pytest.mark.parametrize(
    "cell",
    [
        "utilisation/records?measure=visits&by=technician&row=zzz",
        f"utilisation/records?measure=visits&by=technician&row={2**70}",
        "open-orders/records?measure=open&by=status&row=zzz",
    ],
)
def test_a_row_its_grouping_cannot_have_answers_400_naming_row(data, api_client, cell):
    # QA 2026-12-07: letters for an id were a 500 (API, click-through list and its export), a status no
    # order can have an empty page.
    client = Client()
    client.force_login(data["gm"])
    figure, query = cell.split("/records?")

    answer = api_client(data["gm"]).get(f"/api/v1/reports/{cell}&{PERIOD}")
    screen = client.get(f"/reports/{figure.replace('-', '_')}/records/?{query}&{PERIOD}")

    assert answer.status_code == 400, answer.content
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_filter", "row")
    assert screen.status_code == 400


def test_an_unknown_figure_or_a_centre_out_of_scope_is_404(data, api_client, users, other_centre):
    unknown = api_client(data["gm"]).get(f"/api/v1/reports/no-such-figure/records?{PERIOD}&measure=received")
    elsewhere = api_client(users["manager"]).get(f"{BACKLOG_APRIL}&centre={other_centre.pk}")

    assert unknown.status_code == 404 and unknown.json()["field"] == "figure"
    assert elsewhere.status_code == 404 and elsewhere.json()["field"] == "centre"


def test_only_report_readers_read_records(data, api_client, users):
    answer = api_client(users["technician"]).get(BACKLOG_APRIL)

    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"


def test_the_records_queries_do_not_grow_with_the_records(data, api_client):
    client = api_client(data["gm"])
    client.get(BACKLOG_APRIL)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert (
            len(client.get(f"/api/v1/reports/first-time-fix/records?{PERIOD}&measure=fixed_first").json()["items"]) == 1
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(f"/api/v1/reports/first-time-fix/records?{PERIOD}&measure=closed").json()["items"]) == 3

    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_customer_of_another_centre_than_the_centre_filter_is_400(data, api_client, centre, other_centre):
    # An order's centre is its customer's: the two filters together can only give zeros, read as "no
    # work" without a word. The quality API answers ``month`` with ``from``/``to`` the same way.
    client = api_client(data["gm"])
    answer = client.get(f"/api/v1/reports/open-orders?centre={other_centre.pk}&customer={data['customer'].pk}")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_filter"
    assert answer.json()["field"] == "customer"
    assert other_centre.name not in answer.json()["detail"] and centre.name in answer.json()["detail"]
    same = client.get(f"/api/v1/reports/open-orders?centre={centre.pk}&customer={data['customer'].pk}")
    assert same.status_code == 200
