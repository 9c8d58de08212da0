"""The historical order import: its columns and the row preparer, registered as the "orders" import
kind in ``ServiceConfig.ready()``; ``exchange`` reads the file and runs the preview and the import.
The checks are the service's (``services.imported.clean_imported_order``)."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError
from aftersales.core.tabular import (
    Cell,
    CellError,
    Column,
    Prepared,
    RowError,
    RowPreparer,
    choice,
    service_errors,
    text,
)
from aftersales.customers.imports import CustomerLookup
from aftersales.installed_base.models import Unit
from aftersales.service.choices import OrderKind, OrderStatus, Priority, Resolution
from aftersales.service.models import ServiceOrder
from aftersales.service.services.imported import IMPORT_STATUSES, DeadlineCache, clean_imported_order, import_orders

SERVICE_FIELDS = {"unit_id": "serial_number", "customer_id": "customer_name"}

ORDER_COLUMNS = (
    Column(
        "number",
        ("工单号", "工单编号"),
        gettext_lazy("The order's number as it was: SO, the day (yyyymmdd) and 5 digits."),
        required=True,
        example="SO2024030500012",
    ),
    Column(
        "status",
        ("状态",),
        gettext_lazy("new / accepted / dispatched / completed / closed / cancelled; blank = closed."),
        example="已关闭",
        choices=OrderStatus,
    ),
    Column(
        "kind",
        ("类型", "工单类型"),
        gettext_lazy("Order kind (code or name)."),
        required=True,
        example="维修",
        choices=OrderKind,
    ),
    Column(
        "resolution",
        ("处理方式",),
        gettext_lazy("Agreed resolution; blank = on site."),
        example="上门",
        choices=Resolution,
    ),
    Column("priority", ("优先级",), gettext_lazy("Priority; blank = normal."), example="普通", choices=Priority),
    Column(
        "customer_name",
        ("客户", "客户名称"),
        gettext_lazy("Customer's name: must match exactly one customer you can see (or give customer_id)."),
        example="华东机械有限公司",
    ),
    Column("customer_id", ("客户ID", "客户编号"), gettext_lazy("Customer ID (instead of the name).")),
    Column("serial_number", ("序列号", "出厂编号"), gettext_lazy("The unit's serial number (of that customer).")),
    Column("reporter_name", ("报修人",), gettext_lazy("Who called; blank = the customer's name."), example="张伟"),
    Column("reporter_phone", ("报修电话", "联系电话"), gettext_lazy("Caller's phone."), example="13812345678"),
    Column(
        "description", ("问题描述", "故障描述"), gettext_lazy("The problem reported."), required=True, example="不制冷"
    ),
    Column(
        "received_at",
        ("受理时间", "报修时间"),
        gettext_lazy("When the call came in, with its time zone: 2024-03-05 09:12+08:00."),
        required=True,
        example="2024-03-05 09:12:00+08:00",
    ),
    Column(
        "finished_at",
        ("完成时间", "关闭时间"),
        gettext_lazy("When the order was finished (closed, completed or cancelled), with its time zone."),
        example="2024-03-07 16:30:00+08:00",
    ),
    Column("diagnosis", ("诊断", "故障原因"), gettext_lazy("The technician's diagnosis."), example="压缩机损坏"),
    Column(
        "technician",
        ("技术员", "维修人员"),
        gettext_lazy("The username of a technician of the customer's centre; blank for new and accepted orders."),
        example="li.qiang",
    ),
)


def _words(choices: Any, only: Iterable[str] | None = None) -> dict[str, str]:
    """A choice's code, its English and its Chinese label, any case (history files use either); ``only``
    the values a file may give (an import takes no status that only a visit makes)."""
    kept = set(choices.values if only is None else only)
    words = {str(value).lower(): str(value) for value in choices.values if value in kept}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            words |= {str(label).lower(): str(value) for value, label in choices.choices if value in kept}
    return words


def _time(cell: Cell) -> datetime.datetime | None:
    """A time as written: ISO text with its zone (``2024-03-05 09:12+08:00``). An Excel date cell has
    no zone and comes back naive (the service refuses it with ``time_without_zone``)."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime.datetime):
        return cell
    if isinstance(cell, datetime.date):
        return datetime.datetime.combine(cell, datetime.time())  # noqa: DTZ001 - refused as naive
    raw = text(cell)
    try:
        return datetime.datetime.fromisoformat(raw.replace("/", "-"))
    except ValueError as exc:
        raise CellError(
            "invalid_datetime",
            _("“%(value)s” is not a time; write 2024-03-05 09:12+08:00.") % {"value": raw[:40]},
        ) from exc


def _halves(words: dict[str, str]) -> dict[str, str]:
    """Each part of a label written with a slash (保养/巡检, "maintenance / inspection") as a word of
    its own, where it names one choice only and is no word already: an old system's file says 保养 or
    巡检."""
    parts: dict[str, set[str]] = {}
    for word, value in words.items():
        if "/" in word:
            for part in (p.strip() for p in word.split("/")):
                if part:
                    parts.setdefault(part, set()).add(value)
    return {part: next(iter(values)) for part, values in parts.items() if len(values) == 1 and part not in words}


class OrderRows(RowPreparer):
    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        super().__init__(by=by, table=table, mapping=mapping)
        self.customers = CustomerLookup(by)
        self.deadlines = DeadlineCache()
        self.words = {
            "status": _words(OrderStatus, only=IMPORT_STATUSES),
            "kind": _words(OrderKind),
            "resolution": _words(Resolution),
            "priority": _words(Priority),
        }
        self.aliases = {key: _halves(words) for key, words in self.words.items()}
        self.units: dict[str, Unit] = {}
        self.technicians: dict[str, User] = {}
        self.taken: set[str] = set()
        self.number_rows: dict[str, int] = {}

    def load(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        # One query per lookup for the batch, not one per row.
        self.customers.load(self.column(rows, "customer_name"), self.column(rows, "customer_id"))
        serials = {s.upper() for s in self.column(rows, "serial_number")} - set(self.units)
        if serials:
            units = Unit.objects.filter(serial_number__in=serials).select_related("product_model")
            self.units |= {u.serial_number: u for u in units}
        names = self.column(rows, "technician") - set(self.technicians)
        if names:
            self.technicians |= {u.username: u for u in User.objects.filter(username__in=names, system_kind="")}
        numbers = {n.upper() for n in self.column(rows, "number")}
        self.taken = set(ServiceOrder.objects.filter(number__in=numbers).values_list("number", flat=True))

    def _parse(self, raw: dict[str, Cell], values: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
        parsed: dict[str, Any] = {}
        errors: list[RowError] = []
        defaults = {
            "status": OrderStatus.CLOSED,
            "kind": "",
            "resolution": Resolution.ON_SITE,
            "priority": Priority.NORMAL,
        }
        for key, default in defaults.items():
            try:
                parsed[key] = choice(raw.get(key), self.words[key], default=default, aliases=self.aliases[key])
                values[key] = parsed[key]
            except CellError as exc:
                errors.append(RowError(exc.code, key, exc.message))
        for key in ("received_at", "finished_at"):
            try:
                parsed[key] = _time(raw.get(key))
            except CellError as exc:
                errors.append(RowError(exc.code, key, exc.message))
        try:
            parsed["customer"] = self.customers.find(values)
        except CellError as exc:
            column = (
                "customer_id" if values.get("customer_id") or "customer_name" not in self.mapping else "customer_name"
            )
            errors.append(RowError(exc.code, column, exc.message))
        serial = values.get("serial_number", "").upper()
        parsed["unit"] = self.units.get(serial) if serial else None
        if serial and parsed["unit"] is None:
            errors.append(
                RowError(
                    "unknown_unit",
                    "serial_number",
                    _("No unit has the serial number %(serial)s.") % {"serial": serial[:64]},
                )
            )
        username = values.get("technician", "")
        parsed["technician"] = self.technicians.get(username) if username else None
        if username and parsed["technician"] is None:
            errors.append(
                RowError(
                    "unknown_technician",
                    "technician",
                    _("No user has the username “%(name)s”.") % {"name": username[:60]},
                )
            )
        return parsed, errors

    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        """Every problem of the row at once: the cells' own (a choice or time that does not read, an
        unknown customer, unit or technician, a number twice), then the service's checks
        (``clean_imported_order``: each field's) once the customer is known, a column named once."""
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        number = values.get("number", "").upper()
        values["number"] = number
        parsed, errors = self._parse(raw, values)
        if (first := self.earlier_row(self.number_rows, number, row)) is not None:
            errors.append(
                RowError(
                    "duplicate_in_file",
                    "number",
                    _("Order number %(number)s is also on row %(row)d.") % {"number": number[:20], "row": first},
                )
            )
        if "customer" not in parsed:
            return values, errors, None  # the service's own checks wait for a known customer
        try:
            order = clean_imported_order(
                by=self.by,
                number=number,
                # A choice that did not read is given as blank: the service then skips what depends on it.
                status=parsed.get("status", ""),
                kind=parsed.get("kind", ""),
                resolution=parsed.get("resolution", ""),
                priority=parsed.get("priority", ""),
                customer=parsed["customer"],
                unit=parsed["unit"],
                technician=parsed["technician"],
                reporter_name=values.get("reporter_name", ""),
                reporter_phone=values.get("reporter_phone", ""),
                description=values.get("description", ""),
                diagnosis=values.get("diagnosis", ""),
                received_at=parsed.get("received_at"),
                finished_at=parsed.get("finished_at"),
                number_taken=self.taken.__contains__,
                deadlines=self.deadlines,
            )
        except DomainError as exc:
            return values, service_errors(exc, SERVICE_FIELDS, besides=errors), None
        if errors:
            return values, errors, None
        return values, errors, order

    def write(self, records: list[Any]) -> list[int]:
        return import_orders(by=self.by, orders=records)
