"""Technician's phone view: jobs, arrival, the record, a drawn signature (a real PNG), completion."""

import base64
import datetime
import io
import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.service.models import ServiceOrder, Visit
from aftersales.service.services import assign_technician, record_visit
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


def png_data_url() -> str:
    buffer = io.BytesIO()
    image = Image.new("RGB", (120, 60), "white")
    for x in range(10, 110):
        image.putpixel((x, 30 + (x % 7)), (20, 20, 60))
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


@pytest.fixture
def tech_client(client, tech):
    client.force_login(tech)
    return client


def job_for(technician, *, centre, users) -> ServiceOrder:
    customer = CustomerFactory(service_center=centre, name="苏州精工")
    contact = ContactFactory(customer=customer, name="王五", mobile="+8613812345678")
    site = SiteFactory(customer=customer, city="苏州市", address="星湖街 1 号")
    order = make_order(by=users[Role.AGENT], customer=customer, contact=contact, site=site)
    return assign_technician(order, by=users[Role.DISPATCHER], technician=technician)


def test_job_list_shows_call_and_navigate_links(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)

    response = tech_client.get("/tech/")

    assert response.status_code == 200
    body = response.content.decode()
    assert order.number in body and "苏州精工" in body
    assert 'href="tel:+8613812345678"' in body
    assert f'href="geo:0,0?q={quote(order.site.full_address, safe="")}"' in body  # the address, URL-encoded
    assert f'href="/tech/orders/{order.pk}/"' in body


def test_job_list_sorted_by_due(tech_client, tech, centre, users):
    first = job_for(tech, centre=centre, users=users)
    second = job_for(tech, centre=centre, users=users)
    ServiceOrder.objects.filter(pk=first.pk).update(due_at=second.due_at + (second.due_at - second.received_at))

    body = tech_client.get("/tech/").content.decode()

    assert body.index(second.number) < body.index(first.number)


def test_technician_flow_arrival_record_signature_completed(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    page = f"/tech/orders/{order.pk}/"

    body = tech_client.get(page).content.decode()
    assert "I have arrived" in body or "到达" in body
    assert "Mark completed" not in body and "标记完成" not in body

    arrived = tech_client.post(f"{page}arrive/", {"arrival_confirmed_by": "王五"})
    assert arrived.status_code == 302
    visit = Visit.objects.get(order=order)
    order.refresh_from_db()
    assert order.status == "on_site" and visit.arrival_confirmed_by == "王五"

    body = tech_client.get(page).content.decode()
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert "data-signature-pad" in body and "signature_pad.umd.min.js" in body

    draft = tech_client.post(
        f"{page}visits/{visit.pk}/", {"diagnosis": "轴承磨损", "work_done": "", "old_parts": "none", "rating": ""}
    )
    assert draft.status_code == 302
    visit.refresh_from_db()
    assert visit.diagnosis == "轴承磨损" and visit.signed_at is None

    signed = tech_client.post(
        f"{page}visits/{visit.pk}/",
        {
            "diagnosis": "轴承磨损",
            "work_done": "更换轴承",
            "parts_replaced": "6204 轴承 ×1",
            "old_parts": "handed_to_customer",
            "rating": "5",
            "customer_remarks": "满意",
            "signer_name": "王五",
            "signature": png_data_url(),
        },
    )
    assert signed.status_code == 302
    visit.refresh_from_db()
    assert visit.signed_at is not None and visit.signer_name == "王五"
    assert visit.signature.read().startswith(b"\x89PNG")
    assert visit.rating == 5 and visit.old_parts == "handed_to_customer"

    body = tech_client.get(page).content.decode()
    assert f"/orders/{order.pk}/visits/{visit.pk}/signature.png" in body
    assert f'action="{page}complete/"' in body

    done = tech_client.post(f"{page}complete/")
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.status == "completed"


def test_unreadable_signature_is_an_error_at_the_pad_and_nothing_saved(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech, arrival_confirmed_by="王五")

    response = tech_client.post(
        f"/tech/orders/{order.pk}/visits/{visit.pk}/",
        {"diagnosis": "轴承磨损", "old_parts": "none", "signer_name": "王五", "signature": "data:image/png;base64,!!"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_signature_error"' in body
    assert "轴承磨损" in body
    visit.refresh_from_db()
    assert visit.diagnosis == "" and visit.signed_at is None


def test_signature_without_signer_name_rolls_back_the_record(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech)

    response = tech_client.post(
        f"/tech/orders/{order.pk}/visits/{visit.pk}/",
        {"diagnosis": "轴承磨损", "old_parts": "none", "signer_name": "", "signature": png_data_url()},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_signer_name_error"' in body
    assert png_data_url()[:40] in body  # the drawn signature comes back to be drawn again
    visit.refresh_from_db()
    assert visit.diagnosis == "" and visit.signed_at is None


def test_other_technician_gets_404(client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    other = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_center=centre)
    client.force_login(other)

    assert client.get(f"/tech/orders/{order.pk}/").status_code == 404
    assert client.post(f"/tech/orders/{order.pk}/arrive/").status_code == 404
    assert client.post(f"/tech/orders/{order.pk}/complete/").status_code == 404
    assert order.number not in client.get("/tech/").content.decode()


def test_dispatcher_of_the_centre_gets_404_too(client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    client.force_login(users[Role.DISPATCHER])

    assert client.get(f"/tech/orders/{order.pk}/").status_code == 404


def test_helper_may_open_the_job(client, tech, centre, users):
    helper = UserFactory(username="helper-sh", role=Role.TECHNICIAN, service_center=centre)
    order = job_for(tech, centre=centre, users=users)
    order.helpers.add(helper)
    client.force_login(helper)

    assert client.get(f"/tech/orders/{order.pk}/").status_code == 200
    assert order.number in client.get("/tech/").content.decode()


def test_job_list_query_count_is_constant(tech_client, tech, centre, users):
    def measure() -> int:
        tech_client.get("/tech/")  # a first request fills the shared caches (the company profile)
        with CaptureQueriesContext(connection) as ctx:
            response = tech_client.get("/tech/")
        assert response.status_code == 200
        return len(ctx)

    for _ in range(3):
        job_for(tech, centre=centre, users=users)
    few = measure()
    for _ in range(17):
        job_for(tech, centre=centre, users=users)

    assert measure() == few


@pytest.fixture
def page_of_two(monkeypatch):
    monkeypatch.setattr("aftersales.service.views.technician.JOBS_PAGE_SIZE", 2)


def _due_in_order(tech, centre, users, n: int) -> list[ServiceOrder]:
    jobs = [job_for(tech, centre=centre, users=users) for _ in range(n)]
    return sorted(jobs, key=lambda job: (job.due_at, job.pk))


def test_job_list_pages_by_due_and_counts_every_job(tech_client, tech, centre, users, page_of_two):
    jobs = _due_in_order(tech, centre, users, 5)

    first = tech_client.get("/tech/")
    body = first.content.decode()
    more = re.search(r'rel="next" href="(\?cursor=[^"]+)"', body)

    assert first.status_code == 200
    assert [job.number in body for job in jobs] == [True, True, False, False, False]
    assert '<span class="badge text-bg-secondary">5</span>' in body  # every open job, not the page's two
    assert more is not None
    second = tech_client.get("/tech/" + more.group(1)).content.decode()  # without htmx: a whole page
    assert [job.number in second for job in jobs] == [False, False, True, True, False]
    assert "<h1" in second and 'href="/tech/"' in second  # back to the first jobs


def test_more_jobs_by_htmx_is_the_next_cards_alone(tech_client, tech, centre, users, page_of_two):
    jobs = _due_in_order(tech, centre, users, 3)
    more = re.search(r'hx-get="(\?cursor=[^"]+)"', tech_client.get("/tech/").content.decode())

    response = tech_client.get("/tech/" + more.group(1), headers={"HX-Request": "true"})
    body = response.content.decode()

    assert response.status_code == 200 and "HX-Request" in response["Vary"]
    assert "<h1" not in body and "<html" not in body
    assert [job.number in body for job in jobs] == [False, False, True]
    assert "tech-jobs-more" not in body  # the last page has no further link


@pytest.mark.parametrize("cursor", ["garbage", "WyJ4Il0", "W251bGwsIG51bGxd"])
def test_job_list_with_a_forged_cursor_is_400_with_the_reason(tech_client, tech, centre, users, cursor):
    job = job_for(tech, centre=centre, users=users)

    response = tech_client.get(f"/tech/?cursor={cursor}", headers={"HX-Request": "true"})
    body = response.content.decode()

    assert response.status_code == 400
    assert "The cursor is not valid." in body or "游标无效" in body
    assert job.number not in body


def test_job_list_query_count_is_constant_across_pages(tech_client, tech, centre, users, page_of_two):
    def measure(url: str = "/tech/") -> int:
        tech_client.get(url)  # a first request fills the shared caches (the company profile)
        with CaptureQueriesContext(connection) as ctx:
            response = tech_client.get(url)
        assert response.status_code == 200
        return len(ctx)

    _due_in_order(tech, centre, users, 3)
    few = measure()
    _due_in_order(tech, centre, users, 6)

    assert measure() == few


# ---- a finished order's records are final (QA, 2026-12-07) -------------------------------------
@pytest.mark.parametrize("status", ["completed", "closed", "cancelled"])
def test_finished_order_shows_the_draft_read_only_and_refuses_a_post(tech_client, tech, centre, users, status):
    """The page of a closed order offered the record form and the signature pad; saving ticked misuse
    and turned the warranty billable after the close."""
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech, arrival_confirmed_by="王五", diagnosis="轴承磨损")
    ServiceOrder.objects.filter(pk=order.pk).update(status=status)  # finished before the rules held
    order.refresh_from_db()
    warranty = (order.warranty_covered, order.warranty_reason, order.version)
    page = f"/tech/orders/{order.pk}/"

    body = tech_client.get(page).content.decode()

    assert f'action="{page}visits/{visit.pk}/"' not in body
    assert "data-signature-pad" not in body and "signature_pad.umd.min.js" not in body
    assert f'action="{page}arrive/"' not in body
    assert "轴承磨损" in body  # the draft is shown, read-only
    assert "tech-readonly-note" in body

    response = tech_client.post(
        f"{page}visits/{visit.pk}/",
        {"diagnosis": "关单后改写", "old_parts": "none", "misuse_found": "on", "rating": ""},
    )

    assert response.status_code == 400
    assert "tech-readonly-note" in response.content.decode()
    visit.refresh_from_db()
    order.refresh_from_db()
    assert (visit.diagnosis, visit.misuse_found, visit.signed_at) == ("轴承磨损", False, None)
    assert (order.warranty_covered, order.warranty_reason, order.version) == warranty


def test_completing_with_an_unsigned_return_visit_shows_the_refusal(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    first = record_visit(order, by=tech)
    page = f"/tech/orders/{order.pk}/"
    tech_client.post(
        f"{page}visits/{first.pk}/",
        {"diagnosis": "需更换压缩机", "old_parts": "none", "signer_name": "王五", "signature": png_data_url()},
    )
    ServiceOrder.objects.filter(pk=order.pk).update(status="waiting", waiting_for="parts")
    tech_client.post(f"{page}arrive/", {"arrival_confirmed_by": "王五"})
    assert Visit.objects.filter(order=order, signed_at__isnull=True).count() == 1
    assert f'action="{page}complete/"' not in tech_client.get(page).content.decode()

    response = tech_client.post(f"{page}complete/", follow=True)

    order.refresh_from_db()
    assert order.status == "on_site"
    assert "signature_required" not in response.content.decode()
    assert "签字" in response.content.decode() or "sign" in response.content.decode()


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"reason": "other", "note": ""}, "note", "此项为必填项。"),
        ({"reason": "bored"}, "reason", "选择一个有效的选项"),
        ({"reason": "customer_absent", "waiting_for": "weather"}, "waiting_for", "选择一个有效的选项"),
    ],
)
def test_ending_a_visit_with_a_bad_answer_shows_it_at_the_field_and_ends_nothing(
    post, field, message, tech_client, tech, centre, users
):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech)

    answer = tech_client.post(f"/tech/orders/{order.pk}/visits/{visit.pk}/end/", post)

    assert answer.status_code == 400
    body = answer.content.decode()
    assert f'id="id_{field}_error"' in body or f"id_{field}" in body
    assert message in body and '<details class="mt-3" id="end-visit" open>' in body
    visit.refresh_from_db()
    assert (visit.unsigned_reason, ServiceOrder.objects.get(pk=order.pk).status) == ("", "on_site")


def test_a_visit_ended_unsigned_shows_on_the_order_page_and_the_print(tech_client, tech, centre, users, client):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech)

    ended = tech_client.post(
        f"/tech/orders/{order.pk}/visits/{visit.pk}/end/", {"reason": "refused", "note": "对维修结果有异议"}
    )
    client.force_login(users[Role.MANAGER])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    printed = client.get(f"/orders/{order.pk}/print/").content.decode()

    assert ended.status_code == 302
    assert "无签字结束" in page and "客户拒绝签字" in page and "对维修结果有异议" in page
    # The customer's copy gives the reason only: a note is written by staff for staff (a take-back names
    # a deactivated employee), so it stays on the order page.
    assert "无签字：客户拒绝签字" in printed and "对维修结果有异议" not in printed
    assert "____________" not in printed  # no blank lines to sign on a record that ended without a signature
    assert "客户签字即确认" not in printed  # nor the confirmation a signature would give


def test_a_visit_ended_later_on_the_phone_keeps_the_time_the_technician_left(tech_client, tech, centre, users):
    # QA 2026-12-07: the phone had no departure, so a visit ended the next morning counted the night on site.
    order = job_for(tech, centre=centre, users=users)
    arrived = timezone.now() - datetime.timedelta(days=2)
    ServiceOrder.objects.filter(pk=order.pk).update(received_at=arrived - datetime.timedelta(hours=3))
    visit = record_visit(order, by=tech, arrived_at=arrived)
    left = timezone.localtime(arrived + datetime.timedelta(hours=2)).replace(second=0, microsecond=0)

    ended = tech_client.post(
        f"/tech/orders/{order.pk}/visits/{visit.pk}/end/",
        {"reason": "customer_absent", "departed_at": f"{left:%Y-%m-%dT%H:%M}"},
    )

    assert ended.status_code == 302
    visit.refresh_from_db()
    assert (visit.unsigned_reason, visit.departed_at) == ("customer_absent", left)


def test_a_departure_before_the_arrival_is_refused_at_its_field_and_ends_nothing(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech)
    before = timezone.localtime(visit.arrived_at - datetime.timedelta(hours=1))

    answer = tech_client.post(
        f"/tech/orders/{order.pk}/visits/{visit.pk}/end/",
        {"reason": "customer_absent", "departed_at": f"{before:%Y-%m-%dT%H:%M}"},
    )

    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'id="id_departed_at_error"' in body and '<details class="mt-3" id="end-visit" open>' in body
    visit.refresh_from_db()
    assert (visit.unsigned_reason, visit.departed_at) == ("", None)
    assert ServiceOrder.objects.get(pk=order.pk).status == "on_site"


def _record(**fields: str) -> dict[str, str]:
    """The record's fields as the phone's form posts them, with the end form's (one form, two buttons)."""
    return {"diagnosis": "", "work_done": "", "parts_replaced": "", "old_parts": "none", "rating": "", **fields}


def test_ending_a_visit_unsigned_saves_what_was_typed_in_the_record(tech_client, tech, centre, users):
    """Found in the review of 2026-12-07: text typed in the record was lost when the technician ended the
    visit without a signature (the page only warned). The end button now sends the record with it."""
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech)
    page = tech_client.get(f"/tech/orders/{order.pk}/").content.decode()
    end_url = f"/tech/orders/{order.pk}/visits/{visit.pk}/end/"
    record_form = page[page.index(f'action="/tech/orders/{order.pk}/visits/{visit.pk}/"') :].split("</form>")[0]
    assert f'formaction="{end_url}"' in record_form  # the end button belongs to the record's form

    ended = tech_client.post(
        end_url,
        _record(diagnosis="压缩机不启动", work_done="检查了电源", reason="return_needed", signature=png_data_url()),
    )

    assert ended.status_code == 302
    visit.refresh_from_db()
    assert (visit.diagnosis, visit.work_done, visit.unsigned_reason) == ("压缩机不启动", "检查了电源", "return_needed")
    assert visit.signed_at is None  # a signature drawn is not taken: the visit ends unsigned


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # the end refused (other without a note): beside the end form, the record as typed
        (
            {"diagnosis": "新的诊断：轴承磨损", "reason": "other", "note": ""},
            '<details class="mt-3" id="end-visit" open>',
        ),
        # the record refused (parts replaced, old parts not told): beside its field
        ({"parts_replaced": "BLT-A42 ×1", "old_parts": "none", "reason": "customer_absent"}, 'id="id_old_parts_error"'),
    ],
)
def test_a_refused_end_keeps_what_was_typed_and_writes_nothing(typed, shown, tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech, diagnosis="旧的诊断")

    answer = tech_client.post(f"/tech/orders/{order.pk}/visits/{visit.pk}/end/", _record(**typed))

    assert answer.status_code == 400
    body = answer.content.decode()
    assert shown in body and (typed.get("diagnosis") or typed.get("parts_replaced")) in body
    visit.refresh_from_db()
    assert (visit.diagnosis, visit.parts_replaced, visit.unsigned_reason) == ("旧的诊断", "", "")
    assert ServiceOrder.objects.get(pk=order.pk).status == "on_site"


def test_an_end_without_the_record_leaves_the_record_as_it_was(tech_client, tech, centre, users):
    order = job_for(tech, centre=centre, users=users)
    visit = record_visit(order, by=tech, diagnosis="轴承磨损")

    ended = tech_client.post(f"/tech/orders/{order.pk}/visits/{visit.pk}/end/", {"reason": "customer_absent"})

    assert ended.status_code == 302
    visit.refresh_from_db()
    assert (visit.diagnosis, visit.unsigned_reason) == ("轴承磨损", "customer_absent")
