"""Importing any registered import kind (customers, units ...) from xlsx or CSV: a preview with
row-by-row errors, then the import.

The app that owns the rows registers the kind (``core.registry.import_kinds``): its columns, who
may import it, and a row preparer (``core.tabular.RowPreparer``) that checks a batch of rows with
one query per lookup, through the owning context's checks (``clean_customer``, ``clean_unit``,
``clean_imported_order``), and writes a batch of checked rows in bulk (``create_customers``,
``register_units``, ``import_orders``). The preview only checks, outside any transaction (on
SQLite it never takes the write lock); the import checks the same way, then writes every batch in
one transaction: all or nothing, one bad row and nothing is written. The row-by-row import is a
batch of one through the same code (``batch_size=1``).

Both take an optional ``progress(done, total)`` hook, called as rows are checked (the console's
background job shows it as a live count).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.registry import ImportKind, allows, resolve
from aftersales.core.tabular import RowError, RowPreparer
from aftersales.exchange.columns import import_kind, map_headers
from aftersales.exchange.readers import read_table
from aftersales.history.services import activity_source

__all__ = ["ImportPreview", "ImportRejected", "ImportResult", "RowError", "RowResult", "preview_import", "run_import"]


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


# ---- preview and import ------------------------------------------------------------------------
Progress = Callable[[int, int], None]
PROGRESS_EVERY = 100  # rows between two calls of the progress hook
# Rows checked together (one query per lookup) and written together (bulk_create). A batch of one is
# the row-by-row import: the same checks, only slower.
BATCH_SIZE = 1000


def _check_may_import(by: User, kind: ImportKind) -> None:
    if not allows(kind.permission, by):
        raise PermissionDeniedError("forbidden", _("You may not import %(kind)s.") % {"kind": str(kind.label).lower()})


def _check_rows(
    *, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None, batch_size: int | None = None
) -> tuple[ImportPreview, RowPreparer, list[Any]]:
    """Read the file and check every row, a batch at a time, writing nothing.

    Returns the preview, the kind's preparer and the checked records (in file order) for
    ``preparer.write``. ``progress(done, total)`` is called once the file is read (done = 0), every
    ``PROGRESS_EVERY`` rows, and after the last row."""
    entry = import_kind(kind)
    _check_may_import(by, entry)
    table = read_table(file)
    mapping = map_headers(kind, table.headers)
    preparer: RowPreparer = resolve(entry.preparer)(by=by, table=table, mapping=mapping)
    size = batch_size or BATCH_SIZE
    results: list[RowResult] = []
    records: list[Any] = []
    total = len(table.rows)
    if progress is not None:
        progress(0, total)
    reported = 0
    for start in range(0, total, size):
        batch = [(number, preparer.cells(cells)) for number, cells in table.rows[start : start + size]]
        for (number, _raw), (values, errors, record) in zip(batch, preparer.check(batch), strict=True):
            results.append(RowResult(row=number, values=values, errors=errors))
            if not errors:
                records.append(record)
        done = len(results)
        if progress is not None:
            # Every PROGRESS_EVERY rows as before, now reached a batch at a time.
            while reported + PROGRESS_EVERY <= done:
                reported += PROGRESS_EVERY
                progress(reported, total)
            if done == total and reported != total:
                reported = total
                progress(done, total)
    columns = sorted(mapping, key=mapping.__getitem__)
    return ImportPreview(kind=kind, format=table.format, columns=columns, rows=results), preparer, records


def preview_import(
    *, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None, batch_size: int | None = None
) -> ImportPreview:
    """Validate every row of an xlsx/CSV file as the import would, and write nothing.

    File-level problems (type, size, more than 10,000 rows, unknown or missing columns) raise
    ``ValidationFailed``; row problems are in the preview's rows. Needs a role that may edit customers.
    ``progress(done, total)``, when given, is called as rows are checked.
    """
    # Only reads, outside any transaction: on SQLite the preview never holds the write lock.
    preview, _preparer, _records = _check_rows(kind=kind, file=file, by=by, progress=progress, batch_size=batch_size)
    return preview


def run_import(
    *, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None, batch_size: int | None = None
) -> ImportResult:
    """Create every row of the file in one transaction, or nothing: any row with an error raises
    ``ImportRejected`` (400, with the rows' errors) and rolls the whole file back.
    ``progress(done, total)``, when given, is called as rows are written (not yet committed)."""
    file_name = str(getattr(file, "name", "") or "")[:200]
    preview, preparer, records = _check_rows(kind=kind, file=file, by=by, progress=progress, batch_size=batch_size)
    if not preview.ok:
        raise ImportRejected(preview)
    size = batch_size or BATCH_SIZE
    with transaction.atomic(), activity_source(**{"import": kind, "file": file_name}):
        ids: list[int] = []
        try:
            for start in range(0, len(records), size):
                ids.extend(preparer.write(records[start : start + size]))
        except IntegrityError as exc:
            # Someone wrote the same serial or number between the check and the write.
            raise ConflictError(
                "import_conflict",
                _("Some rows were added by someone else meanwhile; check the file again."),
                field="file",
            ) from exc
        AuditLog.objects.create(
            user=by,
            action=f"exchange.import_{kind}",
            detail={"file": file_name, "format": preview.format, "rows": len(ids)},
        )
    return ImportResult(kind=kind, created=len(ids), ids=ids)
