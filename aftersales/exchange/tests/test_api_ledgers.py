"""The list screens' ledgers through the API (``/api/v1/exports/<kind>.<fmt>``): the same files as the
"Export xlsx" buttons, a bad tab or format answered 400 naming it, a role without the list 403."""

import io

import pytest
from openpyxl import load_workbook

from aftersales.accounts.choices import Role

pytestmark = pytest.mark.django_db

LEDGERS = [
    ("complaints", Role.AGENT, {"status": "open"}, Role.TECHNICIAN),
    ("follow_ups", Role.AGENT, {"list": "all"}, Role.TECHNICIAN),
    ("contracts", Role.MANAGER, {"state": "active"}, Role.TECHNICIAN),
    ("receivables", Role.FINANCE, {}, Role.AGENT),
    ("quality_cases", Role.MANAGER, {"status": "active"}, Role.TECHNICIAN),
]


@pytest.mark.parametrize(("kind", "role", "params", "refused"), LEDGERS)
def test_a_ledger_downloads_as_xlsx_and_csv(users, api_client, kind, role, params, refused):
    client = api_client(users[role])

    xlsx = client.get(f"/api/v1/exports/{kind}.xlsx", params)
    csv = client.get(f"/api/v1/exports/{kind}.csv", params)

    assert xlsx.status_code == 200 and csv.status_code == 200
    [header] = load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True)  # no rows yet
    assert csv.content.decode("utf-8-sig").splitlines()[0].split(",") == list(header)
    assert api_client(users[refused]).get(f"/api/v1/exports/{kind}.xlsx").status_code == 403


@pytest.mark.parametrize(
    ("kind", "role", "query", "field"),
    [
        ("complaints", Role.AGENT, "status=lost", "status"),
        ("follow_ups", Role.AGENT, "list=later", "list"),
        ("contracts", Role.MANAGER, "state=soon", "state"),
        ("quality_cases", Role.MANAGER, "status=lost", "status"),
        ("receivables", Role.FINANCE, "", "fmt"),
    ],
)
def test_a_bad_tab_or_format_answers_400_naming_it(users, api_client, kind, role, query, field):
    fmt = "pdf" if field == "fmt" else "xlsx"

    answer = api_client(users[role]).get(f"/api/v1/exports/{kind}.{fmt}?{query}")

    assert answer.status_code == 400
    assert answer.json()["field"] == field
