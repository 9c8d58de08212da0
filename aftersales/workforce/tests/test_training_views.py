"""The training screens: courses and sessions, attendees whose pass certifies the course's category,
certificates recorded and revoked by hand; each write leaves a history row; who may open what."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.history.models import Activity
from aftersales.workforce.models import Attendee, Certificate, Course, TrainingSession
from aftersales.workforce.services import training

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


@pytest.fixture
def course(manager):
    return training.create_course(
        by=manager, code="C-AC", name="空压机维修", category="空压机", syllabus="结构、保养、故障"
    )


def activity_types(obj):
    rows = Activity.objects.filter(target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk)
    return list(rows.order_by("id").values_list("type", flat=True))


def test_a_manager_creates_a_course_and_schedules_a_session(client, manager, tech):
    client.force_login(manager)

    created = client.post(
        "/workforce/training/",
        {
            "form": "course",
            "code": "C-CNC",
            "name": "数控机床",
            "audience": "technicians",
            "category": "数控机床",
            "syllabus": "",
            "pass_score": "70",
            "valid_months": "12",
        },
    )
    course = Course.objects.get(code="C-CNC")
    scheduled = client.post(
        "/workforce/training/",
        {
            "form": "session",
            "course": course.pk,
            "held_on": str(timezone.localdate()),
            "place": "上海培训室",
            "trainer": tech.pk,
        },
    )

    session = TrainingSession.objects.get()
    assert created.status_code == 302 and (course.pass_score, course.valid_months) == (Decimal("70"), 12)
    assert scheduled.url == f"/workforce/training/sessions/{session.pk}/" and session.trainer == tech
    page = client.get("/workforce/training/").content.decode()
    assert "C-CNC" in page and f'data-session="{session.pk}"' in page
    assert "course.created" in activity_types(course)


def test_a_duplicate_course_code_is_refused_with_the_field_and_nothing_written(client, manager, course):
    client.force_login(manager)

    response = client.post(
        "/workforce/training/",
        {
            "form": "course",
            "code": "C-AC",
            "name": "x",
            "audience": "technicians",
            "pass_score": "60",
            "valid_months": "24",
        },
    )

    assert response.status_code == 400 and Course.objects.count() == 1


def test_a_passing_attendee_is_certified_and_a_failing_one_is_not(client, manager, tech, course, users):
    session = training.schedule_session(by=manager, course=course, held_on=timezone.localdate())
    other = UserFactory(role=Role.TECHNICIAN, service_center=tech.service_center)
    client.force_login(manager)

    client.post(f"/workforce/training/sessions/{session.pk}/", {"person": tech.pk, "attended": "on", "score": "85"})
    client.post(f"/workforce/training/sessions/{session.pk}/", {"person": other.pk, "attended": "on", "score": "40"})
    client.post(
        f"/workforce/training/sessions/{session.pk}/", {"name": "客户操作工 王", "attended": "on", "score": "90"}
    )
    nameless = client.post(f"/workforce/training/sessions/{session.pk}/", {"attended": "on"})

    assert Attendee.objects.filter(session=session).count() == 3 and nameless.status_code == 400
    assert list(Certificate.objects.values_list("person", "category")) == [(tech.pk, "空压机")]
    page = client.get(f"/workforce/training/sessions/{session.pk}/").content.decode()
    table = page[page.find('class="table table-sm mb-0 wf-attendees"') :]
    assert "客户操作工 王" in table and "通过" in table and "未通过" in table
    assert activity_types(session).count("training_session.attendee") == 3


def test_certificates_recorded_revoked_and_about_to_expire(client, manager, tech):
    client.force_login(manager)
    today = timezone.localdate()

    client.post(
        "/workforce/certificates/",
        {
            "person": tech.pk,
            "category": "空压机",
            "issued_on": str(today - datetime.timedelta(days=700)),
            "expires_on": str(today + datetime.timedelta(days=10)),
            "number": "Z-1",
        },
    )
    bad = client.post("/workforce/certificates/", {"person": tech.pk, "category": "", "issued_on": str(today)})
    certificate = Certificate.objects.get()
    expiring = client.get("/workforce/certificates/?expiring=1").content.decode()
    client.post(f"/workforce/certificates/{certificate.pk}/revoke/")

    certificate.refresh_from_db()
    assert bad.status_code == 400 and Certificate.objects.count() == 1
    assert f'data-certificate="{certificate.pk}"' in expiring
    assert certificate.revoked_at is not None
    assert activity_types(certificate) == ["certificate.issued", "certificate.revoked"]


def test_a_technician_may_not_open_the_training_screens_and_a_dispatcher_may_not_change_them(client, users, course):
    client.force_login(users[Role.TECHNICIAN])
    assert client.get("/workforce/training/").status_code == 403
    assert client.get("/workforce/certificates/").status_code == 403

    client.force_login(users[Role.DISPATCHER])
    page = client.get("/workforce/training/")
    refused = client.post(
        "/workforce/training/",
        {
            "form": "course",
            "code": "C-X",
            "name": "x",
            "audience": "technicians",
            "pass_score": "60",
            "valid_months": "24",
        },
    )
    assert page.status_code == 200 and "wf-course-new" not in page.content.decode()
    assert refused.status_code == 403 and not Course.objects.filter(code="C-X").exists()


def test_a_session_of_another_centre_is_not_found(client, manager, other_centre, course):
    other_manager = UserFactory(role=Role.MANAGER, service_center=other_centre)
    session = training.schedule_session(by=other_manager, course=course, held_on=timezone.localdate())

    client.force_login(other_manager)
    assert client.get(f"/workforce/training/sessions/{session.pk}/").status_code == 200
    client.force_login(manager)
    assert client.get(f"/workforce/training/sessions/{session.pk}/").status_code == 404
