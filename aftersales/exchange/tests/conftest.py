"""Helpers that build uploads as users make them: xlsx from Excel, CSV in UTF-8 or GB18030."""

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

Rows = Sequence[Sequence[Any]]


def xlsx_bytes(rows: Rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Rows, *, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(rows: Rows, fmt: str = "xlsx", *, encoding: str = "utf-8") -> SimpleUploadedFile:
    data = xlsx_bytes(rows) if fmt == "xlsx" else csv_bytes(rows, encoding=encoding)
    content_type = "text/csv" if fmt == "csv" else "application/octet-stream"
    return SimpleUploadedFile(f"data.{fmt}", data, content_type=content_type)


@pytest.fixture
def make_upload() -> Callable[..., SimpleUploadedFile]:
    return upload


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English; the Chinese ones are in locale/zh_Hans."""
    with translation.override("en"):
        yield
