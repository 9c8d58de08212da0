"""The columns of each import, with the English and Chinese headers both accepted.

The first alias of a column is the Chinese header the templates use; the key is the English one.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from aftersales.core.errors import NotFoundError, ValidationFailed


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...]
    help: str | Promise
    required: bool = False
    example: str = ""

    @property
    def zh(self) -> str:
        return self.aliases[0]


CUSTOMER_COLUMNS = (
    Column(
        "name", ("名称", "客户名称", "客户"), gettext_lazy("Customer name."), required=True, example="华东机械有限公司"
    ),
    Column(
        "kind", ("类型", "客户类型"), gettext_lazy("company / person (公司 / 个人); blank = company."), example="公司"
    ),
    Column("contact_name", ("联系人",), gettext_lazy("Contact's name (needed with a mobile)."), example="张伟"),
    Column("mobile", ("手机", "手机号", "联系电话"), gettext_lazy("Contact's mobile number."), example="13812345678"),
    Column("site_name", ("地点", "地点名称"), gettext_lazy("Site name (needed with an address)."), example="总部"),
    Column("province", ("省", "省份"), gettext_lazy("Province."), example="上海市"),
    Column("city", ("市", "城市"), gettext_lazy("City."), example="上海市"),
    Column("address", ("地址", "详细地址"), gettext_lazy("Street address of the site."), example="浦东新区张江路1号"),
    Column("notes", ("备注",), gettext_lazy("Notes.")),
    Column(
        "service_center",
        ("服务网点", "网点"),
        gettext_lazy("Service centre code; blank = your own centre."),
    ),
)

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

COLUMNS: dict[str, tuple[Column, ...]] = {"customers": CUSTOMER_COLUMNS, "units": UNIT_COLUMNS}
KINDS = tuple(COLUMNS)


def columns_for(kind: str) -> tuple[Column, ...]:
    """The columns of an import kind; an unknown kind is a 404 (there is no such import)."""
    if kind not in COLUMNS:
        raise NotFoundError(
            "unknown_import_kind",
            _("There is no import of “%(kind)s”; choose one of: %(kinds)s.")
            % {"kind": str(kind)[:40], "kinds": ", ".join(KINDS)},
            field="kind",
        )
    return COLUMNS[kind]


def _normalise(header: str) -> str:
    # "Mobile *", " 手机 ", "Serial Number" and "serial-number" are the same header.
    text = re.sub(r"[\s*＊]+$", "", header.strip()).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def header_labels(kind: str) -> list[str]:
    """Headers for a template or an export of an import kind, in the active language."""
    chinese = (get_language() or "").startswith("zh")
    return [c.zh if chinese else c.key for c in columns_for(kind)]


def map_headers(kind: str, headers: list[str]) -> dict[str, int]:
    """``{column key: index in the row}``. Unknown, repeated or missing required columns are refused
    for the whole file: a misspelt header would otherwise drop a column's data without a word."""
    lookup = {}
    for column in columns_for(kind):
        for name in (column.key, *column.aliases):
            lookup[_normalise(name)] = column.key
    found: dict[str, int] = {}
    unknown = []
    for index, header in enumerate(headers):
        if not header.strip():
            continue
        key = lookup.get(_normalise(header))
        if key is None:
            unknown.append(header.strip()[:40])
        elif key in found:
            raise ValidationFailed(
                "duplicate_column",
                _("The column “%(column)s” appears twice in the header row.") % {"column": header.strip()[:40]},
                field="file",
            )
        else:
            found[key] = index
    if unknown:
        allowed = ", ".join(f"{c.key}/{c.zh}" for c in columns_for(kind))
        raise ValidationFailed(
            "unknown_column",
            _("Unknown column(s) in the header row: %(columns)s. Allowed: %(allowed)s.")
            % {"columns": ", ".join(unknown[:10]), "allowed": allowed},
            field="file",
        )
    missing = [c for c in columns_for(kind) if c.required and c.key not in found]
    if kind == "units" and "customer_name" not in found and "customer_id" not in found:
        missing.append(next(c for c in UNIT_COLUMNS if c.key == "customer_name"))
    if missing:
        raise ValidationFailed(
            "missing_column",
            _("The header row lacks the column(s): %(columns)s.")
            % {"columns": ", ".join(f"{c.key}/{c.zh}" for c in missing)},
            field="file",
        )
    return found
