"""Importing customers and units from xlsx or CSV: a preview with row-by-row errors, then the import.

Both run the same code: each row is parsed and then written by the owning context's service
(``create_customer``, ``register_unit``) inside a savepoint, so the preview applies exactly the rules
the import does, including duplicates against the database and against earlier rows of the file.
The preview rolls everything back; the import is all-or-nothing: one bad row and nothing is written.

Both take an optional ``progress(done, total)`` hook, called as rows are checked (the console's
background job shows it as a live count).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import centres_visible_to
from aftersales.catalog.models import ProductModel
from aftersales.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.customers.choices import CustomerKind
from aftersales.customers.permissions import can_edit_customers, customers_visible_to
from aftersales.customers.services import ContactData, SiteData, create_customer
from aftersales.exchange.columns import columns_for, map_headers
from aftersales.exchange.readers import Cell, Table, read_table
from aftersales.history.services import activity_source
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.services import register_unit

KIND_WORDS = {"company": CustomerKind.COMPANY, "公司": CustomerKind.COMPANY, "企业": CustomerKind.COMPANY}
KIND_WORDS |= {"person": CustomerKind.PERSON, "个人": CustomerKind.PERSON}
SELLER_WORDS = {"own": Seller.OWN, "自营": Seller.OWN, "dealer": Seller.DEALER, "经销商": Seller.DEALER}

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
    "site_id": "",
}


@dataclass(frozen=True)
class RowError:
    code: str
    field: str
    message: str


@dataclass
class RowResult:
    row: int  # as the spreadsheet numbers it: the header is row 1
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RowResult":
        errors = [RowError(e["code"], e["field"], e["message"]) for e in data["errors"]]
        return cls(row=data["row"], values=data["values"], errors=errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "ok": self.ok,
            "errors": [e.__dict__ for e in self.errors],
            "values": self.values,
        }


@dataclass
class ImportPreview:
    kind: str
    format: str
    columns: list[str]  # the column keys found in the file, in file order
    rows: list[RowResult]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def invalid(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def valid(self) -> int:
        return self.total - self.invalid

    @property
    def ok(self) -> bool:
        return self.invalid == 0

    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportPreview":
        """The preview again from ``as_dict()`` (a background job keeps it in the cache as plain data)."""
        rows = [RowResult.from_dict(r) for r in data["rows"]]
        return cls(kind=data["kind"], format=data["format"], columns=data["columns"], rows=rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.format,
            "columns": self.columns,
            "total": self.total,
            "valid": self.valid,
            "invalid": self.invalid,
            "rows": [r.as_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class ImportResult:
    kind: str
    created: int
    ids: list[int]


class ImportRejected(ValidationFailed):
    """Some rows have errors, so nothing was imported. ``preview`` has every row; the API body lists
    the rows with errors under ``rows``."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            "import_has_errors",
            _("%(count)d of %(total)d rows have errors; nothing was imported.")
            % {"count": preview.invalid, "total": preview.total},
            invalid=preview.invalid,
            rows=[r.as_dict() for r in preview.error_rows()],
        )
        self.preview = preview


# ---- cell parsing ------------------------------------------------------------------------------
class CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def text(cell: Cell) -> str:
    """A cell as text: Excel stores 13812345678 and serial 2025001 as numbers; they are text here."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime.datetime):
        return cell.date().isoformat() if cell.time() == datetime.time() else cell.isoformat(sep=" ")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return str(cell).strip()


def day(cell: Cell) -> datetime.date | None:
    """YYYY-MM-DD (or YYYY/MM/DD) text, or an Excel date cell."""
    if cell is None or cell == "":
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(cell).date()
        except (ValueError, OverflowError, TypeError) as exc:
            raise CellError("invalid_date", _("Not a date.")) from exc
    raw = str(cell).strip()
    candidate = raw.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return datetime.date.fromisoformat("-".join(p.zfill(2) for p in candidate.split("-")))
    except ValueError as exc:
        raise CellError(
            "invalid_date", _("“%(value)s” is not a date; write YYYY-MM-DD.") % {"value": raw[:40]}
        ) from exc


def choice(cell: Cell, words: dict[str, str], *, default: str) -> str:
    raw = text(cell)
    if not raw:
        return default
    value = words.get(raw.lower())
    if value is None:
        raise CellError(
            "invalid_choice",
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw[:40], "allowed": " / ".join(words)},
        )
    return value


# ---- one preparer per kind: parse a row and return the service call that writes it -------------
Write = Callable[[], models.Model]


class RowPreparer:
    def __init__(self, *, by: User, table: Table, mapping: dict[str, int]) -> None:
        self.by = by
        self.mapping = mapping

    def cells(self, cells: tuple[Cell, ...]) -> dict[str, Cell]:
        return {key: cells[index] for key, index in self.mapping.items()}

    def prepare(self, row: int, raw: dict[str, Cell]) -> tuple[dict[str, Any], list[RowError], Write | None]:
        raise NotImplementedError


class CustomerRows(RowPreparer):
    def __init__(self, *, by: User, table: Table, mapping: dict[str, int]) -> None:
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


class UnitRows(RowPreparer):
    def __init__(self, *, by: User, table: Table, mapping: dict[str, int]) -> None:
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

    def _column(self, table: Table) -> Callable[[str], set[str]]:
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


PREPARERS: dict[str, type[RowPreparer]] = {"customers": CustomerRows, "units": UnitRows}


# ---- preview and import ------------------------------------------------------------------------
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 100  # rows between two calls of the progress hook


def _check_may_import(by: User) -> None:
    if not can_edit_customers(by):
        raise PermissionDeniedError("forbidden", _("You may not import customers or units."))


def _write_rows(
    *, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None
) -> tuple[ImportPreview, list[int]]:
    """Parse and write every row, each in its own savepoint. The caller owns the transaction.

    ``progress(done, total)`` is called once the file is read (done = 0), every ``PROGRESS_EVERY``
    rows, and after the last row."""
    columns_for(kind)
    _check_may_import(by)
    table = read_table(file)
    mapping = map_headers(kind, table.headers)
    preparer = PREPARERS[kind](by=by, table=table, mapping=mapping)
    results, ids = [], []
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    for number, cells in table.rows:
        values, errors, write = preparer.prepare(number, preparer.cells(cells))
        if write is not None:
            try:
                with transaction.atomic():
                    ids.append(write().pk)
            except DomainError as exc:
                column = SERVICE_FIELDS.get(exc.field or "", exc.field or "")
                errors.append(RowError(exc.code, column, exc.detail))
        results.append(RowResult(row=number, values=values, errors=errors))
        done = len(results)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    columns = sorted(mapping, key=mapping.__getitem__)
    return ImportPreview(kind=kind, format=table.format, columns=columns, rows=results), ids


def preview_import(*, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None) -> ImportPreview:
    """Validate every row of an xlsx/CSV file as the import would, and write nothing.

    File-level problems (type, size, more than 10,000 rows, unknown or missing columns) raise
    ``ValidationFailed``; row problems are in the preview's rows. Needs a role that may edit customers.
    ``progress(done, total)``, when given, is called as rows are checked.
    """
    with transaction.atomic():
        preview, _ids = _write_rows(kind=kind, file=file, by=by, progress=progress)
        transaction.set_rollback(True)
    return preview


def run_import(*, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None) -> ImportResult:
    """Create every row of the file in one transaction, or nothing: any row with an error raises
    ``ImportRejected`` (400, with the rows' errors) and rolls the whole file back.
    ``progress(done, total)``, when given, is called as rows are written (not yet committed)."""
    file_name = str(getattr(file, "name", "") or "")[:200]
    with transaction.atomic(), activity_source(**{"import": kind, "file": file_name}):
        preview, ids = _write_rows(kind=kind, file=file, by=by, progress=progress)
        if not preview.ok:
            raise ImportRejected(preview)
        AuditLog.objects.create(
            user=by,
            action=f"exchange.import_{kind}",
            detail={"file": file_name, "format": preview.format, "rows": len(ids)},
        )
    return ImportResult(kind=kind, created=len(ids), ids=ids)
