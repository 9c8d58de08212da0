"""The API's records beyond the claim: a profile asked for by a manager, lists narrowed to a person,
training (courses, sessions, attendees, certificates) and store visits, each list's query count
flat with its length; a person, trainer or record outside the scope answers 404 and writes nothing."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.workforce.models import Absence, Attendee, Certificate, StoreVisit, TrainingSession
from aftersales.workforce.services import attendance, training

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def test_a_manager_reads_a_technicians_profile_and_not_another_centres(api_client, users, tech, other_centre):
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
    api = api_client(users[Role.MANAGER])

    mine = api.get(f"/api/v1/workforce/profile?person_id={tech.pk}")
    theirs = api.get(f"/api/v1/workforce/profile?person_id={stranger.pk}")

    assert mine.status_code == 200 and mine.json()["id"] == tech.pk
    assert theirs.status_code == 404


def test_lists_narrow_to_a_person_and_keep_their_query_count(api_client, users, tech):
    other = UserFactory(role=Role.TECHNICIAN, service_center=tech.service_center)
    api = api_client(users[Role.MANAGER])

    def ask(person):
        return attendance.request_absence(
            by=person,
            starts_at=timezone.now() + datetime.timedelta(days=3 + Absence.objects.filter(person=person).count()),
            ends_at=timezone.now()
            + datetime.timedelta(days=3 + Absence.objects.filter(person=person).count(), hours=1),
            reason="事假",
        )

    ask(tech)
    ask(other)
    api.get("/api/v1/workforce/absences")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/workforce/absences")
    for _ in range(3):
        ask(tech)
    with CaptureQueriesContext(connection) as many:
        everyone = api.get("/api/v1/workforce/absences").json()["items"]
    only = api.get(f"/api/v1/workforce/absences?person_id={other.pk}").json()["items"]

    assert len(everyone) == 5 and [a["person_id"] for a in only] == [other.pk]
    assert len(many) == len(few)


def test_training_through_the_api(api_client, users, tech):
    api = api_client(users[Role.MANAGER])

    course = api.post(
        "/api/v1/workforce/courses", {"code": "C-1", "name": "空压机维修", "category": "空压机"}, content_type=JSON
    )
    duplicate = api.post("/api/v1/workforce/courses", {"code": "C-1", "name": "x"}, content_type=JSON)
    session = api.post(
        "/api/v1/workforce/training-sessions",
        {
            "course_id": course.json()["id"],
            "held_on": str(timezone.localdate()),
            "place": "培训室",
            "trainer_id": tech.pk,
        },
        content_type=JSON,
    )
    passed = api.post(
        f"/api/v1/workforce/training-sessions/{session.json()['id']}/attendees",
        {"person_id": tech.pk, "score": "88"},
        content_type=JSON,
    )
    listed = api.get("/api/v1/workforce/training-sessions").json()
    courses = api.get("/api/v1/workforce/courses").json()

    assert course.status_code == 201 and duplicate.status_code == 409
    assert session.status_code == 201 and passed.status_code == 200
    assert listed[0]["attendees"][0]["score"] == "88.0" and [c["code"] for c in courses] == ["C-1"]
    assert Certificate.objects.get(person=tech).category == "空压机"


def test_training_refuses_people_outside_the_scope_and_writes_nothing(api_client, users, other_centre):
    stranger = UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
    course = training.create_course(by=users[Role.MANAGER], code="C-2", name="x")
    session = training.schedule_session(by=users[Role.MANAGER], course=course, held_on=timezone.localdate())
    api = api_client(users[Role.MANAGER])

    trainer = api.post(
        "/api/v1/workforce/training-sessions",
        {"course_id": course.pk, "held_on": str(timezone.localdate()), "trainer_id": stranger.pk},
        content_type=JSON,
    )
    attendee = api.post(
        f"/api/v1/workforce/training-sessions/{session.pk}/attendees", {"person_id": 999999}, content_type=JSON
    )
    certificate = api.post(
        "/api/v1/workforce/certificates",
        {"person_id": 999999, "category": "空压机", "issued_on": str(timezone.localdate())},
        content_type=JSON,
    )

    assert (trainer.status_code, trainer.json()["field"]) == (404, "trainer_id")
    assert (attendee.status_code, attendee.json()["field"]) == (404, "person_id")
    assert (certificate.status_code, certificate.json()["field"]) == (404, "person_id")
    assert TrainingSession.objects.count() == 1 and not Attendee.objects.exists() and not Certificate.objects.exists()


def test_certificates_issued_listed_expiring_and_revoked(api_client, users, tech):
    api = api_client(users[Role.MANAGER])
    today = timezone.localdate()

    issued = api.post(
        "/api/v1/workforce/certificates",
        {
            "person_id": tech.pk,
            "category": "空压机",
            "issued_on": str(today - datetime.timedelta(days=700)),
            "expires_on": str(today + datetime.timedelta(days=5)),
        },
        content_type=JSON,
    )
    expiring = api.get("/api/v1/workforce/certificates?expiring=true").json()["items"]
    every = api.get("/api/v1/workforce/certificates").json()["items"]
    revoked = api.post(f"/api/v1/workforce/certificates/{issued.json()['id']}/revoke")
    again = api.post(f"/api/v1/workforce/certificates/{issued.json()['id']}/revoke")

    assert issued.status_code == 201 and [c["id"] for c in expiring] == [issued.json()["id"]] == [
        c["id"] for c in every
    ]
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] and again.status_code == 409


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_store_visit_recorded_signed_and_listed(api_client, users, tech):
    from django.core.files.uploadedfile import SimpleUploadedFile

    store = CustomerFactory(service_center=tech.service_center)
    api = api_client(tech)

    visit = api.post("/api/v1/workforce/store-visits", {"customer_id": store.pk}, content_type=JSON)
    twice = api.post("/api/v1/workforce/store-visits", {"customer_id": store.pk}, content_type=JSON)
    signed = api.post(
        f"/api/v1/workforce/store-visits/{visit.json()['id']}/signature",
        {"signer_name": "店长 刘", "signature": SimpleUploadedFile("s.png", _png(), content_type="image/png")},
    )
    listed = api.get("/api/v1/workforce/store-visits").json()["items"]

    assert visit.status_code == 201 and twice.status_code == 409
    assert signed.status_code == 200 and signed.json()["signer_name"] == "店长 刘"
    assert [v["id"] for v in listed] == [visit.json()["id"]] and StoreVisit.objects.get().signed_at is not None
