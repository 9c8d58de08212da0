"""Reading an uploaded xlsx or CSV file into a header and rows, within the import limits.

The type is read from the bytes, never from the file name: an xlsx is a zip archive, anything else
must decode as text (UTF-8, or GB18030 as Excel saves CSV on Chinese Windows).
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 50
# A 5 MB xlsx could unpack to gigabytes (a "zip bomb"); real sheets of 10,000 rows stay far below this.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

Cell = str | int | float | datetime.date | datetime.datetime | None


@dataclass(frozen=True)
class Table:
    """``rows`` holds ``(row number as the spreadsheet shows it, cells)``; the header is row 1."""

    headers: list[str]
    rows: list[tuple[int, tuple[Cell, ...]]]
    format: str


def _file_error(code: str, message: str) -> ValidationFailed:
    return ValidationFailed(code, message, field="file")


def _not_a_table() -> ValidationFailed:
    return _file_error("file_type", _("Upload an Excel workbook (.xlsx) or a CSV file."))


def _read_bytes(file: IO[bytes] | Any) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _file_error("file_too_large", _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024})
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _file_error("file_too_large", _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024})
    if not data.strip():
        raise _file_error("file_empty", _("The file is empty."))
    return data


def _xlsx_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise _not_a_table() from exc
    if "xl/workbook.xml" not in names:
        raise _not_a_table()
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_error("file_too_large", _("The workbook is too large once unpacked."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _file_error("file_unreadable", _("The workbook could not be read; save it again as .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0]
        # read_only parses the sheet's XML while iterating: broken XML, or entities past the parser's
        # limits (a "billion laughs"), fail here, not in load_workbook.
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield tuple(row)
    except Exception as exc:
        raise _file_error("file_unreadable", _("The workbook could not be read; save it again as .xlsx.")) from exc
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096] or data.startswith(b"%PDF-"):
        raise _not_a_table()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _not_a_table()


def _csv_rows(data: bytes) -> Iterator[tuple[Cell, ...]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield tuple(row[:MAX_COLUMNS])
    except csv.Error as exc:
        raise _file_error(
            "file_unreadable", _("The CSV file is malformed near line %(line)d.") % {"line": reader.line_num}
        ) from exc


def _check_no_nul(number: int, cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
    """A NUL character is in no real sheet, and PostgreSQL cannot store it in a text column."""
    if any(isinstance(c, str) and "\x00" in c for c in cells):
        raise _file_error("null_character", _("Row %(row)d contains a NUL character (U+0000).") % {"row": number})
    return cells


def _blank(cells: tuple[Cell, ...]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_table(file: IO[bytes] | Any) -> Table:
    """Read the first sheet (or the CSV): header in row 1, blank rows skipped, at most ``MAX_ROWS`` rows."""
    data = _read_bytes(file)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error("file_type", _("Old Excel files (.xls) are not supported: save the file as .xlsx."))
    fmt = "xlsx" if data.startswith(b"PK\x03\x04") else "csv"
    source = _xlsx_rows(data) if fmt == "xlsx" else _csv_rows(data)
    header_cells = next(source, None)
    if header_cells is not None:
        _check_no_nul(1, header_cells)
    if header_cells is None or _blank(header_cells):
        raise _file_error("no_header", _("Row 1 must hold the column headers."))
    headers = ["" if c is None else str(c) for c in header_cells]
    width = len(headers)
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    for number, cells in enumerate(source, start=2):
        _check_no_nul(number, cells)
        if _blank(cells):
            continue
        if len(rows) == MAX_ROWS:
            raise _file_error(
                "too_many_rows",
                _("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS},
            )
        rows.append((number, (tuple(cells) + (None,) * width)[:width]))
    if not rows:
        raise _file_error("file_no_rows", _("The file has a header row but no rows to import."))
    return Table(headers=headers, rows=rows, format=fmt)


def estimate_rows(file: IO[bytes] | Any) -> int:
    """Roughly how many rows a file has, without reading them: the lines of a CSV, the size an xlsx
    declares for its first sheet. Decides whether the console checks it in the background; an
    unreadable file counts 0 (the check proper reports why)."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    if not data.startswith(b"PK\x03\x04"):
        return max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return 0  # never unpack a zip bomb; the check refuses it
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            if sheet.max_row is None:  # no <dimension> in the sheet: count the rows
                sheet.calculate_dimension(force=True)
            return max((sheet.max_row or 1) - 1, 0)
        finally:
            workbook.close()
    except Exception:  # a damaged workbook: the check reports it
        return 0
