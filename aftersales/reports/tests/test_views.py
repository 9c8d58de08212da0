"""The dashboards and the records behind a figure: the numbers as text, the click-through lists with
exactly the count shown, the filters checked, scope, and a query count that does not grow with rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.reports.screens import SCREENS

pytestmark = pytest.mark.django_db
PERIOD = "from=2026-03-01&to=2026-04-30"


@pytest.mark.parametrize("screen", [s.key for s in SCREENS])
def test_each_screen_shows_its_figures_with_charts(data, client, screen):
    client.force_login(data["gm"])
    answer = client.get(f"/reports/?{PERIOD}&screen={screen}")
    assert answer.status_code == 200
    body = answer.content.decode()
    for key in next(s for s in SCREENS if s.key == screen).figures:
        assert f'id="figure-{key}"' in body
        assert f'id="chart-{key}-data" type="application/json"' in body
    assert "vendor/echarts/echarts.min.js" in body


def test_numbers_are_text_and_link_to_their_records(data, client):
    client.force_login(data["gm"])
    body = client.get(f"/reports/?{PERIOD}&screen=service").content.decode()
    # SLA compliance: 60.0 % of responses in time (3/5, test_figures.test_sla_compliance).
    assert ">60.0 %</a>" in body
    links = re.findall(r'href="(/reports/[a-z-]+/records/\?[^"]+)"', body)
    assert links
    for link in links[:40]:
        link = link.replace("&amp;", "&")
        shown = client.get(link)
        assert shown.status_code == 200, link


def test_click_through_count_equals_the_figure(data, client):
    client.force_login(data["gm"])
    # First-time fix: 3 repairs closed in the period; 1 fixed at the first visit.
    for measure, expected in (("closed", 3), ("fixed_first", 1)):
        body = client.get(f"/reports/first-time-fix/records/?{PERIOD}&measure={measure}").content.decode()
        assert f'<span id="record-count">{expected}</span>' in body
    # Backlog at the end of April: O4 and O8.
    body = client.get(f"/reports/backlog/records/?{PERIOD}&measure=backlog&by=month&row=2026-04").content.decode()
    assert '<span id="record-count">2</span>' in body
    assert data["orders"][3].number in body and data["orders"][7].number in body
    # Times as every screen writes them (found by a helper's probe, 2026-12-06: "April 2, 2026, 10 a.m.").
    received = timezone.localtime(data["orders"][3].received_at).strftime("%Y-%m-%d %H:%M")
    assert f"<td>{received}</td>" in body


@pytest.mark.parametrize(
    "query",
    ["measure=nope", "measure=backlog", "measure=received&by=nope", "measure=backlog&by=month&row=2026-99"],
)
def test_unknown_cells_are_400(data, client, query):
    client.force_login(data["gm"])
    answer = client.get(f"/reports/backlog/records/?{PERIOD}&{query}")
    assert answer.status_code == 400


def test_bad_filters(data, client, other_centre, users):
    client.force_login(data["gm"])
    answer = client.get("/reports/?from=2026-05-01&to=2026-04-01")
    assert answer.status_code == 400
    assert 'id="filter-error"' in answer.content.decode()
    assert client.get("/reports/backlog/records/?from=nonsense&measure=received").status_code == 400
    assert client.get("/reports/no-such-figure/records/").status_code == 404
    client.force_login(users["manager"])
    assert client.get(f"/reports/?centre={other_centre.pk}").status_code == 404


def test_readers_only(data, client, users):
    client.force_login(users["technician"])
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/backlog/records/?measure=received").status_code == 403
    client.force_login(users["dispatcher"])
    assert client.get("/reports/").status_code == 200


def _queries(client, url):
    client.get(url)  # a first request fills the shared caches (the company profile): measure the next
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("screen", [s.key for s in SCREENS])
def test_dashboard_queries_do_not_grow_with_rows(data, client, screen, centre, other_centre):
    client.force_login(data["gm"])
    url = f"/reports/?{PERIOD}&screen={screen}&fresh=1"  # computed, not the kept copy (test_kept.py)
    before = _queries(client, url)
    from aftersales.reports.tests.data import build

    build(other_centre, centre, tag="-2")  # as many rows again, in other centres and units
    assert _queries(client, url) == before


def test_records_queries_do_not_grow_with_rows(data, client, centre, other_centre):
    client.force_login(data["gm"])
    url = f"/reports/mean-times/records/?{PERIOD}&measure=responded"
    before = _queries(client, url)
    from aftersales.reports.tests.data import build

    build(other_centre, centre, tag="-2")
    assert _queries(client, url) == before


def test_a_figure_reverses_its_records_path_once_and_links_every_cell_as_before(data, period, monkeypatch):
    # A screen has hundreds of cells (20 centres × 12 months at 1,000,000 orders): the path and the
    # filters are written once per figure, each cell adds its measure and row (Python time of a kept screen).
    from urllib.parse import urlencode

    from aftersales.reports import charts, present
    from aftersales.reports.engine import compute
    from aftersales.reports.figures import FIGURES

    result = compute(FIGURES["sla_compliance"], data["gm"], period)
    calls = []
    real = present.reverse
    monkeypatch.setattr(present, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))

    shown = present.present(result)
    chart = charts.chart_data(result)

    assert len(calls) == 2  # once for the tables, once for the chart
    path = "/reports/sla-compliance/records/"
    month = result.table("month").rows[0]
    cell = next(c for c in shown["tables"][2]["rows"][0]["cells"] if c["key"] == "response_rate")
    params = {**period.as_params(), "measure": "response_rate", "by": "month", "row": month.key, "label": month.label}
    assert cell["url"] == f"{path}?{urlencode(params)}"
    assert shown["total"][0]["url"] == f"{path}?{urlencode({**period.as_params(), 'measure': 'response_judged'})}"
    assert chart["series"][0]["links"][0] == f"{path}?{urlencode(params)}"


def test_a_drill_down_of_one_record_says_record_not_records(data, client):
    # QA 2026-12-07: "· 1 records" on every single-record list.
    data["gm"].language = "en"
    data["gm"].save()
    client.force_login(data["gm"])

    one = client.get(f"/reports/first-time-fix/records/?{PERIOD}&measure=fixed_first").content.decode()
    three = client.get(f"/reports/first-time-fix/records/?{PERIOD}&measure=closed").content.decode()

    assert '<span id="record-count">1</span> record</p>' in one
    assert '<span id="record-count">3</span> records</p>' in three
    data["gm"].language = "zh-hans"
    data["gm"].save()
    zh = client.get(f"/reports/first-time-fix/records/?{PERIOD}&measure=fixed_first").content.decode()
    assert '共 <span id="record-count">1</span> 条记录' in zh


def test_the_model_filter_offers_every_model_not_the_first_200(data, client):
    ProductModelFactory.create_batch(201)
    last = ProductModelFactory(code="ZZ-LAST", name="最后一个型号")
    client.force_login(data["gm"])

    body = client.get(f"/reports/?{PERIOD}").content.decode()

    assert f'<option value="{last.pk}">ZZ-LAST 最后一个型号</option>' in body


def test_a_customer_of_another_centre_is_named_beside_the_customer_filter(data, client, centre, other_centre):
    client.force_login(data["gm"])
    answer = client.get(f"/reports/?{PERIOD}&centre={other_centre.pk}&customer={data['customer'].pk}")
    assert answer.status_code == 400
    body = answer.content.decode()
    # beside the customer's picker, not a bare "customer：" over the page
    bar = body[body.index('id="report-filters"') : body.index("</form>", body.index('id="report-filters"'))]
    assert 'id="filter-error"' in bar
    message = bar[bar.index('id="filter-error"') :].split("</div>", 1)[0]
    assert data["customer"].name in message and centre.name in message
    # the period and the centre asked for are kept; only the contradicting customer is dropped
    assert f'value="{other_centre.pk}" selected' in bar and 'value="2026-03-01"' in bar
