"""Shared pieces for tabular imports and exports, used by the apps that register import and export
kinds (``core.registry``) and by ``exchange``, which reads the files and writes them.

An import kind names its columns (``Column``: the English key, the Chinese headers accepted) and a
``RowPreparer`` that parses one row with ``text``/``day``/``choice`` and returns the service call
that writes it; an export kind's rows come from a query capped by ``capped``.
"""

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.db.models import Choices, Field, Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

Cell = str | int | float | datetime.date | datetime.datetime | None
MAX_EXPORT_ROWS = 100_000
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    """An import column. ``choices``: the TextChoices whose code the row's value holds once read (the API's
    preview gives the code); the preview screen shows its label in the reader's language (``shown``)."""

    key: str
    aliases: tuple[str, ...]
    help: str | Promise
    required: bool = False
    example: str = ""
    choices: type[Choices] | None = None

    def shown(self, value: Any) -> Any:
        """``value`` as the preview shows it: a code of ``choices`` by its label, anything else as it is."""
        return choice_label(self.choices, value) if self.choices is not None and value else value

    @property
    def zh(self) -> str:
        return self.aliases[0]


@dataclass(frozen=True)
class RowError:
    code: str
    field: str
    message: str


# ---- cell parsing ------------------------------------------------------------------------------
class CellError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def text(cell: Cell) -> str:
    """A cell as text: Excel stores 13812345678 and serial 2025001 as numbers; they are text here."""
    if type(cell) is str:  # every cell of a CSV file, most of an xlsx one
        return cell.strip()
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


def choice(cell: Cell, words: dict[str, str], *, default: str, aliases: dict[str, str] | None = None) -> str:
    """The choice a cell names by one of ``words`` (any case), or by one of ``aliases``, which the
    refusal does not list. The listed words are set apart by " | ": a label may hold a slash itself
    (保养/巡检), and " / " between them read as if 保养 were one of them (found by hand, 2026-12-07)."""
    raw = text(cell)
    if not raw:
        return default
    value = words.get(raw.lower())
    if value is None and aliases:
        value = aliases.get(raw.lower())
    if value is None:
        raise CellError(
            "invalid_choice",
            _("“%(value)s” is not one of: %(allowed)s.") % {"value": raw[:40], "allowed": " | ".join(words)},
        )
    return value


# ---- one preparer per kind: check rows a batch at a time, then write the valid ones in bulk -----
Prepared = tuple[dict[str, Any], list[RowError], Any]  # (values shown, errors, the record to write or None)


class RowPreparer:
    """Checks an import kind's rows and writes them, a batch at a time.

    ``check(rows)`` gets a batch of ``(row number, {column key: cell})``: ``load(rows)`` first reads
    everything the batch refers to in one query per lookup (customers, units, existing numbers …),
    then ``prepare`` checks each row against it and returns ``(values, errors, record)``, writing
    nothing. ``write(records)`` writes a batch of checked records in bulk and returns their ids.
    The console and the API send every file through the same ``check``/``write``, whatever the batch
    size: a batch of one is the row-by-row import, with the very same checks.
    """

    def __init__(self, *, by: Any, table: Any, mapping: dict[str, int]) -> None:
        self.by = by
        self.mapping = mapping

    def cells(self, cells: tuple[Cell, ...]) -> dict[str, Cell]:
        return {key: cells[index] for key, index in self.mapping.items()}

    def column(self, rows: list[tuple[int, dict[str, Cell]]], key: str) -> set[str]:
        """The distinct non-blank texts of one column in a batch (for a set-based lookup)."""
        return {text(raw.get(key)) for _, raw in rows} - {""}

    def load(self, rows: list[tuple[int, dict[str, Cell]]]) -> None:
        """Read what this batch refers to (one query per lookup, not one per row)."""

    @staticmethod
    def earlier_row(seen: dict[str, int], key: str, row: int) -> int | None:
        """The row that already carried ``key`` (a serial, a number) in this file, or None; ``seen``
        lives as long as the preparer, so a repeat is found across batches too."""
        if not key:
            return None
        first = seen.setdefault(key, row)
        return first if first != row else None

    def check(self, rows: list[tuple[int, dict[str, Cell]]]) -> list[Prepared]:
        self.load(rows)
        return [self.prepare(number, raw) for number, raw in rows]

    def prepare(self, row: int, raw: dict[str, Cell]) -> Prepared:
        raise NotImplementedError

    def write(self, records: list[Any]) -> list[int]:
        raise NotImplementedError


def service_error(exc: Any, fields: dict[str, str] | None = None) -> RowError:
    """A service's ``DomainError`` as a row error naming the file's column."""
    column = (fields or {}).get(exc.field or "", exc.field or "")
    return RowError(exc.code, column, exc.detail)


def service_errors(
    exc: Any, fields: dict[str, str] | None = None, *, besides: Sequence[RowError] = ()
) -> list[RowError]:
    """Every error of a service's check (``DomainError.every``, ``core.validation.Checks``) as row errors
    naming the file's columns, after ``besides`` (the row's own errors, found reading the cells); a
    column the row's own errors name already is not named twice."""
    flagged = {error.field for error in besides}
    errors = list(besides)
    for error in exc.every():
        row_error = service_error(error, fields)
        if row_error.field not in flagged or not row_error.field:
            errors.append(row_error)
    return errors


# ---- exports ----------------------------------------------------------------------------------
MONEY_FORMAT = "#,##0.00"  # the accountant's fen: 655.00, 24,000.00; the cell keeps the exact value


@dataclass(frozen=True)
class ExportColumn:
    """An export column that says what its cells are: ``money`` cells are written to xlsx with
    ``MONEY_FORMAT`` (a CSV writes the Decimal as it is). A plain label is a column of anything; dates
    and times are formatted by their value, whatever the column."""

    label: str | Promise
    money: bool = False

    def __str__(self) -> str:
        return str(self.label)


def money(label: str | Promise) -> ExportColumn:
    """A money column of an export kind (``INVOICE_COLUMNS = (…, money(_("Net")), …)``)."""
    return ExportColumn(label, money=True)


def is_money(column: Any) -> bool:
    return isinstance(column, ExportColumn) and column.money


def capped(qs: QuerySet) -> QuerySet:
    """Refuse an export of more than ``MAX_EXPORT_ROWS`` up front: one cheap query, not a failed stream."""
    if qs.order_by().values("pk")[MAX_EXPORT_ROWS : MAX_EXPORT_ROWS + 1].exists():
        raise ValidationFailed(
            "export_too_large",
            _("The export would have more than %(max)d rows; narrow the filters.") % {"max": MAX_EXPORT_ROWS},
        )
    return qs[:MAX_EXPORT_ROWS]


@functools.cache
def _field_labels(field: Field, language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in field.flatchoices}


@functools.cache
def _choice_labels(choices: type[Choices], language: str | None) -> dict[Any, str]:
    return {member.value: str(member.label) for member in choices}


def display(instance: Model, name: str) -> Any:
    """``instance.get_<name>_display()`` for an export's rows: the label of the field's value in the active
    language, the value itself when it has none. Django's builds a hashable copy of every choice on each
    call, translating each lazy label to hash it: 0.17 ms a call, most of an order export's time (8,839
    orders in 6.3 s; benchmarks/README.md). The labels are read here once per field and language."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return _field_labels(field, get_language()).get(value, value)


def choice_label(choices: type[Choices], value: Any) -> Any:
    """The label of ``value`` of ``choices`` in the active language (as ``choices(value).label``, which
    stays a lazy string that each cell translates again); the value itself when it has none."""
    return _choice_labels(choices, get_language()).get(value, value)


def export_phone(e164: str) -> str:
    """Mainland numbers as ``138 1234 5678``, others as ``+1 650-253-0000``: readable, and Excel
    keeps them as text (a bare ``+8613812345678`` turns into 8.61381E+12). Import accepts both."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(parsed, fmt.NATIONAL if parsed.country_code == 86 else fmt.INTERNATIONAL)
