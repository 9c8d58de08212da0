"""Every export kind's xlsx over the demo set, opened as the accountant's Excel would: the money columns
are numbers formatted ``#,##0.00`` (QA 2026-12-07: 655, 42.5 and 24000 showed instead of 655.00, 42.50
and 24,000.00, every cell "General"), dates and times carry a date format, and the sheet is named after
the export instead of "Sheet"."""

import datetime
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import load_workbook

from aftersales.accounts.models import User
from aftersales.core.registry import allows, export_kinds
from aftersales.core.testing import shared_test_data
from aftersales.exchange.exporters import export, sheet_title
from aftersales.pay.models import PayRun

pytestmark = pytest.mark.django_db

PAY = (
    "Base pay",
    "Performance pay",
    "Allowances",
    "Quarterly bonus",
    "Year-end award",
    "Adjustments",
    "Gross pay",
    "Held back",
    "Holdback released",
    "To pay",
)
# The money columns of each kind, by their English headers, written out here (not read from the
# columns' own marking); every other kind has none.
MONEY = {
    "invoices": {"Net", "Tax", "Gross"},
    "receivables": {"Gross", "Outstanding"},
    "contracts": {"Price", "Warranty deposit"},
    "pay_statements": set(PAY),
    "parts_claims": {"Claimed", "Recovered"},
    "payable_claims": {"Amount (CNY)"},
    "repurchase_entries": {"Debit", "Credit"},
    "report_records": {"Claimed", "Recovered"},  # the supplier claims' records (figure "claims")
    "overtime": {"Allowance (CNY)"},
    "price_list": {"Price"},
}
# The demo set has rows with amounts for these: the check is not vacuous.
WITH_AMOUNTS = (
    "invoices",
    "receivables",
    "contracts",
    "pay_statements",
    "parts_claims",
    "report_records",
    "overtime",
    "price_list",
)
KINDS = (
    "orders",
    "customers",
    "units",
    "complaints",
    "follow_ups",
    "care_monthly",
    "contracts",
    "invoices",
    "receivables",
    "pay_statements",
    "parts_stock",
    "parts_shortages",
    "parts_claims",
    "parts_loans",
    "parts_tools",
    "payable_claims",
    "repurchase_entries",
    "quality_cases",
    "report_records",
    "users",
    "absences",
    "overtime",
    "campaigns",
    "projects",
    "stock_takes",
    "price_list",
)
# Who exports each kind: the first of these the kind's permission allows.
USERS = ("finance", "manager", "parts", "agent", "gm", "admin")
DATE_FORMATS = {"yyyy-mm-dd", "yyyy-mm-dd hh:mm"}


def _load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with shared_test_data(django_db_blocker, _load_demo):
        yield


def _params(kind: str, user: User) -> dict[str, str]:
    if kind == "pay_statements":
        from aftersales.pay.permissions import runs_visible_to

        run = runs_visible_to(user).order_by("pk").first()
        assert isinstance(run, PayRun), "the demo set has a pay run"
        return {"run": str(run.pk)}
    if kind == "report_records":
        today = timezone.localdate()
        start = today - datetime.timedelta(days=365)
        return {"figure": "claims", "measure": "claims", "from": start.isoformat(), "to": today.isoformat()}
    if kind == "follow_ups":
        return {"list": "all"}
    return {}


def _workbook(kind: str) -> Any:
    entry = export_kinds.get(kind)
    assert entry is not None
    user = next(u for u in (User.objects.get(username=name) for name in USERS) if allows(entry.permission, u))
    with translation.override("en"):
        file = export(kind=kind, user=user, params=_params(kind, user), fmt="xlsx")
    return load_workbook(io.BytesIO(file.content)), entry


def test_every_export_kind_is_checked_here():
    registered = [entry.key for entry in export_kinds if not str(entry.rows).startswith("aftersales.tests.")]
    assert sorted(registered) == sorted(KINDS)  # the tests' pretend area ("areas") aside


@pytest.mark.parametrize("kind", KINDS)
def test_export_xlsx_formats_money_and_dates_and_names_its_sheet(demo, kind):
    workbook, entry = _workbook(kind)

    sheet = workbook.worksheets[0]
    with translation.override("en"):
        assert sheet.title == sheet_title(entry.label) != "Sheet"
    header = [cell.value for cell in sheet[1]]
    money = MONEY.get(kind, set())
    assert money <= set(header), f"{kind}: money columns {money - set(header)} not in the header"
    amounts = 0
    for row in sheet.iter_rows(min_row=2):
        for name, cell in zip(header, row, strict=False):
            if isinstance(cell.value, datetime.datetime):  # openpyxl reads a date-formatted cell as one
                assert cell.number_format in DATE_FORMATS, f"{kind} {name}: {cell.number_format}"
            elif name in money and cell.value not in (None, ""):
                assert isinstance(cell.value, int | float | Decimal), f"{kind} {name}: {cell.value!r} is not a number"
                assert cell.number_format == "#,##0.00", f"{kind} {name}: {cell.number_format}"
                amounts += 1
            else:
                assert cell.number_format != "#,##0.00", f"{kind} {name} is not money"
    if kind in WITH_AMOUNTS:
        assert amounts, f"{kind}: the demo set gave no amount to check"


def test_the_sheet_is_named_in_the_users_language(demo):
    finance = User.objects.get(username="finance")
    with translation.override("zh-hans"):
        file = export(kind="invoices", user=finance, params={}, fmt="xlsx")
        label = str(export_kinds.get("invoices").label)

    title = load_workbook(io.BytesIO(file.content)).worksheets[0].title
    assert title == sheet_title(label) and not title.isascii()
