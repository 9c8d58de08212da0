"""The parts catalogue import: its columns and the row preparer, registered as the "parts" import kind
in ``PartsConfig.ready()``; ``exchange`` reads the file and runs the preview and the import."""

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
    text,
)
from aftersales.parts.choices import UnitOfMeasure
from aftersales.parts.models import Part, Supplier
from aftersales.parts.services.catalogue import clean_part_fields, create_parts
from aftersales.parts.services.common import clean_money

UNIT_WORDS = {
    **{u.value: u.value for u in UnitOfMeasure},
    "个": UnitOfMeasure.PIECE,
    "件": UnitOfMeasure.PIECE,
    "套": UnitOfMeasure.SET,
    "米": UnitOfMeasure.METRE,
    "千克": UnitOfMeasure.KILOGRAM,
    "升": UnitOfMeasure.LITRE,
}
YES_NO = {"yes": "1", "no": "", "是": "1", "否": "", "1": "1", "0": "", "y": "1", "n": ""}

PART_COLUMNS = (
    Column("number", ("备件编号", "料号"), gettext_lazy("Part number (unique)."), required=True, example="BRG-6205"),
    Column("name", ("名称", "备件名称"), gettext_lazy("Part name."), required=True, example="主轴轴承 6205-2RS"),
    Column(
        "unit",
        ("单位",),
        gettext_lazy("piece / set / metre / kg / litre (个 / 套 / 米 / 千克 / 升)."),
        required=True,
        example="个",
    ),
    Column("list_price", ("价格", "零售价"), gettext_lazy("List price in yuan."), example="85.00"),
    Column(
        "price_from", ("价格生效日期",), gettext_lazy("The price applies from this day, YYYY-MM-DD; blank = today.")
    ),
    Column("cost", ("成本",), gettext_lazy("Cost in yuan."), example="42.50"),
    Column("supplier_code", ("供应商代码",), gettext_lazy("Supplier code (blank: made by us)."), example="SKF"),
    Column("supplier_warranty_months", ("供应商保修月数",), gettext_lazy("Supplier warranty in months."), example="12"),
    Column("warranty_critical", ("保修关键件",), gettext_lazy("yes / no (是 / 否): must always be in stock.")),
    Column("turnover", ("周转件",), gettext_lazy("yes / no (是 / 否): a serialised, repairable turnover spare.")),
    Column(
        "compatible_models", ("适用型号",), gettext_lazy("Product model codes, separated by commas."), example="KY-75"
    ),
)


class PartRows(RowPreparer):
    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        super().__init__(by=by, table=table, mapping=mapping)
        self.suppliers: dict[str, Supplier] = {}
        self.models: dict[str, ProductModel] = {}
        self.taken: set[str] = set()
        self.number_rows: dict[str, int] = {}

    def load(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        codes = {c.upper() for c in self.column(rows, "supplier_code")} - set(self.suppliers)
        if codes:
            self.suppliers |= {s.code: s for s in Supplier.objects.filter(code__in=codes)}
        model_codes = {c.strip() for v in self.column(rows, "compatible_models") for c in v.split(",")} - {""}
        if model_codes - set(self.models):
            self.models |= {m.code: m for m in ProductModel.objects.filter(code__in=model_codes)}
        numbers = {n.upper() for n in self.column(rows, "number")}
        self.taken |= set(Part.objects.filter(number__in=numbers).values_list("number", flat=True))

    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        errors: list[RowError] = []
        number = values.get("number", "").upper()
        if (first := self.earlier_row(self.number_rows, number, row)) is not None:
            errors.append(
                RowError(
                    "duplicate_in_file",
                    "number",
                    _("Part %(n)s is also on row %(row)d.") % {"n": number[:40], "row": first},
                )
            )
        elif number in self.taken:
            errors.append(RowError("duplicate_number", "number", _("A part with this number exists.")))
        supplier = None
        if code := values.get("supplier_code", "").upper():
            supplier = self.suppliers.get(code)
            if supplier is None:
                errors.append(
                    RowError(
                        "unknown_supplier",
                        "supplier_code",
                        _("No supplier has the code “%(code)s”.") % {"code": code[:20]},
                    )
                )
        models = []
        for code in (c.strip() for c in values.get("compatible_models", "").split(",")):
            if code and code not in self.models:
                errors.append(
                    RowError(
                        "unknown_model",
                        "compatible_models",
                        _("No product model has the code “%(code)s”.") % {"code": code[:40]},
                    )
                )
            elif code:
                models.append(self.models[code])
        parsed: dict[str, Any] = {}
        for key, parse in (
            ("unit", lambda: choice(raw.get("unit"), UNIT_WORDS, default="")),
            ("warranty_critical", lambda: bool(choice(raw.get("warranty_critical"), YES_NO, default=""))),
            ("turnover", lambda: bool(choice(raw.get("turnover"), YES_NO, default=""))),
            ("price_from", lambda: day(raw.get("price_from"))),
        ):
            try:
                parsed[key] = parse()
            except CellError as exc:
                errors.append(RowError(exc.code, key, exc.message))
        months = values.get("supplier_warranty_months", "") or "0"
        if months.startswith("-") and months[1:].isdigit():  # a whole number, but below zero (QA, 2026-12-07)
            errors.append(RowError("invalid_number", "supplier_warranty_months", _("The months cannot be negative.")))
        elif not months.isdigit():
            errors.append(RowError("invalid_number", "supplier_warranty_months", _("Enter a whole number of months.")))
        if errors:
            return values, errors, None
        try:
            fields = clean_part_fields(
                number=number,
                name=values.get("name", ""),
                unit=parsed["unit"],
                cost=values.get("cost") or 0,
                supplier=supplier,
                supplier_warranty_months=int(months),
                warranty_critical=parsed["warranty_critical"],
                turnover=parsed["turnover"],
            )
            price = clean_money(values.get("list_price"), field="list_price", required=False)
        except DomainError as exc:
            return values, [service_error(exc)], None
        fields.pop("supplier_id")
        record = {
            **fields,
            "supplier": supplier,
            "compatible_models": models,
            "list_price": price,
            "price_from": parsed["price_from"],
        }
        return values, [], record

    def write(self, records: list[Any]) -> list[int]:
        return [p.pk for p in create_parts(by=self.by, rows=records)]
