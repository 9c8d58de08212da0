"""The journal for the accounting system (``/exports/repurchase_entries.xlsx`` or ``.csv``, filters
``contract``, ``posted_from``, ``posted_to``): a row per entry line, debits and credits in columns."""

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.accounts.models import User
from aftersales.core.filtering import apply_filters
from aftersales.core.registry import ExportRows
from aftersales.core.tabular import display, money
from aftersales.repurchase.choices import Side
from aftersales.repurchase.conf import account_codes
from aftersales.repurchase.filters import EntryFilter
from aftersales.repurchase.models import EntryLine
from aftersales.repurchase.permissions import entries_visible_to

COLUMNS = (
    gettext_lazy("Contract"),
    gettext_lazy("Customer"),
    gettext_lazy("Entry"),
    gettext_lazy("Date"),
    gettext_lazy("Event"),
    gettext_lazy("Account code"),
    pgettext_lazy("ledger", "Account"),
    money(gettext_lazy("Debit")),
    money(gettext_lazy("Credit")),
    gettext_lazy("Memo"),
    gettext_lazy("Reverses"),
)
PARAMS = ("contract", "posted_from", "posted_to")


def entry_rows(*, user: User, params: Mapping[str, Any], now: datetime.datetime) -> ExportRows:
    data = {name: params.get(name) for name in PARAMS if params.get(name)}
    entries = apply_filters(EntryFilter, data=data, queryset=entries_visible_to(user))
    lines = (
        EntryLine.objects.filter(entry__in=entries)
        .select_related("entry__contract__customer", "entry__reverses__contract")
        .order_by("entry__posted_on", "entry__contract__number", "entry__seq", "position")
    )
    codes = account_codes()

    def rows() -> Iterator[list[Any]]:
        for line in lines.iterator(chunk_size=2000):
            entry = line.entry
            yield [
                entry.contract.number,
                entry.contract.customer.name,
                str(entry),
                entry.posted_on,
                display(entry, "event"),
                codes[line.account],
                display(line, "account"),
                line.amount if line.side == Side.DEBIT else None,
                line.amount if line.side == Side.CREDIT else None,
                entry.memo,
                str(entry.reverses) if entry.reverses_id else "",
            ]

    return ExportRows(rows=rows(), filters=data)
