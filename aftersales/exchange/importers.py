"""Importing any registered import kind (customers, units ...) from xlsx or CSV: a preview with
row-by-row errors, then the import.

The app that owns the rows registers the kind (``core.registry.import_kinds``): its columns, who
may import it, and a row preparer that parses a row and returns the owning context's service call
(``create_customer``, ``register_unit``). Both run the same code: each row is written inside a
savepoint, so the preview applies exactly the rules the import does, including duplicates against the database and against earlier rows of the file.
The preview rolls everything back; the import is all-or-nothing: one bad row and nothing is written.

Both take an optional ``progress(done, total)`` hook, called as rows are checked (the console's
background job shows it as a live count).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.registry import ImportKind, allows, resolve
from aftersales.core.tabular import RowError
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


def _check_may_import(by: User, kind: ImportKind) -> None:
    if not allows(kind.permission, by):
        raise PermissionDeniedError("forbidden", _("You may not import %(kind)s.") % {"kind": str(kind.label).lower()})


def _write_rows(
    *, kind: str, file: IO[bytes] | Any, by: User, progress: Progress | None = None
) -> tuple[ImportPreview, list[int]]:
    """Parse and write every row, each in its own savepoint. The caller owns the transaction.

    ``progress(done, total)`` is called once the file is read (done = 0), every ``PROGRESS_EVERY``
    rows, and after the last row."""
    entry = import_kind(kind)
    _check_may_import(by, entry)
    table = read_table(file)
    mapping = map_headers(kind, table.headers)
    preparer = resolve(entry.preparer)(by=by, table=table, mapping=mapping)
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
                column = entry.service_fields.get(exc.field or "", exc.field or "")
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
