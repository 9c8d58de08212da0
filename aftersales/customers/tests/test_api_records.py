"""PATCH a contact person or a site, and take one out of use or back, through the API (the services
of the customer file's console forms)."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.history.models import Activity

JSON = "application/json"
pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(users: dict[str, Any], api_client: Any) -> Any:
    return api_client(users[Role.AGENT])


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre)


def test_patch_contact_changes_only_what_is_sent(agent, customer):
    contact = ContactFactory(customer=customer, name="张三", mobile="+8613800138000")

    response = agent.patch(
        f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}", {"name": "张三丰"}, content_type=JSON
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": contact.pk,
        "name": "张三丰",
        "mobile": "+8613800138000",
        "is_primary": False,
        "in_use": True,
    }


def test_patch_contact_to_another_contacts_number_answers_409_and_writes_nothing(agent, customer):
    contact = ContactFactory(customer=customer, mobile="+8613800138000")
    ContactFactory(customer=customer, mobile="+8613900139000")

    response = agent.patch(
        f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}",
        {"mobile": "139 0013 9000", "name": "新名"},
        content_type=JSON,
    )

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("duplicate_mobile", "mobile")
    assert Contact.objects.get(pk=contact.pk).mobile == "+8613800138000"
    assert not Activity.objects.exists()


def test_patch_contact_with_a_bad_number_answers_400_with_the_field(agent, customer):
    contact = ContactFactory(customer=customer)

    response = agent.patch(
        f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}", {"mobile": "0000"}, content_type=JSON
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_phone", "mobile")


def test_retire_and_reinstate_a_contact(agent, customer):
    contact = ContactFactory(customer=customer, is_primary=True)
    base = f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}"

    retired = agent.post(f"{base}/retire", {"reason": "号码错误"}, content_type=JSON)
    listed = agent.get(f"/api/v1/customers/{customer.pk}").json()["contacts"]
    back = agent.post(f"{base}/reinstate", {}, content_type=JSON)

    assert retired.status_code == 200 and retired.json()["in_use"] is False
    assert retired.json()["is_primary"] is False
    assert [(c["id"], c["in_use"]) for c in listed] == [(contact.pk, False)]  # still listed, marked
    assert back.status_code == 200 and back.json()["in_use"] is True
    assert Activity.objects.get(type="customer.contact_retired").reason == "号码错误"


def test_patch_and_retire_a_site(agent, customer):
    site = SiteFactory(customer=customer, address="张江路1号")
    base = f"/api/v1/customers/{customer.pk}/sites/{site.pk}"

    patched = agent.patch(base, {"address": "张江路2号", "reason": "门牌"}, content_type=JSON)
    retired = agent.post(f"{base}/retire", {}, content_type=JSON)
    blank = agent.patch(base, {"address": "  "}, content_type=JSON)

    assert patched.status_code == 200 and patched.json()["address"] == "张江路2号"
    assert retired.status_code == 200 and retired.json()["in_use"] is False
    assert blank.status_code == 400 and blank.json()["field"] == "address"
    assert Site.objects.get(pk=site.pk).address == "张江路2号"


def test_a_contact_of_another_customer_or_centre_is_404(agent, customer, other_centre):
    other_customer = CustomerFactory(service_center=customer.service_center)
    theirs = ContactFactory(customer=other_customer)
    away = ContactFactory(customer=CustomerFactory(service_center=other_centre))
    away_site = SiteFactory(customer=away.customer)

    wrong_customer = agent.post(f"/api/v1/customers/{customer.pk}/contacts/{theirs.pk}/retire", {}, content_type=JSON)
    out_of_scope = agent.patch(
        f"/api/v1/customers/{away.customer_id}/contacts/{away.pk}", {"name": "x"}, content_type=JSON
    )
    site_out_of_scope = agent.post(
        f"/api/v1/customers/{away.customer_id}/sites/{away_site.pk}/retire", {}, content_type=JSON
    )

    assert (wrong_customer.status_code, out_of_scope.status_code, site_out_of_scope.status_code) == (404, 404, 404)
    assert Contact.objects.filter(in_use=True).count() == 2 and Site.objects.get(pk=away_site.pk).in_use


def test_a_user_who_may_not_edit_customers_gets_403(api_client, customer):
    contact = ContactFactory(customer=customer)
    viewer = api_client(UserFactory(role=Role.GENERAL_MANAGER, service_center=customer.service_center))

    response = viewer.post(f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}/retire", {}, content_type=JSON)

    assert response.status_code == 403 and Contact.objects.get(pk=contact.pk).in_use
