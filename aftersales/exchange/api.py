"""Imports (xlsx/CSV → customers, units) and exports (orders, customers, units → xlsx/CSV)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from aftersales.care.choices import ComplaintStatus
from aftersales.core.api import ErrorOut, idempotent
from aftersales.core.errors import PermissionDeniedError
from aftersales.core.filtering import filter_params
from aftersales.core.idempotency import Created
from aftersales.core.registry import allows, import_kinds
from aftersales.core.schemas import answers, file_answer
from aftersales.customers.api import CustomerFilterQuery
from aftersales.exchange import exporters, importers
from aftersales.exchange.permissions import can_import
from aftersales.installed_base.api import UnitFilterQuery
from aftersales.service.api import OrderFilterQuery

router = Router(tags=["imports and exports"])

FILE_ANSWER = file_answer(
    "The file (xlsx or CSV, UTF-8 with BOM) as an attachment.",
    *(ctype.split(";")[0] for ctype in exporters.FORMATS.values()),
)


class RowErrorOut(Schema):
    code: str
    field: str
    message: str


class ImportRowOut(Schema):
    row: int = Field(description="Row number as the spreadsheet shows it (the header is row 1).")
    ok: bool
    errors: list[RowErrorOut]
    values: dict[str, Any]


class ImportPreviewOut(Schema):
    kind: str
    format: str
    columns: list[str]
    total: int
    valid: int
    invalid: int
    rows: list[ImportRowOut]


class ImportOut(Schema):
    kind: str
    created: int


class ImportErrorOut(ErrorOut):
    invalid: int | None = None
    rows: list[ImportRowOut] = Field(default_factory=list, description="Only the rows with errors.")


class OrderExportQuery(OrderFilterQuery):
    """The order list's filters (``GET /orders``, ``ServiceOrderFilter``) without paging."""


class CustomerExportQuery(CustomerFilterQuery):
    """The customer list's filters (``CustomerFilter``) without paging."""


class UnitExportQuery(UnitFilterQuery):
    """The unit list's filters (``UnitFilter``) without paging."""


def _attachment(export: exporters.ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    return response


# ---- imports -----------------------------------------------------------------------------------
@router.post("/imports/{kind}/preview", response=answers(ImportPreviewOut, 400, 403, 404))
def preview_import(request: HttpRequest, kind: str, file: File[UploadedFile]) -> importers.ImportPreview:
    """Check an xlsx/CSV file of ``customers`` or ``units`` row by row and write nothing.

    At most 10,000 rows and 5 MB; the header row may use the English or the Chinese column names."""
    return importers.preview_import(kind=kind, file=file, by=request.user)


@router.post("/imports/{kind}", response=answers(ImportOut, 403, 404, 422, status=201) | {400: ImportErrorOut})
def run_import(request: HttpRequest, kind: str, file: File[UploadedFile]) -> Created:
    """Import every row in one transaction, or none: any row with an error answers 400
    ``import_has_errors`` with those rows under ``rows``, and nothing is written."""

    def create() -> tuple[int, ImportOut]:
        return 201, ImportOut.from_orm(importers.run_import(kind=kind, file=file, by=request.user))

    return idempotent(request, create)


@router.get(
    "/imports/{kind}/template.{fmt}",
    response=answers(None, 400, 403, 404),
    openapi_extra=FILE_ANSWER,
)
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty import file with the header row (xlsx: with a sheet explaining each column). For the
    roles that may import this kind, as on the console's import screen (docs/exchange.md)."""
    if not can_import(request.user):  # type: ignore[arg-type]
        raise PermissionDeniedError("forbidden", _("You may not import customers or units."))
    entry = import_kinds.get(kind)
    if entry is not None and not allows(entry.permission, request.user):
        raise PermissionDeniedError("forbidden", _("You may not import %(kind)s.") % {"kind": str(entry.label).lower()})
    return _attachment(exporters.import_template(kind=kind, fmt=fmt))


# ---- exports -----------------------------------------------------------------------------------
@router.get(
    "/exports/orders.{fmt}",
    response=answers(None, 400),
    openapi_extra=FILE_ANSWER,
)
def export_orders(request: HttpRequest, fmt: str, filters: Query[OrderExportQuery]) -> HttpResponse:
    """Your orders with the order list's filters, newest first, at most 100,000 rows. Logged
    (the rows carry phone numbers)."""
    exporters.check_format(fmt)
    return _attachment(exporters.export_orders(user=request.user, params=filter_params(filters), fmt=fmt))


@router.get(
    "/exports/customers.{fmt}",
    response=answers(None, 400),
    openapi_extra=FILE_ANSWER,
)
def export_customers(request: HttpRequest, fmt: str, filters: Query[CustomerExportQuery]) -> HttpResponse:
    """Your customers with every contact's phone number, at most 100,000 rows. Logged."""
    exporters.check_format(fmt)
    return _attachment(exporters.export_customers(user=request.user, params=filter_params(filters), fmt=fmt))


@router.get(
    "/exports/units.{fmt}",
    response=answers(None, 400),
    openapi_extra=FILE_ANSWER,
)
def export_units(request: HttpRequest, fmt: str, filters: Query[UnitExportQuery]) -> HttpResponse:
    """Your units with their warranty status today, at most 100,000 rows."""
    exporters.check_format(fmt)
    return _attachment(exporters.export_units(user=request.user, params=filter_params(filters), fmt=fmt))


class PayStatementExportQuery(Schema):
    run: int = Field(description="The pay run exported")


@router.get(
    "/exports/pay_statements.{fmt}",
    response=answers(None, 400, 403, 404),
    openapi_extra=FILE_ANSWER,
)
def export_pay_statements(request: HttpRequest, fmt: str, params: Query[PayStatementExportQuery]) -> HttpResponse:
    """A pay run for payroll (pay's "pay_statements" kind): a row per statement with each section's
    total, held back, released and to pay. For those who run, see or keep pay; out of scope 404. Logged."""
    export = exporters.export(kind="pay_statements", user=request.user, params={"run": str(params.run)}, fmt=fmt)
    return _attachment(export)


# ---- the ledgers of the list screens (the same files as their "Export xlsx" buttons) -------------
def _ledger(request: HttpRequest, kind: str, fmt: str, params: Schema) -> HttpResponse:
    exporters.check_format(fmt)
    return _attachment(exporters.export(kind=kind, user=request.user, params=filter_params(params), fmt=fmt))


class ComplaintExportQuery(Schema):
    status: ComplaintStatus | None = Field(None, description="The complaint list's tab; every complaint when absent")


@router.get("/exports/complaints.{fmt}", response=answers(None, 400, 403), openapi_extra=FILE_ANSWER)
def export_complaints(request: HttpRequest, fmt: str, params: Query[ComplaintExportQuery]) -> HttpResponse:
    """The complaint ledger (投诉台账): your complaints with their orders, outcome and acceptance."""
    return _ledger(request, "complaints", fmt, params)


# The tabs are checked by the export kinds themselves (core.filtering.list_tab: 400 naming the field).
class FollowUpExportQuery(Schema):
    list: str = Field(
        "due", max_length=20, description="The follow-up list's tab: due, overdue, retry, upcoming, done, all"
    )


@router.get("/exports/follow_ups.{fmt}", response=answers(None, 400, 403), openapi_extra=FILE_ANSWER)
def export_follow_ups(request: HttpRequest, fmt: str, params: Query[FollowUpExportQuery]) -> HttpResponse:
    """The follow-up ledger (回访记录): every follow-up of the tab with its last call."""
    return _ledger(request, "follow_ups", fmt, params)


class ContractExportQuery(Schema):
    state: str = Field(
        "all", max_length=20, description="The contract list's tab: active, expiring, expired, cancelled, all"
    )


@router.get("/exports/contracts.{fmt}", response=answers(None, 400, 403), openapi_extra=FILE_ANSWER)
def export_contracts(request: HttpRequest, fmt: str, params: Query[ContractExportQuery]) -> HttpResponse:
    """The contract ledger (维保合同台账): your contracts with their state, units and money."""
    return _ledger(request, "contracts", fmt, params)


@router.get("/exports/receivables.{fmt}", response=answers(None, 400, 403), openapi_extra=FILE_ANSWER)
def export_receivables(request: HttpRequest, fmt: str) -> HttpResponse:
    """Receivables by age (应收账款账龄): issued invoices with money owed today, oldest due first."""
    return _ledger(request, "receivables", fmt, Schema())


class QualityCaseExportQuery(Schema):
    status: str = Field("all", max_length=20, description="The case list's tab: all, active (not closed) or one status")


@router.get("/exports/quality_cases.{fmt}", response=answers(None, 400, 403), openapi_extra=FILE_ANSWER)
def export_quality_cases(request: HttpRequest, fmt: str, params: Query[QualityCaseExportQuery]) -> HttpResponse:
    """The quality case ledger (质量问题台账): your cases with the date of each state and the decision."""
    return _ledger(request, "quality_cases", fmt, params)
