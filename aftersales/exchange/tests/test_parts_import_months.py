"""Supplier warranty months below zero in the parts import are said to be negative (QA B #8, 2026-12-07: -3 was
told "请输入整数月数", though it is a whole number)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from aftersales.accounts.choices import Role
from aftersales.exchange.importers import preview_import
from aftersales.parts.models import Part

pytestmark = pytest.mark.django_db


def test_negative_warranty_months_in_the_parts_import_are_said_to_be_negative(users):
    header = "备件编号,名称,单位,价格,供应商代码,供应商保修月数,保修关键件,周转件,适用型号\n"
    rows = "P-1,件,个,1.00,,-3,否,否,\nP-2,件,个,1.00,,x,否,否,\n"
    file = SimpleUploadedFile("parts.csv", ("\ufeff" + header + rows).encode(), content_type="text/csv")

    with translation.override("zh-hans"):
        preview = preview_import(kind="parts", file=file, by=users[Role.PARTS_KEEPER])

    negative, text = ({e.field: e.message for e in row.errors} for row in preview.rows)
    assert negative["supplier_warranty_months"] == "月数不能为负数。"
    assert text["supplier_warranty_months"] == "请输入整数月数。"
    assert not Part.objects.exists()
