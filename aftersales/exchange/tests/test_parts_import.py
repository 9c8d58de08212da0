"""The parts catalogue import (the "parts" import kind of spare parts, through exchange's preview and run)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from aftersales.catalog.models import ProductModel
from aftersales.core.errors import PermissionDeniedError
from aftersales.exchange.importers import ImportRejected, preview_import, run_import
from aftersales.parts.models import Part
from aftersales.parts.selectors import list_price
from aftersales.parts.tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db
HEADER = "备件编号,名称,单位,价格,供应商代码,供应商保修月数,保修关键件,周转件,适用型号\n"


def csv_file(body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("parts.csv", ("\ufeff" + HEADER + body).encode("utf-8"), content_type="text/csv")


def test_a_good_file_is_previewed_then_imported_with_prices(users):
    keeper = users["parts_keeper"]
    SupplierFactory(code="SKF")
    ProductModel.objects.create(code="KY-75", name="空压机", category="压缩机")
    body = "brg-6205,主轴轴承 6205-2RS,个,85.00,SKF,12,是,否,KY-75\nCBL-1,控制电缆,米,12.50,,,否,否,\n"

    preview = preview_import(kind="parts", file=csv_file(body), by=keeper)
    assert not Part.objects.exists()
    result = run_import(kind="parts", file=csv_file(body), by=keeper)

    assert preview.total == 2 and result.created == 2
    bearing = Part.objects.get(number="BRG-6205")
    assert bearing.warranty_critical and bearing.supplier.code == "SKF" and bearing.supplier_warranty_months == 12
    assert list(bearing.compatible_models.values_list("code", flat=True)) == ["KY-75"]
    assert list_price(bearing, on=timezone.localdate()) == Decimal("85.00")
    assert Part.objects.get(number="CBL-1").unit == "metre"


def test_bad_rows_are_named_and_nothing_is_imported(users):
    keeper = users["parts_keeper"]
    body = "P-1,件,桶,1.00,NOPE,x,是,否,NO-MODEL\nP-1,件,个,1.001,,,否,否,\n"

    preview = preview_import(kind="parts", file=csv_file(body), by=keeper)
    with pytest.raises(ImportRejected):
        run_import(kind="parts", file=csv_file(body), by=keeper)

    first, second = ([e.field for e in row.errors] for row in preview.rows)
    assert {"unit", "supplier_code", "supplier_warranty_months", "compatible_models"} <= set(first)
    assert "number" in second  # the same number twice in the file
    assert not Part.objects.exists()


def test_an_agent_may_not_import_parts(users):
    with pytest.raises(PermissionDeniedError):
        preview_import(kind="parts", file=csv_file("P-1,件,个,,,,,,\n"), by=users["agent"])
