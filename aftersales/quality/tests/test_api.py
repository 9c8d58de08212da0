"""The API: every statistic with the screen's filters (values by hand, dataset.py), the records behind
a figure, quality cases (create idempotently, read, edit, move, comment), refusals and scope."""

from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.quality.models import QualityCase

pytestmark = pytest.mark.django_db
JSON = "application/json"
NOV = "from=2026-11-01&to=2026-11-30"


def test_statistics_endpoints_give_the_hand_computed_figures(data, api_client):
    gm = api_client(data.people["gm"])

    summary = gm.get(f"/api/v1/quality/failures/summary?{NOV}").json()
    # o2 o3 o4 o5 o8 o10 on u1 u2 u3 u4 u5; repeats: o2 o3 (≤30 d), + o4 (87 d ≤ 90)
    assert (summary["failures"], summary["units"], summary["repeat30"], summary["repeat90"]) == (6, 5, 2, 3)
    models = {row["code"]: row for row in gm.get(f"/api/v1/quality/failures/by-model?{NOV}").json()}
    assert (models["QA-100"]["failures"], models["QA-100"]["rate"], models["QA-100"]["mtbf_days"]) == (
        4,
        "1000.0",
        "256.5",
    )
    assert (models["QB-200"]["units"], models["QB-200"]["rate"]) == (3, "666.7")  # 2 / 3 × 1000
    parts = gm.get(f"/api/v1/quality/failures/by-part?{NOV}").json()
    # quantities as numbers: "3" on SQLite, "3.000" on PostgreSQL (the column's scale)
    assert [(p["label"], p["failures"], Decimal(p["quantity"])) for p in parts] == [
        ("BRG-1 轴承", 2, Decimal(3)),
        ("PCB-9 控制板", 1, Decimal(1)),
    ]
    faults = gm.get(f"/api/v1/quality/failures/by-fault-code?{NOV}").json()
    assert {row["key"]: row["failures"] for row in faults} == {"": 4, "E101": 2}
    batches = gm.get(f"/api/v1/quality/failures/by-batch?{NOV}").json()
    assert {row["key"]: row["failures"] for row in batches} == {"QA2401": 3, "QA2405": 1, "QB2501": 2}
    ages = gm.get(f"/api/v1/quality/failures/by-age?{NOV}").json()
    assert [row["failures"] for row in ages] == [1, 0, 3, 0, 1, 0, 1]  # 0-3, 3-6, 6-12, 12-24, 24-36, 36+, unknown


def test_filters_and_month(data, api_client):
    gm = api_client(data.people["gm"])

    assert gm.get(f"/api/v1/quality/failures/summary?month=2026-11&centre={data.bj.pk}").json()["failures"] == 2
    assert gm.get(f"/api/v1/quality/failures/summary?{NOV}&model={data.qa.pk}").json()["failures"] == 4
    c1 = data.customers["c1"].pk
    assert gm.get(f"/api/v1/quality/failures/summary?{NOV}&customer={c1}").json()["failures"] == 3
    # October: only o1 (BJ, u1)
    assert gm.get("/api/v1/quality/failures/summary?month=2026-10").json()["failures"] == 1


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("from=2026-13-01", "from", "invalid_filter"),
        ("from=2026-11-30&to=2026-11-01", "to", "invalid_filter"),
        ("from=2020-01-01&to=2026-11-30", "to", "invalid_filter"),  # over three years: reports' parser names `to`
        ("month=2026-1x", "month", "invalid_month"),
        ("centre=abc", "centre", "invalid_filter"),
        ("customer=0", "customer", "invalid_filter"),
    ],
)
def test_bad_filters_are_400_with_the_field(data, api_client, query, field, code):
    answer = api_client(data.people["gm"]).get(f"/api/v1/quality/failures/summary?{query}")

    assert answer.status_code == 400
    assert (answer.json()["field"], answer.json()["code"]) == (field, code)


def test_a_centre_model_or_customer_out_of_scope_is_404(data, api_client):
    sh = api_client(data.people["manager_sh"])
    gm = api_client(data.people["gm"])

    assert gm.get("/api/v1/quality/failures/summary?model=999999").status_code == 404
    assert sh.get(f"/api/v1/quality/failures/summary?centre={data.bj.pk}").status_code == 404

    assert sh.get(f"/api/v1/quality/failures/summary?centre={data.bj.pk}").json()["field"] == "centre"
    assert sh.get(f"/api/v1/quality/failures/summary?customer={data.customers['c3'].pk}").json()["field"] == "customer"


def test_statistics_need_the_capability(data, api_client):
    answer = api_client(data.people["agent_sh"]).get("/api/v1/quality/failures/summary")

    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("path", "figure", "key_of"),
    [
        ("by-model", "model", lambda row: str(row["model_id"])),
        ("by-part", "part", lambda row: str(row["part_id"])),
        ("by-fault-code", "fault", lambda row: row["key"]),
        ("by-batch", "batch", lambda row: row["key"]),
        ("by-age", "age", lambda row: row["key"]),
    ],
)
def test_the_orders_behind_every_figure_are_exactly_its_count(data, api_client, path, figure, key_of):
    gm = api_client(data.people["gm"])

    for row in gm.get(f"/api/v1/quality/failures/{path}?{NOV}").json():
        # The key quoted: the age band "36+" unquoted reads "36 ", which names no band (400).
        key = quote(key_of(row), safe="")
        listed = gm.get(f"/api/v1/quality/failures/orders?{NOV}&figure={figure}&key={key}&limit=100").json()
        assert listed["count"] == row["failures"] == len(listed["items"])


def test_repeat_orders_match_the_summary(data, api_client):
    sh = api_client(data.people["manager_sh"])
    summary = sh.get(f"/api/v1/quality/failures/summary?{NOV}").json()

    for figure in ("repeat30", "repeat90"):
        listed = sh.get(f"/api/v1/quality/failures/orders?{NOV}&figure={figure}").json()
        assert listed["count"] == summary[figure] == len(listed["items"])


def test_the_orders_behind_the_headline_totals_match_the_summary(data, api_client):
    sh = api_client(data.people["manager_sh"])
    summary = sh.get(f"/api/v1/quality/failures/summary?{NOV}").json()

    for figure, total in (("all", "failures"), ("units", "units")):
        listed = sh.get(f"/api/v1/quality/failures/orders?{NOV}&figure={figure}").json()
        assert listed["count"] == summary[total] == len(listed["items"])


def test_figure_orders_refuse_an_unknown_figure(data, api_client):
    answer = api_client(data.people["gm"]).get(f"/api/v1/quality/failures/orders?{NOV}&figure=colour")

    assert answer.status_code in (400, 422)


def test_failure_orders_list_runs_a_constant_number_of_queries(data, api_client):
    gm = api_client(data.people["gm"])
    url = f"/api/v1/quality/failures/orders?{NOV}&figure=model&key={data.qa.pk}"
    gm.get(url)  # the token's first use writes its last-used time

    with CaptureQueriesContext(connection) as few:
        assert gm.get(f"/api/v1/quality/failures/orders?{NOV}&figure=fault&key=E101").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert gm.get(url).status_code == 200

    assert len(many) == len(few)


def _case_body(data, **extra):
    body = {
        "product_model_id": data.qa.pk,
        "order_ids": [data.orders["o2"].pk, data.orders["o3"].pk],
        "title": "轴承反复损坏",
        "source": "repeat",
        "part_id": data.parts["p1"].pk,
    }
    body.update(extra)
    return body


def test_create_case_is_idempotent_and_reads_back(data, api_client):
    sh = api_client(data.people["manager_sh"])

    first = sh.post("/api/v1/quality/cases", _case_body(data), content_type=JSON, headers={"Idempotency-Key": "qc-1"})
    again = sh.post("/api/v1/quality/cases", _case_body(data), content_type=JSON, headers={"Idempotency-Key": "qc-1"})

    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and QualityCase.objects.count() == 1
    other = sh.post(
        "/api/v1/quality/cases",
        _case_body(data, title="另一个"),
        content_type=JSON,
        headers={"Idempotency-Key": "qc-1"},
    )
    assert other.status_code == 422 and QualityCase.objects.count() == 1
    case = sh.get(f"/api/v1/quality/cases/{first.json()['id']}").json()
    assert case["order_ids"] == sorted(data.ids("o2", "o3"))
    assert (case["status"], case["service_center_id"]) == ("open", data.sh.pk)


@pytest.mark.parametrize(
    ("extra", "status", "field"),
    [
        ({"product_model_id": 999999}, 400, "product_model_id"),
        ({"part_id": 999999}, 400, "part_id"),
        ({"order_ids": []}, 400, "order_ids"),
        ({"order_ids": ["o8"]}, 400, "order_ids"),  # a BJ order: out of SH's scope
        ({"order_ids": ["o6"]}, 400, "order_ids"),  # maintenance: not a failure
        ({"order_ids": ["o2", "o4"]}, 400, "order_ids"),  # two units: no repeat failure
        ({"title": ""}, 400, "title"),
        ({"owner_id": 999999}, 400, "owner_id"),
        ({"colour": "red"}, 400, None),
    ],
)
def test_create_case_refusals_write_nothing(data, api_client, extra, status, field):
    if "order_ids" in extra:
        extra["order_ids"] = [data.orders[name].pk for name in extra["order_ids"]]
    answer = api_client(data.people["manager_sh"]).post(
        "/api/v1/quality/cases", _case_body(data, **extra), content_type=JSON
    )

    assert answer.status_code == status
    if field:
        assert answer.json()["field"] == field
    assert QualityCase.objects.count() == 0


def test_case_of_another_model_is_refused(data, api_client):
    body = _case_body(data, product_model_id=data.qb.pk)

    answer = api_client(data.people["manager_sh"]).post("/api/v1/quality/cases", body, content_type=JSON)

    assert (answer.status_code, answer.json()["field"]) == (400, "order_ids")


def test_a_case_goes_to_design_and_back(data, api_client):
    sh = api_client(data.people["manager_sh"])
    case_id = sh.post("/api/v1/quality/cases", _case_body(data), content_type=JSON).json()["id"]
    url = f"/api/v1/quality/cases/{case_id}"

    assert sh.post(f"{url}/transition", {"to": "decided"}, content_type=JSON).status_code == 409
    assert sh.post(f"{url}/transition", {"to": "analysing"}, content_type=JSON).json()["status"] == "analysing"
    refused = sh.post(f"{url}/transition", {"to": "decided"}, content_type=JSON)
    assert (refused.status_code, refused.json()["field"]) == (400, "design_change_ref")
    decided = sh.post(f"{url}/transition", {"to": "decided", "design_change_ref": "ECN-2026-017"}, content_type=JSON)
    assert (decided.json()["status"], decided.json()["design_change_ref"]) == ("decided", "ECN-2026-017")
    assert sh.post(f"{url}/transition", {"to": "released"}, content_type=JSON).json()["released_at"]
    edited = sh.patch(url, {"title": "轴承改型"}, content_type=JSON)
    assert edited.json()["title"] == "轴承改型"
    comment = sh.post(f"{url}/comments", {"text": "新轴承装机三个月无故障"}, content_type=JSON)
    assert comment.status_code == 201
    closed = sh.post(f"{url}/transition", {"to": "closed"}, content_type=JSON).json()
    assert closed["status"] == "closed" and closed["closed_at"] and len(closed["comments"]) == 1
    assert sh.patch(url, {"title": "x"}, content_type=JSON).status_code == 409
    assert sh.get("/api/v1/quality/cases?status=closed").json()["items"][0]["id"] == case_id
    assert sh.get("/api/v1/quality/cases?status=active").json()["items"] == []


def test_cases_out_of_scope_are_404(data, api_client):
    case_id = (
        api_client(data.people["manager_sh"])
        .post("/api/v1/quality/cases", _case_body(data), content_type=JSON)
        .json()["id"]
    )
    bj = api_client(data.people["manager_bj"])

    assert bj.get(f"/api/v1/quality/cases/{case_id}").status_code == 404
    assert (
        bj.post(f"/api/v1/quality/cases/{case_id}/transition", {"to": "analysing"}, content_type=JSON).status_code
        == 404
    )
    assert bj.get("/api/v1/quality/cases").json()["items"] == []
    assert api_client(data.people["gm"]).get(f"/api/v1/quality/cases/{case_id}").status_code == 200
    assert api_client(data.people["agent_sh"]).get("/api/v1/quality/cases").status_code == 403
    assert bj.get("/api/v1/quality/cases?status=nonsense").status_code == 400


def test_case_list_runs_a_constant_number_of_queries(data, api_client):
    gm = api_client(data.people["gm"])
    body = _case_body(data, source="group")
    gm.post("/api/v1/quality/cases", body, content_type=JSON)
    gm.get("/api/v1/quality/cases")
    with CaptureQueriesContext(connection) as one:
        assert gm.get("/api/v1/quality/cases").status_code == 200
    for _ in range(3):
        gm.post("/api/v1/quality/cases", body, content_type=JSON)
    with CaptureQueriesContext(connection) as four:
        assert len(gm.get("/api/v1/quality/cases").json()["items"]) == 4

    assert len(four) == len(one)


@pytest.mark.parametrize(
    "query",
    ["figure=model&key=abc", "figure=model", "figure=part&key=0", "figure=batch", "figure=age&key=forever"],
)
def test_figure_orders_refuse_a_key_that_names_no_row(data, api_client, query):
    # QA 2026-12-07: a typo in the key answered 200 with an empty list, which reads as "no failures".
    answer = api_client(data.people["gm"]).get(f"/api/v1/quality/failures/orders?{NOV}&{query}")

    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_filter", "key")


def test_a_month_and_a_window_together_are_refused_naming_the_month(data, api_client):
    # QA 2026-12-07: month=2026-11 with from=2026-01-01 answered the window from January without a word.
    answer = api_client(data.people["gm"]).get("/api/v1/quality/failures/summary?month=2026-11&from=2026-01-01")

    assert answer.status_code == 400
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_filter", "month")
