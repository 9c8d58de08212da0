"""The historical order import (issue 7 §4): numbers and times kept, events marked imported, the day
counters moved past the imported numbers, every bad row reported and nothing written."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.models import AuditLog, DailyCounter
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.exchange.importers import ImportRejected, preview_import, run_import
from aftersales.exchange.tests.conftest import upload
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.choices import EventType, OrderStatus
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db

HEADER = [
    "number",
    "status",
    "kind",
    "customer_name",
    "serial_number",
    "description",
    "received_at",
    "finished_at",
    "diagnosis",
    "technician",
]
DAY = (timezone.localdate() - datetime.timedelta(days=10)).strftime("%Y%m%d")
ISO_DAY = f"{DAY[:4]}-{DAY[4:6]}-{DAY[6:]}"


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def owner(centre):
    return CustomerFactory(name="华东机械有限公司", service_center=centre)


@pytest.fixture
def unit(owner):
    return UnitFactory(customer=owner, serial_number="SN-HIST-1")


@pytest.fixture
def technician(centre):
    return UserFactory(username="li.qiang", role=Role.TECHNICIAN, service_center=centre)


def good_rows():
    return [
        HEADER,
        [
            "SO2023051000007",
            "已关闭",
            "维修",
            "华东机械有限公司",
            "SN-HIST-1",
            "不制冷",
            "2023-05-10 09:12:00+08:00",
            "2023-05-12 16:30:00+08:00",
            "压缩机损坏",
            "li.qiang",
        ],
        [
            f"SO{DAY}00041",
            "accepted",
            "repair",
            "华东机械有限公司",
            "",
            "漏水",
            f"{ISO_DAY}T08:00:00+08:00",
            "",
            "",
            "",
        ],
    ]


def test_import_orders_keeps_numbers_and_times_and_marks_events_imported(manager, owner, unit, technician):
    result = run_import(kind="orders", file=upload(good_rows()), by=manager)

    assert result.created == 2
    closed = ServiceOrder.objects.get(number="SO2023051000007")
    assert (closed.status, closed.kind, closed.unit, closed.technician) == ("closed", "repair", unit, technician)
    assert closed.received_at == datetime.datetime(2023, 5, 10, 1, 12, tzinfo=datetime.UTC)
    assert closed.closed_at == closed.completed_at == datetime.datetime(2023, 5, 12, 8, 30, tzinfo=datetime.UTC)
    assert closed.due_at > closed.received_at and closed.respond_by == closed.received_at + datetime.timedelta(hours=24)
    created, status = OrderEvent.objects.filter(order=closed).order_by("id")
    assert (created.type, created.created_at, created.data["imported"]) == ("created", closed.received_at, True)
    assert created.data["diagnosis"] == "压缩机损坏"
    assert (status.type, status.to_status, status.created_at) == ("status_changed", "closed", closed.closed_at)
    assert status.data == {"imported": True}
    open_one = ServiceOrder.objects.get(number=f"SO{DAY}00041")
    assert (open_one.status, open_one.closed_at, open_one.responded_at) == ("accepted", None, open_one.received_at)
    assert AuditLog.objects.get(action="exchange.import_orders").detail["rows"] == 2


def test_import_orders_moves_the_day_counter_past_the_imported_numbers(manager, owner, unit, technician):
    DailyCounter.objects.create(prefix="SO", day=datetime.date(2023, 5, 10), value=3)

    run_import(kind="orders", file=upload(good_rows()), by=manager)

    assert DailyCounter.objects.get(prefix="SO", day=datetime.date(2023, 5, 10)).value == 7
    received = datetime.datetime.fromisoformat(f"{ISO_DAY}T15:00:00+08:00")
    later = make_order(customer=owner, received_at=received)
    assert later.number == f"SO{DAY}00042"


def test_import_orders_never_lowers_a_counter_that_is_further(manager, owner, unit, technician):
    DailyCounter.objects.create(prefix="SO", day=datetime.date(2023, 5, 10), value=90)

    run_import(kind="orders", file=upload(good_rows()), by=manager)

    assert DailyCounter.objects.get(prefix="SO", day=datetime.date(2023, 5, 10)).value == 90


def test_the_timeline_shows_imported_events(client, manager, owner, unit, technician):
    run_import(kind="orders", file=upload(good_rows()), by=manager)
    order = ServiceOrder.objects.get(number="SO2023051000007")
    client.force_login(manager)

    page = client.get(f"/orders/{order.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert page.count("data-imported") == 2
    assert "导入" in page and "压缩机损坏" in page


def row(number: str, **cells: str) -> list[str]:
    """A closed repair of the owner's, received 2023-05-10 and finished the next day, with ``cells`` changed."""
    values = {
        "number": number,
        "status": "",
        "kind": "维修",
        "customer_name": "华东机械有限公司",
        "serial_number": "",
        "description": "x",
        "received_at": "2023-05-10 09:00+08:00",
        "finished_at": "2023-05-11 09:00+08:00",
        "diagnosis": "",
        "technician": "",
    }
    return [{**values, **cells}[key] for key in HEADER]


BAD_ROWS = [  # (the row, the code, the column)
    (row("SO2023051000001", customer_name="无名公司"), "unknown_customer", "customer_name"),
    (row("SO2023051000002", serial_number="SN-NONE"), "unknown_unit", "serial_number"),
    (row("SO2023051000003", serial_number="SN-OTHER"), "wrong_unit", "serial_number"),
    (row("SO2023051000004", technician="nobody"), "unknown_technician", "technician"),
    (row("SO2023051000099"), "duplicate_number", "number"),
    (row("SO2023051000005"), "duplicate_in_file", "number"),
    (row("SO-2023-5"), "invalid_number", "number"),
    (row("SO2023023000001"), "invalid_number", "number"),  # 30 February
    (row("SO２０２３０５１００００１５"), "invalid_number", "number"),  # full-width digits (an IME's)
    (row("SO2023051000006", received_at="2023-05-10 09:00"), "time_without_zone", "received_at"),
    (row("SO2023051000008", finished_at="2023-05-09 09:00+08:00"), "finished_before_received", "finished_at"),
    (
        row("SO2023051000009", status="accepted", received_at="2099-05-10 09:00+08:00", finished_at=""),
        "date_in_future",
        "received_at",
    ),
    (row("SO2023051000010", finished_at=""), "required", "finished_at"),
    (row("SO2023051000011", received_at="yesterday"), "invalid_datetime", "received_at"),
    (row("SO2023051000012", status="on_site", finished_at=""), "invalid_choice", "status"),
    (row("SO2023051000013", status="accepted"), "finished_but_open", "finished_at"),
    (row("SO2023051000014", status="做完了"), "invalid_choice", "status"),
]


@pytest.fixture
def bad_file(owner, other_centre, technician):
    UnitFactory(serial_number="SN-OTHER", customer=CustomerFactory(service_center=owner.service_center))
    existing = make_order(customer=owner)
    ServiceOrder.objects.filter(pk=existing.pk).update(number="SO2023051000099")
    first_of_pair = row("SO2023051000005")
    return [HEADER, first_of_pair, *[cells for cells, _code, _field in BAD_ROWS]]


def test_preview_reports_each_bad_row_with_its_column_and_code(manager, bad_file):
    preview = preview_import(kind="orders", file=upload(bad_file), by=manager)

    found = [(r.row, [(e.code, e.field) for e in r.errors]) for r in preview.rows]
    expected = [(2, [])] + [(i + 3, [(code, field)]) for i, (_c, code, field) in enumerate(BAD_ROWS)]
    assert found == expected
    assert all(e.message for r in preview.rows for e in r.errors)
    # An unknown status names the statuses an import takes, not those only a visit makes (found by a
    # helper's probe, 2026-12-06: on_site and waiting were offered, then refused).
    unknown = next(e.message for r in preview.rows for e in r.errors if r.row == len(BAD_ROWS) + 2)
    assert "closed" in unknown and "on_site" not in unknown and "waiting" not in unknown


def test_import_with_bad_rows_writes_nothing(manager, bad_file):
    before = (ServiceOrder.objects.count(), OrderEvent.objects.count(), DailyCounter.objects.count())

    with pytest.raises(ImportRejected) as caught:
        run_import(kind="orders", file=upload(bad_file), by=manager)

    assert caught.value.code == "import_has_errors"
    assert caught.value.preview.invalid == len(BAD_ROWS)
    assert (ServiceOrder.objects.count(), OrderEvent.objects.count(), DailyCounter.objects.count()) == before


def test_the_intake_window_does_not_apply_to_history(manager, owner, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "RECEIVED_WITHIN_DAYS": 1}
    rows = [
        HEADER,
        [
            "SO2021010400001",
            "",
            "咨询",
            "华东机械有限公司",
            "",
            "x",
            "2021-01-04 10:00+08:00",
            "2021-01-04 10:30+08:00",
            "",
            "",
        ],
    ]

    assert run_import(kind="orders", file=upload(rows), by=manager).created == 1


@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN])
def test_only_managers_and_admins_import_orders(users, owner, role):
    from aftersales.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        preview_import(kind="orders", file=upload(good_rows()), by=users[role])


def test_another_centres_customer_is_unknown(manager, other_centre):
    CustomerFactory(name="华东机械有限公司", service_center=other_centre)
    preview = preview_import(kind="orders", file=upload(good_rows()), by=manager)

    assert [("unknown_customer", "customer_name") in [(e.code, e.field) for e in r.errors] for r in preview.rows] == [
        True,
        True,
    ]


def _history(n: int, *, start: int = 1) -> list[list[str]]:
    rows = [HEADER]
    for i in range(start, start + n):
        day = datetime.date(2023, 1, 2) + datetime.timedelta(days=i % 300)
        rows.append(
            [
                f"SO{day:%Y%m%d}{i:05d}",
                "closed",
                ["repair", "maintenance", "consultation"][i % 3],
                "华东机械有限公司",
                "SN-HIST-1",
                "x",
                f"{day.isoformat()}T09:00:00+08:00",
                f"{day.isoformat()}T17:00:00+08:00",
                "",
                "li.qiang",
            ]
        )
    return rows


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as context:
        run()
    return len(context.captured_queries)


def test_query_count_of_a_batch_does_not_grow_with_rows(manager, owner, unit, technician):
    def check(n):
        return _queries(lambda: preview_import(kind="orders", file=upload(_history(n), "csv"), by=manager))

    def write(n, start):
        return _queries(lambda: run_import(kind="orders", file=upload(_history(n, start=start), "csv"), by=manager))

    # Calendar look-ups are per distinct day (cached after the first), so compare files of the same days.
    write(300, 1000)  # warms the calendar's per-year cache
    assert check(300) == check(600)
    assert write(300, 2000) == write(600, 3000)


def test_events_of_imported_orders_send_nothing(manager, owner, unit, technician, django_capture_on_commit_callbacks):
    from aftersales.notifications.models import OutboxMessage

    with django_capture_on_commit_callbacks(execute=True):
        run_import(kind="orders", file=upload(good_rows()), by=manager)

    assert not OutboxMessage.objects.exists()
    assert OrderEvent.objects.filter(type=EventType.CREATED, to_status=OrderStatus.NEW).count() == 2


def test_api_imports_history_and_answers_400_with_nothing_written_for_bad_rows(
    api_client, manager, owner, unit, technician, bad_file
):
    client = api_client(manager)
    before = ServiceOrder.objects.count()

    bad = client.post("/api/v1/imports/orders", {"file": upload(bad_file)})

    assert bad.status_code == 400
    body = bad.json()
    assert (body["code"], body["invalid"]) == ("import_has_errors", len(BAD_ROWS))
    assert {"code": "invalid_number", "field": "number"}.items() <= body["rows"][6]["errors"][0].items()
    assert ServiceOrder.objects.count() == before
    good = client.post("/api/v1/imports/orders", {"file": upload(good_rows())})
    assert (good.status_code, good.json()) == (201, {"kind": "orders", "created": 2})
    assert ServiceOrder.objects.count() == before + 2


def test_api_refuses_an_agent_with_403_and_writes_nothing(api_client, users, owner):
    response = api_client(users[Role.AGENT]).post("/api/v1/imports/orders", {"file": upload(good_rows())})

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert not ServiceOrder.objects.exists()


def test_the_console_offers_the_kind_to_managers_only(client, users):
    client.force_login(users[Role.MANAGER])
    assert 'value="orders"' in client.get("/import/").content.decode()
    client.force_login(users[Role.AGENT])
    assert 'value="orders"' not in client.get("/import/").content.decode()


# ---- the technician a row names (found by hand, 2026-12-07: any user was taken) --------------------
@pytest.fixture
def strangers(centre, other_centre):
    UserFactory(username="bj.tech", role=Role.TECHNICIAN, service_center=other_centre)
    UserFactory(username="cashier", role=Role.FINANCE, service_center=centre)
    UserFactory(username="gone.tech", role=Role.TECHNICIAN, service_center=centre, is_active=False)


OPEN_TECHNICIAN_ROWS = [  # (status, technician, the code)
    # Another centre's technician would see this centre's order and customer; a clerk can never work it.
    ("dispatched", "bj.tech", "other_centre"),
    ("closed", "bj.tech", "other_centre"),
    ("dispatched", "cashier", "not_a_technician"),
    ("closed", "cashier", "not_a_technician"),
    ("dispatched", "gone.tech", "not_a_technician"),
    # A live order gets its technician by dispatch, which makes it dispatched: a new or accepted order
    # with one would be missing from the unassigned queue.
    ("new", "li.qiang", "technician_not_dispatched"),
    ("accepted", "li.qiang", "technician_not_dispatched"),
]


@pytest.mark.parametrize(("status", "name", "code"), OPEN_TECHNICIAN_ROWS)
def test_a_technician_the_order_could_not_be_given_to_is_refused(
    manager, owner, technician, strangers, status, name, code
):
    finished = "2023-05-11 09:00+08:00" if status == "closed" else ""
    rows = [HEADER, row("SO2023051000001", status=status, technician=name, finished_at=finished)]

    preview = preview_import(kind="orders", file=upload(rows), by=manager)

    assert [(e.code, e.field) for e in preview.rows[0].errors] == [(code, "technician")]
    if code != "technician_not_dispatched":  # named as the file names them, by username
        assert name in preview.rows[0].errors[0].message
    with pytest.raises(ImportRejected):
        run_import(kind="orders", file=upload(rows), by=manager)
    assert not ServiceOrder.objects.exists()


def test_a_finished_order_keeps_a_technician_who_has_left_since(manager, owner, strangers):
    rows = [HEADER, row("SO2023051000001", technician="gone.tech")]

    assert run_import(kind="orders", file=upload(rows), by=manager).created == 1
    assert ServiceOrder.objects.get().technician.username == "gone.tech"


@pytest.mark.parametrize("word", ["保养", "巡检", "保养/巡检", "maintenance", "Inspection"])
def test_a_kind_is_read_by_either_half_of_a_label_written_with_a_slash(manager, owner, word):
    """保养/巡检 is one kind: an old system's file says 保养 or 巡检 (found by hand, 2026-12-07: refused)."""
    run_import(kind="orders", file=upload([HEADER, row("SO2023051000001", kind=word)]), by=manager)

    assert ServiceOrder.objects.get().kind == "maintenance"


def test_the_choices_a_bad_kind_lists_are_told_apart_from_the_slashes_of_a_label(manager, owner):
    preview = preview_import(kind="orders", file=upload([HEADER, row("SO2023051000001", kind="修理")]), by=manager)

    message = preview.rows[0].errors[0].message
    assert " | 保养/巡检 | " in message and " / " not in message.replace("maintenance / inspection", "")


def test_the_preview_shows_the_choices_by_their_labels_and_the_api_keeps_the_codes(
    client, manager, owner, unit, technician
):
    # The file may say 维修 or repair: the preview says how it was read in the reader's words, never the code.
    client.force_login(manager)
    page = client.post("/import/preview/", {"kind": "orders", "file": upload(good_rows())}, headers={"HX-Request": "1"})
    cells = re.findall(r'<td title="([^"]*)">', page.content.decode())

    assert page.status_code == 200
    assert cells.count("维修") == 2 and cells.count("已关闭") == 1 and cells.count("已受理") == 1
    assert not {"repair", "closed", "accepted"} & set(cells)
    preview = preview_import(kind="orders", file=upload(good_rows()), by=manager)
    assert [(r.values["status"], r.values["kind"]) for r in preview.rows] == [
        ("closed", "repair"),
        ("accepted", "repair"),
    ]
