"""The customer import: its columns and the row preparer, registered as the "customers" import kind
in ``CustomersConfig.ready()``; ``exchange`` reads the file and runs the preview and the import."""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.permissions import centres_visible_to
from aftersales.core.tabular import Cell, CellError, Column, RowError, RowPreparer, Write, choice, text
from aftersales.customers.choices import CustomerKind
from aftersales.customers.services import ContactData, SiteData, create_customer

KIND_WORDS = {"company": CustomerKind.COMPANY, "公司": CustomerKind.COMPANY, "企业": CustomerKind.COMPANY}
KIND_WORDS |= {"person": CustomerKind.PERSON, "个人": CustomerKind.PERSON}

# Where a service reports a field of the nested data, the preview names the file's column.
SERVICE_FIELDS = {
    "contacts": "mobile",
    "contacts[0].name": "contact_name",
    "contacts[0].mobile": "mobile",
    "sites[0].name": "site_name",
    "sites[0].address": "address",
    "sites[0].province": "province",
    "sites[0].city": "city",
    "service_center_id": "service_center",
}

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


class CustomerRows(RowPreparer):
    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        super().__init__(by=by, table=table, mapping=mapping)
        self.centres = {}
        if "service_center" in mapping:
            codes = {text(cells[mapping["service_center"]]) for _, cells in table.rows} - {""}
            self.centres = {c.code: c for c in centres_visible_to(by).filter(code__in=codes)}

    def prepare(self, row: int, raw: dict[str, Cell]) -> tuple[dict[str, Any], list[RowError], Write | None]:
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        errors: list[RowError] = []
        try:
            kind = choice(raw.get("kind"), KIND_WORDS, default=CustomerKind.COMPANY)
            values["kind"] = kind
        except CellError as exc:
            errors.append(RowError(exc.code, "kind", exc.message))
        centre = None
        if values.get("service_center"):
            centre = self.centres.get(values["service_center"])
            if centre is None:
                errors.append(
                    RowError(
                        "unknown_service_center",
                        "service_center",
                        _("No service centre you may see has the code “%(code)s”.")
                        % {"code": values["service_center"][:20]},
                    )
                )
        if errors:
            return values, errors, None
        contacts = []
        if values.get("contact_name") or values.get("mobile"):
            contacts.append(ContactData(name=values.get("contact_name", ""), mobile=values.get("mobile", "")))
        sites = []
        if any(values.get(k) for k in ("site_name", "province", "city", "address")):
            sites.append(
                SiteData(
                    name=values.get("site_name", ""),
                    address=values.get("address", ""),
                    province=values.get("province", ""),
                    city=values.get("city", ""),
                )
            )

        def write() -> models.Model:
            return create_customer(
                by=self.by,
                name=values.get("name", ""),
                kind=kind,
                service_center=centre,
                notes=values.get("notes", ""),
                contacts=contacts,
                sites=sites,
            )

        return values, errors, write
