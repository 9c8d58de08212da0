"""The unit import: its columns and the row preparer, registered as the "units" import kind in
``InstalledBaseConfig.ready()``; ``exchange`` reads the file and runs the preview and the import."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.catalog.models import ProductModel
from aftersales.core.tabular import Cell, CellError, Column, RowError, RowPreparer, Write, choice, day, text
from aftersales.customers.permissions import customers_visible_to
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.services import register_unit

SELLER_WORDS = {"own": Seller.OWN, "自营": Seller.OWN, "dealer": Seller.DEALER, "经销商": Seller.DEALER}
SERVICE_FIELDS = {"service_center_id": "service_center", "site_id": ""}

UNIT_COLUMNS = (
    Column(
        "serial_number",
        ("序列号", "出厂编号"),
        gettext_lazy("Serial number (unique)."),
        required=True,
        example="SN20250001",
    ),
    Column(
        "product_model_code", ("型号", "产品型号"), gettext_lazy("Product model code."), required=True, example="KY-75"
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
    Column("seller", ("销售方",), gettext_lazy("own / dealer (自营 / 经销商); blank = own."), example="自营"),
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
        # One query per lookup for the whole file, not one per row.
        column = self._column(table)
        codes = column("product_model_code")
        self.models = {m.code: m for m in ProductModel.objects.filter(code__in=codes)}
        visible = customers_visible_to(by)
        self.by_name: dict[str, list[Any]] = defaultdict(list)
        for customer in visible.filter(name__in=column("customer_name")):
            self.by_name[customer.name].append(customer)
        ids = {int(i) for i in column("customer_id") if i.isdigit() and len(i) < 19}
        self.by_id = {c.pk: c for c in visible.filter(pk__in=ids)}
        self.serial_rows: dict[str, int] = {}

    def _column(self, table: Any) -> Callable[[str], set[str]]:
        def values(key: str) -> set[str]:
            if key not in self.mapping:
                return set()
            return {text(cells[self.mapping[key]]) for _, cells in table.rows} - {""}

        return values

    def _customer(self, values: dict[str, Any]) -> Any:
        name, raw_id = values.get("customer_name", ""), values.get("customer_id", "")
        if raw_id:
            if not raw_id.isdigit():
                raise CellError("invalid_customer_id", _("The customer ID must be a number."))
            customer = self.by_id.get(int(raw_id)) if len(raw_id) < 19 else None
            if customer is None:
                raise CellError("unknown_customer", _("No customer you can see has ID %(id)s.") % {"id": raw_id[:20]})
            if name and customer.name != name:
                raise CellError(
                    "customer_mismatch",
                    _("Customer %(id)s is named “%(name)s”, not “%(given)s”.")
                    % {"id": raw_id, "name": customer.name, "given": name[:60]},
                )
            return customer
        if not name:
            raise CellError("required", _("Give the customer's name or ID."))
        matches = self.by_name.get(name, [])
        if not matches:
            raise CellError("unknown_customer", _("No customer you can see is named “%(name)s”.") % {"name": name[:60]})
        if len(matches) > 1:
            raise CellError(
                "ambiguous_customer",
                _("%(count)d customers are named “%(name)s”; give the customer ID instead.")
                % {"count": len(matches), "name": name[:60]},
            )
        return matches[0]

    def prepare(self, row: int, raw: dict[str, Cell]) -> tuple[dict[str, Any], list[RowError], Write | None]:
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        errors: list[RowError] = []
        serial = values.get("serial_number", "").upper()
        values["serial_number"] = serial
        if serial:
            first = self.serial_rows.setdefault(serial, row)
            if first != row:
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
        parsed: dict[str, Any] = {}
        for key, parse in (
            ("customer_name", self._customer),
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
        if errors:
            return values, errors, None

        def write() -> models.Model:
            return register_unit(
                by=self.by,
                serial_number=serial,
                product_model=model,
                customer=parsed["customer_name"],
                purchase_date=parsed["purchase_date"],
                seller=parsed["seller"],
                dealer_name=values.get("dealer_name", ""),
                proof_reference=values.get("proof_reference", ""),
                installed_on=parsed["installed_on"],
            )

        return values, errors, write
