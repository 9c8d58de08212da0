"""A figure's records as a file (reports/exports.py): the records page's "Export xlsx" downloads every
record the number counts with the list's columns; a bad figure, filter or cell answers 400 naming it."""

import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
PERIOD = "from=2026-03-01&to=2026-04-30"


def _export_link(client, records_url: str) -> str:
    body = client.get(records_url).content.decode()
    return html.unescape(re.search(r'id="records-export" href="([^"]+)"', body)[1])


def _sheet(client, url: str) -> list[tuple]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.content
    return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))


def test_the_records_of_a_cell_export_with_their_lists_columns(data, client):
    client.force_login(data["gm"])
    # Backlog at the end of April: O4 and O8 (test_views.test_click_through_count_equals_the_figure).
    url = _export_link(client, f"/reports/backlog/records/?{PERIOD}&measure=backlog&by=month&row=2026-04")

    header, *rows = _sheet(client, url)

    assert header[:2] == ("工单", "状态")
    assert sorted(row[0] for row in rows) == sorted([data["orders"][3].number, data["orders"][7].number])
    received = {row[0]: row[5] for row in rows}[data["orders"][3].number]
    assert received == timezone.localtime(data["orders"][3].received_at).replace(tzinfo=None, microsecond=0)


def test_every_record_of_the_number_not_one_page(data, client):
    client.force_login(data["gm"])
    records_url = f"/reports/first-time-fix/records/?{PERIOD}&measure=closed"
    shown = re.search(r'<span id="record-count">(\d+)</span>', client.get(records_url).content.decode())[1]

    _header, *rows = _sheet(client, _export_link(client, records_url))

    assert len(rows) == int(shown) == 3


def test_a_technician_in_a_cell_is_written_by_name(data, client):
    """Visits' records name their technician (a user object on the screen's list)."""
    client.force_login(data["gm"])
    _header, *rows = _sheet(client, f"/exports/report_records.xlsx?figure=utilisation&{PERIOD}&measure=visits")

    technicians = {row[1] for row in rows}
    assert rows and technicians <= {str(user) for user in (data["tech_a"], data["tech_b"])}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("figure=no-such-figure&measure=received", "figure"),
        ("figure=backlog&measure=nope", "measure"),
        ("figure=backlog&measure=received&by=nope", "by"),
        ("figure=backlog&measure=backlog&by=month&row=2026-99", "row"),
        ("figure=backlog&measure=received&from=nonsense", "from"),
    ],
)
def test_a_bad_figure_filter_or_cell_answers_400_naming_it(data, client, query, field):
    client.force_login(data["gm"])

    answer = client.get(f"/exports/report_records.xlsx?{PERIOD.split('&')[1]}&{query}")

    assert answer.status_code == 400
    assert field in answer.content.decode()


def test_only_report_readers_export_records(data, client, users):
    client.force_login(users["technician"])

    assert client.get(f"/exports/report_records.xlsx?figure=backlog&{PERIOD}&measure=received").status_code == 403


def test_the_queries_do_not_grow_with_the_records(data, client):
    client.force_login(data["gm"])
    few_url = f"/exports/report_records.xlsx?figure=first-time-fix&{PERIOD}&measure=fixed_first"
    many_url = f"/exports/report_records.xlsx?figure=first-time-fix&{PERIOD}&measure=closed"
    with CaptureQueriesContext(connection) as few:
        assert len(_sheet(client, few_url)) == 1 + 1
    with CaptureQueriesContext(connection) as many:
        assert len(_sheet(client, many_url)) == 1 + 3

    assert len(many.captured_queries) == len(few.captured_queries)
