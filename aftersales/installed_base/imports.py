"""The unit import: its columns and the row preparer, registered as the "units" import kind in
``InstalledBaseConfig.ready()``; ``exchange`` reads the file and runs the preview and the import."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import DomainError
from aftersales.core.tabular import (
    Cell,
    CellError,
    Column,
    Prepared,
    RowError,
    RowPreparer,
    choice,
    day,
    service_error,
    service_errors,
    text,
)
from aftersales.customers.imports import CustomerLookup
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.models import Unit
from aftersales.installed_base.services import clean_unit, register_units, require_active_model

SELLER_WORDS = {"own": Seller.OWN, "自营": Seller.OWN, "dealer": Seller.DEALER, "经销商": Seller.DEALER}
SERVICE_FIELDS = {"service_center_id": "service_center", "site_id": "", "product_model_id": "product_model_code"}

UNIT_COLUMNS = (
    Column(
        "serial_number",
        ("序列号", "出厂编号"),
        gettext_lazy("Serial number (unique)."),
        required=True,
        example="SN20250001",
    ),
    Column(
        "product_model_code",
        ("型号", "产品型号"),
        gettext_lazy("Product model code (an active model)."),
        required=True,
        example="KY-75",
    ),
    Column(
        "customer_name",
        ("客户", "客户名称"),
        gettext_lazy("Owner's name: must match exactly one customer you can see (or give customer_id)."),
        example="华东机械有限公司",
    ),
    Column("customer_id", ("客户ID", "客户编号"), gettext_lazy("Owner's customer ID (instead of the name).")),
    Column(
        "purchase_date",
        ("购买日期", "发票日期"),
        gettext_lazy("Purchase (invoice) date, YYYY-MM-DD."),
        example="2025-03-01",
    ),
    Column(
        "seller",
        ("销售方",),
        gettext_lazy("own / dealer (自营 / 经销商); blank = own."),
        example="自营",
        choices=Seller,
    ),
    Column("dealer_name", ("经销商",), gettext_lazy("Dealer's name (needed when the seller is a dealer).")),
    Column(
        "proof_reference",
        ("发票号", "购买凭证"),
        gettext_lazy("Invoice number (proof of purchase)."),
        example="INV-0001",
    ),
    Column("installed_on", ("安装日期",), gettext_lazy("Installation date, YYYY-MM-DD."), example="2025-03-10"),
)


class UnitRows(RowPreparer):
    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        super().__init__(by=by, table=table, mapping=mapping)
        self.customers = CustomerLookup(by)
        self.models: dict[str, Any] = {}
        self.taken: set[str] = set()
        self.serial_rows: dict[str, int] = {}

    def load(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        # One query per lookup for the batch, not one per row.
        codes = self.column(rows, "product_model_code") - set(self.models)
        if codes:
            self.models |= {m.code: m for m in ProductModel.objects.filter(code__in=codes)}
        self.customers.load(self.column(rows, "customer_name"), self.column(rows, "customer_id"))
        serials = {s.upper() for s in self.column(rows, "serial_number")}
        self.taken = set(Unit.objects.filter(serial_number__in=serials).values_list("serial_number", flat=True))

    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        """Every problem of the row at once: the cells' own (a serial twice, an unknown model or owner, a
        date or seller that does not read), then the service's checks (``clean_unit``: each field's)
        once the owner is known, a column named once."""
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        errors: list[RowError] = []
        serial = values.get("serial_number", "").upper()
        values["serial_number"] = serial
        if (first := self.earlier_row(self.serial_rows, serial, row)) is not None:
            errors.append(
                RowError(
                    "duplicate_in_file",
                    "serial_number",
                    _("Serial number %(serial)s is also on row %(row)d.") % {"serial": serial[:64], "row": first},
                )
            )
        code = values.get("product_model_code", "")
        model = self.models.get(code)
        if model is None:
            message = (
                _("No product model has the code “%(code)s”.") % {"code": code[:40]}
                if code
                else _("This field is required.")
            )
            errors.append(RowError("unknown_model" if code else "required", "product_model_code", message))
        else:
            try:
                require_active_model(model)
            except DomainError as exc:
                errors.append(service_error(exc, SERVICE_FIELDS))
        parsed: dict[str, Any] = {}
        for key, parse in (
            ("customer_name", self.customers.find),
            ("purchase_date", lambda v: day(raw.get("purchase_date"))),
            ("installed_on", lambda v: day(raw.get("installed_on"))),
            ("seller", lambda v: choice(raw.get("seller"), SELLER_WORDS, default=Seller.OWN)),
        ):
            try:
                parsed[key] = parse(values)
            except CellError as exc:
                by_id = values.get("customer_id") or "customer_name" not in self.mapping
                column = "customer_id" if key == "customer_name" and by_id else key
                errors.append(RowError(exc.code, column, exc.message))
        for key in ("purchase_date", "installed_on"):
            if parsed.get(key) is not None:
                values[key] = parsed[key].isoformat()
        if "seller" in parsed:
            values["seller"] = parsed["seller"]
        if "customer_name" not in parsed:
            return values, errors, None  # the service's own checks wait for a known customer
        try:
            new = clean_unit(
                by=self.by,
                serial_number=serial,
                product_model=model,
                customer=parsed["customer_name"],
                purchase_date=parsed.get("purchase_date"),
                seller=parsed.get("seller", Seller.OWN),
                dealer_name=values.get("dealer_name", ""),
                proof_reference=values.get("proof_reference", ""),
                installed_on=parsed.get("installed_on"),
                serial_taken=self.taken.__contains__,
                retired_model_ok=True,  # checked above, with the model's code column (and no model when unknown)
            )
        except DomainError as exc:
            return values, service_errors(exc, SERVICE_FIELDS, besides=errors), None
        if errors:
            return values, errors, None
        return values, errors, new

    def write(self, records: list[Any]) -> list[int]:
        return [u.pk for u in register_units(by=self.by, units=records)]
