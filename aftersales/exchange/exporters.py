"""Exports of orders, customers and units to xlsx or CSV, always scoped to what the user may see.

Rows are streamed from the database in chunks (``iterator(chunk_size=2000)``) with their related rows
joined or prefetched per chunk, so the query count does not grow with the rows. An export that
contains phone numbers leaves an ``AuditLog`` row (who, when, which filters, how many rows).
"""

import csv
import datetime
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import phonenumbers
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.core.filtering import check_filters
from aftersales.core.models import AuditLog
from aftersales.coverage.selectors import decide_coverage
from aftersales.customers.filters import CustomerFilter
from aftersales.customers.models import Customer
from aftersales.customers.selectors import customer_list
from aftersales.exchange.columns import columns_for, header_labels
from aftersales.installed_base.filters import UnitFilter
from aftersales.installed_base.models import Unit
from aftersales.installed_base.permissions import units_visible_to
from aftersales.service.choices import SlaState
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.models import ServiceOrder
from aftersales.service.selectors import order_list
from aftersales.service.sla import sla_state

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
MAX_EXPORT_ROWS = 100_000
CHUNK_SIZE = 2000
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


def _write_xlsx(rows: Iterable[Sequence[Any]], columns: Sequence[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in columns:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells: list[Any] = []
        for value in row:
            value = _plain(value)
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # text stays text: "=1+1" in a customer's notes is not a formula
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_rows(*, rows: Iterable[Sequence[Any]], columns: Sequence[str], fmt: str) -> bytes:
    """Write a header and rows as xlsx or CSV (UTF-8 with BOM). Dates stay dates in xlsx; aware
    datetimes are written in local time; text that looks like a formula is kept as text."""
    check_format(fmt)
    return _write_xlsx(rows, columns) if fmt == "xlsx" else _write_csv(rows, columns)


# ---- shared helpers ----------------------------------------------------------------------------
def display_phone(e164: str) -> str:
    """Mainland numbers as ``138 1234 5678``, others as ``+1 650-253-0000``: readable, and Excel
    keeps them as text (a bare ``+8613812345678`` turns into 8.61381E+12). Import accepts both."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(parsed, fmt.NATIONAL if parsed.country_code == 86 else fmt.INTERNATIONAL)


def _stamp(name: str, fmt: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"


def _json_safe(data: Mapping[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in data.items() if v not in (None, "", [], ())}
    return json.loads(json.dumps(kept, cls=DjangoJSONEncoder, default=str))


def _capped(qs: QuerySet) -> QuerySet:
    """Refuse an export of more than ``MAX_EXPORT_ROWS`` up front: one cheap query, not a failed stream."""
    if qs.order_by().values("pk")[MAX_EXPORT_ROWS : MAX_EXPORT_ROWS + 1].exists():
        raise ValidationFailed(
            "export_too_large",
            _("The export would have more than %(max)d rows; narrow the filters.") % {"max": MAX_EXPORT_ROWS},
        )
    return qs[:MAX_EXPORT_ROWS]


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


# ---- orders ------------------------------------------------------------------------------------
ORDER_COLUMNS = (
    gettext_lazy("Number"),
    gettext_lazy("Status"),
    gettext_lazy("Waiting for"),
    gettext_lazy("Kind"),
    gettext_lazy("Priority"),
    gettext_lazy("Channel"),
    gettext_lazy("Agreed resolution"),
    gettext_lazy("Service centre"),
    gettext_lazy("Customer"),
    gettext_lazy("Serial number"),
    gettext_lazy("Product model"),
    gettext_lazy("Technician"),
    gettext_lazy("Reporter"),
    gettext_lazy("Reporter phone"),
    gettext_lazy("Received at"),
    gettext_lazy("Due at"),
    gettext_lazy("SLA state"),
    gettext_lazy("In warranty"),
    gettext_lazy("Completed at"),
    gettext_lazy("Closed at"),
)


def _order_cells(order: ServiceOrder, *, now: datetime.datetime) -> list[Any]:
    return [
        order.number,
        order.get_status_display(),
        order.get_waiting_for_display() if order.waiting_for else "",
        order.get_kind_display(),
        order.get_priority_display(),
        order.get_channel_display(),
        order.get_resolution_display(),
        order.service_center.name,
        order.customer.name,
        order.unit.serial_number if order.unit else "",
        order.unit.product_model.code if order.unit else "",
        str(order.technician) if order.technician else "",
        order.reporter_name,
        display_phone(order.reporter_phone),
        order.received_at,
        order.due_at,
        SlaState(sla_state(order, now=now)).label,
        order.warranty_covered,
        order.completed_at,
        order.closed_at,
    ]


def export_orders(*, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The user's orders filtered as on the order list (``ServiceOrderFilter``: pass ``request.GET``
    or a dict; ``status`` may be a list), newest first. Audited: the rows carry reporters' phones."""
    check_format(fmt)
    filterset = check_filters(ServiceOrderFilter(data=params, queryset=order_list(user=user)))
    qs = _capped(filterset.qs.order_by("-id"))
    now = timezone.now()
    rows = _Counter(_order_cells(o, now=now) for o in qs.iterator(chunk_size=CHUNK_SIZE))
    content = export_rows(rows=rows, columns=ORDER_COLUMNS, fmt=fmt)
    _audit(user=user, action="exchange.export_orders", filters=filterset.form.cleaned_data, rows=rows.count, fmt=fmt)
    return ExportFile(_stamp("orders", fmt), FORMATS[fmt], content)


# ---- customers ---------------------------------------------------------------------------------
CUSTOMER_EXPORT_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Name"),
    gettext_lazy("Kind"),
    gettext_lazy("Service centre"),
    gettext_lazy("Contact"),
    gettext_lazy("Mobile"),
    gettext_lazy("Other contacts"),
    gettext_lazy("Sites"),
    gettext_lazy("Notes"),
    gettext_lazy("Created at"),
)


def _customer_cells(customer: Customer) -> list[Any]:
    contacts = list(customer.contacts.all())  # prefetched, primary first
    first = contacts[0] if contacts else None
    return [
        customer.pk,
        customer.name,
        customer.get_kind_display(),
        customer.service_center.name,
        first.name if first else "",
        display_phone(first.mobile) if first else "",
        "; ".join(f"{c.name} {display_phone(c.mobile)}" for c in contacts[1:]),
        "; ".join(f"{s.name}: {s.full_address}" for s in customer.sites.all()),
        customer.notes,
        customer.created_at,
    ]


def export_customers(*, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The customers the user may see, with every contact's phone, filtered as on the customer list
    (``CustomerFilter``: ``q``, ``phone``, ``kind``, ``service_center_id``; pass ``request.GET`` or a
    dict). Audited as a bulk read of phones."""
    check_format(fmt)
    filterset = check_filters(CustomerFilter(data=params, queryset=customer_list(user=user)))
    qs = _capped(filterset.qs.order_by("id"))
    rows = _Counter(_customer_cells(c) for c in qs.iterator(chunk_size=CHUNK_SIZE))
    content = export_rows(rows=rows, columns=CUSTOMER_EXPORT_COLUMNS, fmt=fmt)
    _audit(
        user=user,
        action="exchange.export_customers",
        filters=filterset.form.cleaned_data,
        rows=rows.count,
        fmt=fmt,
    )
    return ExportFile(_stamp("customers", fmt), FORMATS[fmt], content)


# ---- units -------------------------------------------------------------------------------------
UNIT_EXPORT_COLUMNS = (
    gettext_lazy("ID"),
    gettext_lazy("Serial number"),
    gettext_lazy("Model code"),
    gettext_lazy("Model name"),
    gettext_lazy("Customer"),
    gettext_lazy("Site"),
    gettext_lazy("Purchase date"),
    gettext_lazy("Seller"),
    gettext_lazy("Dealer"),
    gettext_lazy("Invoice no."),
    gettext_lazy("Proof file"),
    gettext_lazy("Installed on"),
    gettext_lazy("In warranty today"),
    gettext_lazy("Warranty until"),
)


def _unit_cells(unit: Unit, *, today: datetime.date) -> list[Any]:
    warranty = decide_coverage(unit=unit, on=today, kind="")
    return [
        unit.pk,
        unit.serial_number,
        unit.product_model.code,
        unit.product_model.name,
        unit.customer.name,
        unit.site.name if unit.site else "",
        unit.purchase_date,
        unit.get_seller_display(),
        unit.dealer_name,
        unit.proof_reference,
        bool(unit.proof_file),
        unit.installed_on,
        warranty.covered,
        warranty.until,
    ]


def export_units(*, user: User, params: Mapping[str, Any], fmt: str) -> ExportFile:
    """The units the user may see, filtered as on the unit list (``UnitFilter``: ``serial_number``,
    ``customer_id``, ``product_model_id``). No phone numbers, so no audit row."""
    check_format(fmt)
    queryset = units_visible_to(user).select_related("product_model", "customer", "site")
    filterset = check_filters(UnitFilter(data=params, queryset=queryset))
    qs = _capped(filterset.qs.order_by("id"))
    today = timezone.localdate()
    rows = (_unit_cells(u, today=today) for u in qs.iterator(chunk_size=CHUNK_SIZE))
    content = export_rows(rows=rows, columns=UNIT_EXPORT_COLUMNS, fmt=fmt)
    return ExportFile(_stamp("units", fmt), FORMATS[fmt], content)


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
