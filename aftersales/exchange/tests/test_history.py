import pytest

from aftersales.customers.models import Customer
from aftersales.exchange.importers import ImportRejected, run_import
from aftersales.exchange.tests.conftest import upload
from aftersales.exchange.tests.test_importers import CUSTOMER_HEADER
from aftersales.history.models import Activity
from aftersales.history.testing import only_activity

pytestmark = pytest.mark.django_db


def test_imported_records_say_which_file_they_came_from(users) -> None:  # type: ignore[no-untyped-def]
    rows = [CUSTOMER_HEADER, ["华东机械有限公司", "company", "张伟", "13812345678", "", "", "", "", ""]]

    run_import(kind="customers", file=upload(rows), by=users["agent"])

    activity = only_activity(Customer.objects.get())
    assert activity.type == "customer.created"
    assert activity.data["source"] == {"import": "customers", "file": "data.xlsx"}


def test_a_rejected_import_leaves_no_activity(users) -> None:  # type: ignore[no-untyped-def]
    rows = [
        CUSTOMER_HEADER,
        ["华东机械有限公司", "company", "张伟", "13812345678", "", "", "", "", ""],
        ["坏行", "company", "王", "123", "", "", "", "", ""],
    ]

    with pytest.raises(ImportRejected):
        run_import(kind="customers", file=upload(rows), by=users["agent"])

    assert not Activity.objects.exists()
