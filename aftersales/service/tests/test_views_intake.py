"""Hotline intake screen: live lookup, one-submit creation, errors at the field with nothing written."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.models import Contact, Customer
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.models import Attachment, ServiceOrder
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db

INTAKE = "/intake/"
LOOKUP = "/intake/lookup/"


def png_file(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def agent_client(client, users):
    client.force_login(users[Role.AGENT])
    return client


@pytest.fixture
def known_customer(centre):
    customer = CustomerFactory(service_center=centre, name="华东精密机械有限公司")
    ContactFactory(customer=customer, name="王五", mobile="+8613812345678")
    SiteFactory(customer=customer)
    covered = UnitFactory(customer=customer, serial_number="SNCOVERED1")
    expired = UnitFactory(
        customer=customer,
        serial_number="SNEXPIRED1",
        purchase_date=datetime.date.today() - datetime.timedelta(days=800),
    )
    return customer, covered, expired


def new_customer_post(**overrides):
    model = ProductModelFactory(warranty_months=24)
    data = {
        "phone": "13900002222",
        "new_customer_name": "新客户有限公司",
        "new_customer_kind": "company",
        "new_contact_name": "赵六",
        "new_contact_mobile": "",
        "new_site_city": "苏州市",
        "new_site_address": "工业园区星湖街1号",
        "new_unit_serial": "sn-new-0001",
        "new_unit_model": str(model.pk),
        "new_unit_purchase_date": (datetime.date.today() - datetime.timedelta(days=30)).isoformat(),
        "new_unit_proof_ref": "INV-2026-001",
        "channel": "hotline",
        "kind": "repair",
        "resolution": "on_site",
        "priority": "normal",
        "reporter_name": "",
        "reporter_phone": "",
        "description": "设备无法启动",
    }
    data.update(overrides)
    return data


def counts():
    return (Customer.objects.count(), Contact.objects.count(), Unit.objects.count(), ServiceOrder.objects.count())


def test_intake_page_renders_form_with_autofocus_on_phone(agent_client):
    response = agent_client.get(INTAKE)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_phone"' in body and "autofocus" in body
    assert 'hx-get="/intake/lookup/"' in body
    assert 'hx-trigger="input changed delay:300ms, search"' in body
    assert "data-no-enter-submit" in body
    assert 'name="customer_id"' in body and 'name="unit_id"' in body


def test_intake_lookup_by_phone_returns_customer_units_warranty_and_open_orders(agent_client, known_customer, users):
    customer, covered, expired = known_customer
    order = make_order(by=users[Role.AGENT], customer=customer, unit=covered)

    response = agent_client.get(LOOKUP, {"phone": "138 1234 5678"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert customer.name in body
    assert f'data-pick-customer="{customer.pk}"' in body
    assert 'data-contact-name="王五"' in body
    assert "SNCOVERED1" in body and "SNEXPIRED1" in body
    assert 'data-warranty="covered"' in body
    assert 'data-warranty="not_covered"' in body
    assert order.number in body
    assert f"/orders/{order.pk}/" in body
    assert "<html" not in body  # a fragment, not a page


def test_intake_lookup_by_serial_finds_the_owner(agent_client, known_customer):
    customer, covered, _expired = known_customer

    body = agent_client.get(LOOKUP, {"serial": "sncovered1"}).content.decode()

    assert customer.name in body
    assert f'data-pick-unit="{covered.pk}"' in body


def test_intake_lookup_ignores_other_centres(agent_client, other_centre):
    stranger = CustomerFactory(service_center=other_centre, name="外地客户")
    ContactFactory(customer=stranger, mobile="+8613812345678")

    body = agent_client.get(LOOKUP, {"phone": "13812345678"}).content.decode()

    assert "外地客户" not in body
    assert "data-intake-nomatch" in body


def test_intake_lookup_query_count_does_not_grow_with_matches(agent_client, centre):
    def measure(n: int) -> int:
        for i in range(n):
            customer = CustomerFactory(service_center=centre)
            ContactFactory(customer=customer, mobile=f"+861370000{n:02d}{i:02d}"[:14])
            UnitFactory(customer=customer)
        # The first lookup fills the caches that coverage decisions read (the contracts' covered
        # units); what is compared is the count once they are warm.
        agent_client.get(LOOKUP, {"phone": "13812345678", "serial": "SN00"})
        with CaptureQueriesContext(connection) as ctx:
            agent_client.get(LOOKUP, {"phone": "13812345678", "serial": "SN00"})
        return len(ctx)

    assert measure(1) == measure(5)


def test_intake_known_customer_opens_order_with_warranty_and_due(agent_client, known_customer):
    customer, covered, _expired = known_customer
    contact = customer.contacts.get()

    response = agent_client.post(
        INTAKE,
        {
            "phone": "13812345678",
            "customer_id": customer.pk,
            "contact_id": contact.pk,
            "unit_id": covered.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "high",
            "description": "异响",
        },
        follow=True,
    )

    order = ServiceOrder.objects.get()
    assert response.redirect_chain[0] == (f"/orders/{order.pk}/", 302)
    assert order.unit == covered and order.contact == contact
    assert order.reporter_name == "王五" and order.reporter_phone == "+8613812345678"
    assert order.warranty_covered is True
    messages = [str(m) for m in response.context["messages"]]
    assert any(order.number in m and order.warranty_detail in m for m in messages)


def test_intake_creates_customer_unit_and_order_in_one_submit(agent_client):
    response = agent_client.post(INTAKE, new_customer_post())

    assert response.status_code == 302, response.content.decode()[:2000]
    order = ServiceOrder.objects.select_related("customer", "unit", "contact", "site").get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.customer.name == "新客户有限公司"
    assert order.contact.mobile == "+8613900002222"  # the caller's number became the contact's
    assert order.unit.serial_number == "SN-NEW-0001"
    assert order.site.address == "工业园区星湖街1号"
    assert order.reporter_name == "赵六"
    assert order.warranty_covered is True


def test_intake_bad_phone_shows_error_at_field_and_writes_nothing(agent_client):
    before = counts()

    response = agent_client.post(INTAKE, new_customer_post(phone="", new_contact_mobile="12345"))

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_new_contact_mobile_error"' in body
    assert 'value="新客户有限公司"' in body  # what was typed is kept
    assert 'value="SN-NEW-0001"' in body or 'value="sn-new-0001"' in body
    assert "设备无法启动" in body
    assert counts() == before


def test_intake_new_customer_with_three_problems_shows_each_at_its_field_and_writes_nothing(agent_client):
    before = counts()
    data = new_customer_post(phone="", new_customer_name="", new_contact_name="", new_contact_mobile="12345")

    response = agent_client.post(INTAKE, data)

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"new_customer_name", "new_contact_name", "new_contact_mobile"}
    body = response.content.decode()
    for field in ("new_customer_name", "new_contact_name", "new_contact_mobile"):
        assert f'id="id_{field}_error"' in body
    assert counts() == before


def test_intake_bad_reporter_phone_for_known_customer(agent_client, known_customer):
    customer, _covered, _expired = known_customer
    before = counts()

    response = agent_client.post(
        INTAKE,
        {
            "customer_id": customer.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "normal",
            "reporter_name": "王五",
            "reporter_phone": "not a phone",
            "description": "异响",
        },
    )

    assert response.status_code == 400
    assert 'id="id_reporter_phone_error"' in response.content.decode()
    assert counts() == before


def test_intake_duplicate_serial_rolls_back_the_new_customer(agent_client, known_customer):
    before = counts()

    response = agent_client.post(INTAKE, new_customer_post(new_unit_serial="SNCOVERED1"))

    assert response.status_code == 400
    assert 'id="id_new_unit_serial_error"' in response.content.decode()
    assert counts() == before


def test_intake_offers_only_active_models_for_a_new_unit(agent_client):
    ProductModelFactory(code="NEW-1")
    ProductModelFactory(code="OLD-1", active=False)

    response = agent_client.get(INTAKE)

    offered = [label for value, label in response.context["form"].fields["new_unit_model"].choices if value]
    assert [label.split()[0] for label in offered] == ["NEW-1"]
    assert "OLD-1" not in response.content.decode()


def test_intake_new_unit_of_a_retired_model_is_refused_at_the_field_and_writes_nothing(agent_client):
    data = new_customer_post()
    ProductModel.objects.filter(pk=data["new_unit_model"]).update(active=False)  # retired while the form was open
    before = counts()

    response = agent_client.post(INTAKE, data)

    # The service's sentence (model_retired), not the form's "Select a valid choice".
    code = ProductModel.objects.get(pk=data["new_unit_model"]).code
    with translation.override("zh-hans"):
        retired = _("Product model %(code)s is retired: new units cannot be registered with it.") % {"code": code}
    assert response.status_code == 400
    assert response.context["form"].errors["new_unit_model"] == [retired]
    assert 'id="id_new_unit_model_error"' in response.content.decode()
    assert counts() == before


def test_intake_order_for_a_known_unit_of_a_retired_model(agent_client, known_customer):
    customer, covered, _expired = known_customer
    ProductModel.objects.filter(pk=covered.product_model_id).update(active=False)

    response = agent_client.post(
        INTAKE,
        {
            "customer_id": customer.pk,
            "unit_id": covered.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "normal",
            "description": "异响",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    order = ServiceOrder.objects.get()
    assert (order.unit, order.warranty_covered) == (covered, True)


def test_intake_without_customer_asks_to_pick_one(agent_client):
    response = agent_client.post(
        INTAKE,
        {
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "normal",
            "description": "x",
        },
    )

    assert response.status_code == 400
    assert 'id="id_customer_id_error"' in response.content.decode()
    assert ServiceOrder.objects.count() == 0


def test_intake_without_customer_and_description_marks_both_in_one_submit(agent_client):
    response = agent_client.post(
        INTAKE,
        {
            "phone": "13900001111",
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "normal",
            "description": "  ",
        },
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"customer_id", "description"}
    body = response.content.decode()
    assert 'id="id_customer_id_error"' in body
    assert 'id="id_description_error"' in body
    assert ServiceOrder.objects.count() == 0


def test_intake_refused_new_unit_with_a_description_marks_only_the_unit(agent_client):
    response = agent_client.post(INTAKE, new_customer_post(new_unit_model=""))

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"new_unit_model"}
    assert Customer.objects.count() == 0


def test_intake_consultation_closed_at_intake(agent_client, known_customer):
    customer, _covered, _expired = known_customer

    response = agent_client.post(
        INTAKE,
        {
            "phone": "13812345678",
            "customer_id": customer.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "consultation",
            "resolution": "remote",
            "priority": "normal",
            "description": "如何更换滤芯？",
            "consultation_answer": "已电话指导更换步骤。",
            "close_now": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()
    order = ServiceOrder.objects.get()
    assert order.status == "closed"
    assert order.consultation_answer == "已电话指导更换步骤。"


def test_intake_close_now_without_answer_is_refused_at_the_checkbox(agent_client, known_customer):
    customer, _covered, _expired = known_customer

    response = agent_client.post(
        INTAKE,
        {
            "phone": "13812345678",
            "customer_id": customer.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "consultation",
            "resolution": "remote",
            "priority": "normal",
            "description": "咨询",
            "close_now": "on",
        },
    )

    assert response.status_code == 400
    assert 'id="id_close_now_error"' in response.content.decode()
    assert ServiceOrder.objects.count() == 0


def test_intake_photos_non_image_rejected_and_nothing_written(agent_client):
    before = counts()
    text = SimpleUploadedFile("notes.png", b"this is not an image at all", content_type="image/png")

    response = agent_client.post(INTAKE, {**new_customer_post(), "photos": [png_file(), text]})

    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_photos_error"' in body
    assert counts() == before
    assert Attachment.objects.count() == 0


def test_intake_photos_too_large_error_at_field(agent_client, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTO_MAX_BYTES": 10}

    response = agent_client.post(INTAKE, {**new_customer_post(), "photos": [png_file()]})

    assert response.status_code == 400
    assert 'id="id_photos_error"' in response.content.decode()
    assert ServiceOrder.objects.count() == 0


def test_intake_photos_attached_to_the_order(agent_client):
    response = agent_client.post(INTAKE, {**new_customer_post(), "photos": [png_file("a.png"), png_file("b.png")]})

    assert response.status_code == 302
    order = ServiceOrder.objects.get()
    assert order.attachments.count() == 2


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.FINANCE])
def test_intake_refused_to_roles_that_do_not_open_orders(client, users, role):
    client.force_login(users[role])

    assert client.get(INTAKE).status_code == 403
    assert client.get(LOOKUP, {"phone": "13812345678"}).status_code == 403
