"""Exports of the registered export kinds (orders, customers, units ...) to xlsx or CSV, always
scoped to what the user may see.

The app that owns the rows registers the kind (``core.registry.export_kinds``): its columns, who may
export it, whether it is audited, and a function that returns the scoped, filtered rows. Rows are streamed from the database in chunks (``iterator(chunk_size=2000)``) with their related rows
joined or prefetched per chunk, so the query count does not grow with the rows. An export that
contains phone numbers leaves an ``AuditLog`` row (who, when, which filters, how many rows).
"""

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.registry import ExportKind, allows, export_kinds, resolve
from aftersales.core.tabular import CHUNK_SIZE, MAX_EXPORT_ROWS, MONEY_FORMAT, capped, export_phone, is_money
from aftersales.core.validation import code_and_label
from aftersales.exchange.columns import columns_for, header_labels

__all__ = ["CHUNK_SIZE", "MAX_EXPORT_ROWS", "capped"]

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Excel refuses a sheet name with one of these (and one longer than 31 characters).
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
# A cell starting with one of these is a formula to Excel; exported text must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportFile(NamedTuple):
    filename: str
    content_type: str
    content: bytes


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed(
            "unknown_format",
            _("Unknown format “%(fmt)s”; choose xlsx or csv.") % {"fmt": str(fmt)[:20]},
            field="fmt",
        )
    return fmt


# ---- writing rows ------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no time zones: write the local (Asia/Shanghai) wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if timezone.is_aware(value) else value
    return value


def _csv_cell(value: Any) -> Any:
    value = _plain(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    # The BOM makes Excel read the file as UTF-8 (Chinese text is garbled without it).
    return buffer.getvalue().encode("utf-8-sig")


def sheet_title(name: Any) -> str:
    """``name`` as an Excel sheet's name: at most 31 characters, none of ``\\ / ? * [ ] :``, no
    apostrophe first or last (Excel refuses to open such a file)."""
    title = SHEET_TITLE_FORBIDDEN.sub(" ", str(name)).strip().strip("'").strip()
    return title[:31].rstrip().rstrip("'") or "Sheet"


def _write_xlsx(rows: Iterable[Sequence[Any]], columns: Sequence[Any], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    money_at = {index for index, column in enumerate(columns) if is_money(column)}
    for row in rows:
        cells: list[Any] = []
        for index, value in enumerate(row):
            value = _plain(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # text stays text: "=1+1" in a customer's notes is not a formula
            else:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, datetime.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
                elif index in money_at and isinstance(value, int | float | Decimal):
                    cell.number_format = MONEY_FORMAT  # the value stays exact: 655 shows as 655.00
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_rows(*, rows: Iterable[Sequence[Any]], columns: Sequence[Any], fmt: str, title: str = "") -> bytes:
    """Write a header and rows as xlsx or CSV (UTF-8 with BOM). ``columns`` are labels or
    ``core.tabular.ExportColumn``s. In xlsx the sheet is named ``title``; dates stay dates (formatted
    ``yyyy-mm-dd``, times ``yyyy-mm-dd hh:mm``); the money columns' numbers are formatted ``#,##0.00``;
    aware datetimes are written in local time; text that looks like a formula is kept as text."""
    check_format(fmt)
    return _write_xlsx(rows, columns, title) if fmt == "xlsx" else _write_csv(rows, columns)


# ---- shared helpers ----------------------------------------------------------------------------
display_phone = export_phone  # the spreadsheet form of a phone (kept under its old name)


def _stamp(name: str, fmt: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def _json_safe(data: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in data.items() if v not in (None, "", [], ())}
    return json.loads(json.dumps(kept, cls=DjangoJSONEncoder, default=str))


class _Counter:
    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _audit(*, user: User, action: str, filters: Mapping[str, Any], rows: int, fmt: str) -> None:
    AuditLog.objects.create(
        user=user, action=action, detail={"filters": _json_safe(filters), "rows": rows, "format": fmt}
    )


# ---- registered export kinds -------------------------------------------------------------------
def export_kind(kind: str) -> ExportKind:
    entry = export_kinds.get(str(kind))
    if entry is None:
        raise NotFoundError(
            "unknown_export_kind",
            _("There is no export of “%(kind)s”; choose one of: %(kinds)s.")
            % {"kind": str(kind)[:40], "kinds": ", ".join(code_and_label(k.key, k.label) for k in export_kinds)},
            field="kind",
        )
    return entry


def export(*, kind: str, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """A registered export kind's rows for ``user`` as xlsx or CSV: an unknown kind is 404, a kind
    whose permission refuses the user 403, an invalid filter 400, all before a row is read. A kind
    registered with ``audit`` (its rows carry phone numbers) leaves an ``AuditLog`` row."""
    entry = export_kind(kind)
    if not allows(entry.permission, user):
        raise PermissionDeniedError("forbidden", _("You may not export %(kind)s.") % {"kind": str(entry.label).lower()})
    check_format(fmt)
    found = resolve(entry.rows)(user=user, params=params, now=timezone.now())
    rows = _Counter(found.rows)
    columns = entry.columns if found.columns is None else found.columns
    content = export_rows(rows=rows, columns=columns, fmt=fmt, title=str(entry.label))
    if entry.audit:
        _audit(user=user, action=f"exchange.export_{entry.key}", filters=found.filters, rows=rows.count, fmt=fmt)
    return ExportFile(_stamp(entry.key, fmt), FORMATS[fmt], content)


def export_orders(*, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The "orders" kind (service): newest first, audited."""
    return export(kind="orders", user=user, params=params, fmt=fmt)


def export_customers(*, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The "customers" kind (customers): every contact's phone, audited."""
    return export(kind="customers", user=user, params=params, fmt=fmt)


def export_units(*, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The "units" kind (coverage): no phone numbers, so no audit row."""
    return export(kind="units", user=user, params=params, fmt=fmt)


# ---- import templates --------------------------------------------------------------------------
def import_template(*, kind: str, fmt: str = "xlsx") -> ExportFile:
    """An empty file with the import's header row (Chinese headers when the language is Chinese).
    The xlsx has a second sheet explaining each column, and text-formatted columns so that Excel
    keeps mobiles and serial numbers as typed."""
    check_format(fmt)
    columns = columns_for(kind)
    headers = header_labels(kind)
    if fmt == "csv":
        return ExportFile(f"{kind}-template.csv", FORMATS["csv"], export_rows(rows=[], columns=headers, fmt="csv"))
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind
    sheet.append(headers)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(headers[index - 1]) * 2 + 4)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if "date" not in column.key and column.key != "installed_on":
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(_("Help"))
    help_sheet.append([_("Column"), _("English header"), _("Required"), _("Meaning"), _("Example")])
    for column in columns:
        help_sheet.append(
            [column.zh, column.key, _("Yes") if column.required else "", str(column.help), column.example]
        )
    for letter, width in zip("ABCDE", (14, 20, 8, 70, 24), strict=True):
        help_sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ExportFile(f"{kind}-template.xlsx", FORMATS["xlsx"], buffer.getvalue())
