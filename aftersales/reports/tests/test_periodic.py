"""The periodic reports: periods, sections (the registry seam, care's summary), the A4 page, the PDF and
the xlsx; report schedules and the job that e-mails them through the outbox."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aftersales.accounts.choices import Role
from aftersales.accounts.services import update_company_profile
from aftersales.core.errors import ValidationFailed
from aftersales.notifications.models import OutboxMessage
from aftersales.reports.models import ReportSchedule
from aftersales.reports.periodic import build_report, render_html
from aftersales.reports.periods import last_ended, parse_period
from aftersales.reports.registry import ReportSection, SectionTable, report_sections
from aftersales.reports.services import create_schedule, send_scheduled, set_active

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "label", "start", "end"),
    [
        ("monthly", "2026-02", datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
        ("quarterly", "2026-Q2", datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)),
        ("yearly", "2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_periods(kind, label, start, end):
    period = parse_period(kind, label)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_last_ended():
    day = datetime.date(2026, 1, 15)
    assert last_ended("monthly", day).label == "2025-12"
    assert last_ended("quarterly", day).label == "2025-Q4"
    assert last_ended("quarterly", datetime.date(2026, 8, 1)).label == "2026-Q2"
    assert last_ended("yearly", day).label == "2025"


@pytest.mark.parametrize(
    ("kind", "label", "field"),
    [
        ("weekly", "", "kind"),
        ("monthly", "2026-13", "period"),
        ("quarterly", "2026-Q5", "period"),
        ("yearly", "99", "period"),
    ],
)
def test_bad_periods(kind, label, field):
    with pytest.raises(ValidationFailed) as error:
        parse_period(kind, label)
    assert error.value.field == field


def test_the_report_has_the_figures_and_cares_summary(data):
    from django.utils import translation

    with translation.override("en"):
        sections = build_report(user=data["gm"], period=parse_period("quarterly", "2026-Q1"))
        keys = [s.section.key for s in sections]
        tables = {str(t.caption): t for s in sections for t in s.tables}
    assert keys[:4] == ["figures_service", "figures_resources", "figures_money", "figures_customers"]
    assert "care_summary" in keys
    # Q1 = January-March: O5 (responded in time, completed late), O1 (kept both), O2 (missed both):
    # response 2/3 = 66.7 %, resolution 1/3 = 33.3 %; the total row last.
    assert [str(cell) for cell in tables["SLA compliance"].rows[-1][-2:]] == ["66.7 %", "33.3 %"]
    # Care's own selector: the March calls scored 5 and 4 → 4.5.
    assert tables["Satisfaction"].rows[0][1:3] == [2, Decimal("4.5")]


def test_another_app_registers_a_section(data):
    def build(*, user, period):
        return [SectionTable("Failures", ["Model", "Count"], [["X-1", 3]])]

    report_sections.register(ReportSection("quality_test", "Quality", 50, build, kinds=frozenset({"monthly"})))
    try:
        monthly = build_report(user=data["gm"], period=parse_period("monthly", "2026-03"))
        yearly = build_report(user=data["gm"], period=parse_period("yearly", "2026"))
    finally:
        report_sections.unregister("quality_test")
    assert "quality_test" in [s.section.key for s in monthly]
    assert "quality_test" not in [s.section.key for s in yearly]


def test_the_page_pdf_and_xlsx(data, client):
    client.force_login(data["gm"])
    page = client.get("/reports/periodic/?kind=monthly&period=2026-03")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="section-figures_service"' in body and 'id="section-care_summary"' in body
    pdf = client.get("/reports/periodic/pdf/?kind=monthly&period=2026-03")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get("/reports/periodic/xlsx/?kind=monthly&period=2026-03")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) >= 5  # four screens and care; the apps above may add theirs
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "SLA 达成率" in cells  # the default language: Chinese
    # Counts, amounts and rates are numbers with a number format, not text (found by a helper's probe,
    # 2026-12-06: "¥530.00", "100.0 %"); the page prints them formatted.
    every = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [
        c.value for c in every if isinstance(c.value, str) and (c.value.startswith("¥") or c.value.endswith("%"))
    ]
    assert {c.number_format for c in every if isinstance(c.value, int | float)} >= {'"¥"#,##0.00', '0.0" %"'}
    assert "¥" in body and " %" in body


def test_a_scheduled_pdf_has_the_company_profile_without_a_request(data, users):
    update_company_profile(by=users[Role.ADMIN], name="沪东精密机械有限公司", hotline="400-800-1234")
    period = parse_period("monthly", "2026-03")

    html = render_html(user=data["gm"], period=period, sections=build_report(user=data["gm"], period=period), pdf=True)

    header = html.split('class="print-header"')[1].split("</header>")[0]
    assert "沪东精密机械有限公司" in header and "400 800 1234" in header


@pytest.mark.parametrize("path", ["/reports/periodic/", "/reports/periodic/pdf/", "/reports/periodic/xlsx/"])
def test_bad_period_is_400(data, client, path):
    client.force_login(data["gm"])
    answer = client.get(f"{path}?kind=monthly&period=2026-13")
    assert answer.status_code == 400
    assert "period" in answer.content.decode()


def test_periodic_for_readers_only(data, client, users):
    client.force_login(users["technician"])
    assert client.get("/reports/periodic/").status_code == 403
    assert client.get("/reports/periodic/xlsx/").status_code == 403


# ---- schedules ------------------------------------------------------------------------------------
def test_schedule_sends_once_per_period(data, users, _outbox):
    manager = users["manager"]
    manager.email = "manager@example.com"
    manager.save()
    schedule = create_schedule(by=manager, kind="monthly", recipient_ids=[manager.pk])
    # Created in December 2026: November (just ended) is not sent; the first e-mail goes after December.
    assert schedule.last_sent == last_ended("monthly").label
    assert send_scheduled() == 0
    in_january = datetime.datetime(2027, 1, 2, 9, tzinfo=datetime.UTC)
    assert send_scheduled(now=in_january) == 1
    assert send_scheduled(now=in_january) == 0
    message = OutboxMessage.objects.get(channel="email")  # the data's orders sent their customers SMS
    assert message.recipient == "manager@example.com"
    assert "kind=monthly&period=2026-12" in message.body
    assert ReportSchedule.objects.get().last_sent == "2026-12"
    set_active(by=manager, schedule_id=schedule.pk, active=False)
    assert send_scheduled(now=datetime.datetime(2027, 2, 2, 9, tzinfo=datetime.UTC)) == 0


def test_schedule_refuses_bad_input_and_writes_nothing(data, users, other_centre):
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.core.errors import DomainError

    manager = users["manager"]
    stranger = UserFactory(role="manager", service_center=other_centre, email="bj@example.com")
    tech = users["technician"]
    tech.email = "tech@example.com"
    tech.save()
    for kwargs, field in (
        ({"kind": "weekly", "recipient_ids": [manager.pk]}, "kind"),
        ({"kind": "monthly", "recipient_ids": []}, "recipients"),
        ({"kind": "monthly", "recipient_ids": [stranger.pk]}, "recipients"),
        ({"kind": "monthly", "recipient_ids": [tech.pk]}, "recipients"),  # may not read reports
        ({"kind": "monthly", "recipient_ids": [manager.pk]}, "recipients"),  # no e-mail address
    ):
        with pytest.raises(DomainError) as error:
            create_schedule(by=manager, **kwargs)
        assert error.value.field == field
    with pytest.raises(DomainError):
        create_schedule(by=users["dispatcher"], kind="monthly", recipient_ids=[manager.pk])
    assert not ReportSchedule.objects.exists()


def test_schedules_of_another_centre_are_out_of_scope(data, users, other_centre):
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.core.errors import NotFoundError

    manager = users["manager"]
    manager.email = "manager@example.com"
    manager.save()
    schedule = create_schedule(by=manager, kind="monthly", recipient_ids=[manager.pk])
    away = UserFactory(role="manager", service_center=other_centre, email="bj@example.com")
    with pytest.raises(NotFoundError):
        set_active(by=away, schedule_id=schedule.pk, active=False)
    assert ReportSchedule.objects.get().active is True


def test_schedule_screens(data, client, users):
    manager = users["manager"]
    manager.email = "manager@example.com"
    manager.save()
    client.force_login(manager)
    assert client.get("/reports/schedules/").status_code == 200
    bad = client.post("/reports/schedules/", {"kind": "monthly"})
    assert bad.status_code == 400
    assert not ReportSchedule.objects.exists()
    answer = client.post("/reports/schedules/", {"kind": "quarterly", "recipients": [manager.pk]})
    assert answer.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert client.post(f"/reports/schedules/{schedule.pk}/active/", {"active": "0"}).status_code == 302
    assert ReportSchedule.objects.get().active is False
    assert client.post("/reports/schedules/999999/active/", {"active": "0"}).status_code == 404
    # Stop sends 0 and resume 1; anything else stopped the schedule (read as "not 1").
    client.post(f"/reports/schedules/{schedule.pk}/active/", {"active": "1"})
    for garbage in ({}, {"active": ""}, {"active": "yes"}):
        refused = client.post(f"/reports/schedules/{schedule.pk}/active/", garbage, follow=True)
        assert "请选择所给的答案之一。" in refused.content.decode()
        assert ReportSchedule.objects.get().active is True
    client.force_login(users["dispatcher"])
    assert client.get("/reports/schedules/").status_code == 403
    assert client.post(f"/reports/schedules/{schedule.pk}/active/", {"active": "1"}).status_code == 403
