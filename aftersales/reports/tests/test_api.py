"""The figures' API: the same numbers as the screens, the filters checked (400 with the field, 404
out of scope), readers only."""

import pytest

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
