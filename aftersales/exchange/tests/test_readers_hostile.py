"""Hostile import files (issue 8, findings 3 and 13): each is refused with a code on ``file``, never a 500."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from aftersales.accounts.choices import Role
from aftersales.core.errors import ValidationFailed
from aftersales.customers.models import Customer
from aftersales.exchange import readers

HEADER = "name,kind,contact_name,mobile\n"


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml``."""
    book = Workbook()
    book.active.append(["name", "kind"])
    book.active.append(["客户", "company"])
    buffer = io.BytesIO()
    book.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    return out.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Broken far from the start: read_only mode parses the sheet while the rows are read, not when it opens.
LATE_BREAK = (
    b"<worksheet "
    + NS
    + b"><sheetData>"
    + b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>row %d</t></is></c></row>' % (i, i, i) for i in range(1, 3000)
    )
    + b'<row r="3000"><c r="A3000"'
)


@pytest.mark.parametrize(
    "sheet_xml",
    [b"<worksheet><sheetData><row r='1'><c r='A1'", LATE_BREAK, LAUGHS],
    ids=["broken", "broken-late", "billion-laughs"],
)
def test_a_workbook_with_bad_xml_is_file_unreadable(sheet_xml):
    with pytest.raises(ValidationFailed) as refused:
        readers.read_table(SimpleUploadedFile("x.xlsx", xlsx_with_sheet(sheet_xml)))

    assert (refused.value.code, refused.value.field) == ("file_unreadable", "file")


def test_a_csv_cell_with_nul_after_the_first_4096_bytes_is_refused():
    rows = "".join(f"客户{i},company,张伟,1381234{i:04d}\n" for i in range(300))
    data = (HEADER + rows + "坏\x00客户,company,王,13900001111\n").encode()
    assert data.index(b"\x00") > 4096

    with pytest.raises(ValidationFailed) as refused:
        readers.read_table(SimpleUploadedFile("x.csv", data))

    assert (refused.value.code, refused.value.field) == ("null_character", "file")
    assert "302" in refused.value.detail  # the row as the spreadsheet shows it


@pytest.mark.django_db
def test_importing_a_csv_with_nul_answers_400_and_writes_nothing(users, api_client):
    rows = "".join(f"客户{i},company,张伟,1381234{i:04d}\n" for i in range(300))
    data = (HEADER + rows + "坏\x00客户,company,王,13900001111\n").encode()

    response = api_client(users[Role.AGENT]).post(
        "/api/v1/imports/customers", {"file": SimpleUploadedFile("x.csv", data)}
    )

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("null_character", "file")
    assert not Customer.objects.exists()
