"""The customer import: its columns and the row preparer, registered as the "customers" import kind
in ``CustomersConfig.ready()``; ``exchange`` reads the file and runs the preview and the import."""

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.permissions import centres_visible_to
from aftersales.core.errors import DomainError
from aftersales.core.phones import phone_search_key
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
from aftersales.customers.choices import CustomerKind
from aftersales.customers.permissions import customers_visible_to
from aftersales.customers.services import ContactData, SiteData, clean_customer, create_customers

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
        "kind",
        ("类型", "客户类型"),
        gettext_lazy("company / person (公司 / 个人); blank = company."),
        example="公司",
        choices=CustomerKind,
    ),
    Column("contact_name", ("联系人",), gettext_lazy("Contact's name (needed with a mobile)."), example="张伟"),
    Column("mobile", ("手机", "手机号", "联系电话"), gettext_lazy("Contact's mobile number."), example="13812345678"),
    Column(
        "site_name",
        ("地点", "地点名称"),
        gettext_lazy("Site name: needed when any of the site's columns (site, province, city, address) is filled."),
        example="总部",
    ),
    Column("province", ("省", "省份"), gettext_lazy("Province."), example="上海市"),
    Column("city", ("市", "城市"), gettext_lazy("City."), example="上海市"),
    Column(
        "address",
        ("地址", "详细地址"),
        # Found by a probe, 2026-12-06: the help said the site name was needed "with an address" and the
        # address optional, while a province or a city alone made both required.
        gettext_lazy("Street address of the site: needed when any of the site's columns is filled."),
        example="浦东新区张江路1号",
    ),
    Column("notes", ("备注",), gettext_lazy("Notes.")),
    Column(
        "service_center",
        ("服务网点", "网点"),
        gettext_lazy("Service centre code; blank = your own centre."),
    ),
)


class CustomerRows(RowPreparer):
    """A customer is the same customer again when a company has the same name, or a person the same
    name and mobile: in the file (``duplicate_in_file``, the row that has it first named) or among the
    customers the user sees (``duplicate_customer``, with its ID). Found by a probe, 2026-12-06: a file
    checked twice, or a company on two rows for its two contacts, made a second customer each time, and
    the unit import then refused the name as ambiguous. Another contact of an existing customer is added
    on the customer's page, not by a second row."""

    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        super().__init__(by=by, table=table, mapping=mapping)
        self.centres: dict[str, Any] = {}
        self.companies: dict[str, int] = {}  # name → the existing company's id
        self.people: dict[str, int] = {}  # name + mobile → the existing person's id
        self.seen: dict[str, int] = {}

    def load(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        codes = self.column(rows, "service_center") - set(self.centres)
        if codes:
            self.centres |= {c.code: c for c in centres_visible_to(self.by).filter(code__in=codes)}
        names = self.column(rows, "name")
        if names:
            visible = customers_visible_to(self.by).filter(name__in=names)
            self.companies |= dict(visible.filter(kind=CustomerKind.COMPANY).order_by("-pk").values_list("name", "pk"))
            mobiles = {key for m in self.column(rows, "mobile") if (key := phone_search_key(m))}
            if mobiles:
                people = visible.filter(kind=CustomerKind.PERSON, contacts__mobile__in=mobiles)
                self.people |= {
                    f"{name}\n{mobile}": pk for name, mobile, pk in people.values_list("name", "contacts__mobile", "pk")
                }

    def _same_customer(self, row: int, kind: str, values: dict[str, Any]) -> RowError | None:
        name = values.get("name", "").strip()
        if not name:
            return None
        mobile = phone_search_key(values.get("mobile", "")) or ""
        if kind == CustomerKind.PERSON and not mobile:
            return None  # two people of one name are two people; without a mobile nothing tells them apart
        key = name if kind == CustomerKind.COMPANY else f"{name}\n{mobile}"
        if (first := self.earlier_row(self.seen, f"{kind}\n{key}", row)) is not None:
            return RowError(
                "duplicate_in_file",
                "name",
                _("“%(name)s” is also on row %(row)d: one row per customer.") % {"name": name[:60], "row": first},
            )
        existing = (self.companies if kind == CustomerKind.COMPANY else self.people).get(key)
        if existing is not None:
            return RowError(
                "duplicate_customer",
                "name",
                _("“%(name)s” is a customer already (ID %(id)d).") % {"name": name[:60], "id": existing},
            )
        return None

    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        """Every problem of the row at once: the cells' own (kind, centre, the same customer again), then
        the service's checks (``clean_customer``: each field's), a column named once."""
        values: dict[str, Any] = {key: text(cell) for key, cell in raw.items()}
        errors: list[RowError] = []
        kind = CustomerKind.COMPANY  # checked as a company while the kind is wrong: the other fields still are
        try:
            kind = choice(raw.get("kind"), KIND_WORDS, default=CustomerKind.COMPANY)
            values["kind"] = kind
        except CellError as exc:
            errors.append(RowError(exc.code, "kind", exc.message))
        else:
            if (same := self._same_customer(row, kind, values)) is not None:
                errors.append(same)
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
        try:
            new = clean_customer(
                by=self.by,
                name=values.get("name", ""),
                kind=kind,
                service_center=centre,
                notes=values.get("notes", ""),
                contacts=contacts,
                sites=sites,
            )
        except DomainError as exc:
            return values, service_errors(exc, SERVICE_FIELDS, besides=errors), None
        if errors:
            return values, errors, None
        return values, errors, new

    def write(self, records: list[Any]) -> list[int]:
        return [c.pk for c in create_customers(by=self.by, customers=records)]


class CustomerLookup:
    """Finds the customer a row of an import names (units, historical orders), among those ``by``
    can see: ``load`` reads a batch's names and ids in one query each, ``find`` answers per row."""

    def __init__(self, by: Any) -> None:
        self.visible = customers_visible_to(by)
        self.by_name: dict[str, list[Any]] = defaultdict(list)
        self.by_id: dict[int, Any] = {}

    def load(self, names: set[str], ids: set[str]) -> None:
        names = names - set(self.by_name)
        if names:
            for customer in self.visible.filter(name__in=names):
                self.by_name[customer.name].append(customer)
        numbers = {int(i) for i in ids if i.isdigit() and len(i) < 19} - set(self.by_id)
        if numbers:
            self.by_id |= {c.pk: c for c in self.visible.filter(pk__in=numbers)}

    def find(self, values: dict[str, Any]) -> Any:
        """The customer a row names by ``customer_id`` or ``customer_name`` (both given must agree)."""
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
