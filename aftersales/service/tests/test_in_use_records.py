"""A contact or site taken out of use stays on old orders but is not used for a new one: the intake's
lookup and default pick leave it out, and ``open_order`` refuses it when named (an API client or a
page opened before it was retired)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.customers import services as customer_services
from aftersales.customers.models import Contact
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service.models import ServiceOrder
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(centre, users):
    customer = CustomerFactory(service_center=centre, name="华东精密")
    gone = ContactFactory(customer=customer, name="离职者", mobile="+8613800000009", is_primary=True)
    current = ContactFactory(customer=customer, name="在职者", mobile="+8613800000008")
    old_site = SiteFactory(customer=customer, name="旧厂", address="旧路1号")
    new_site = SiteFactory(customer=customer, name="新厂", address="新路2号")
    unit = UnitFactory(customer=customer, site=old_site)
    order = make_order(by=users[Role.AGENT], customer=customer, unit=unit, contact=gone)
    agent = users[Role.AGENT]
    customer_services.set_contact_in_use(contact=gone, by=agent, in_use=False)
    customer_services.set_site_in_use(site=old_site, by=agent, in_use=False)
    for row in (gone, old_site, unit):
        row.refresh_from_db()
    return customer, gone, current, old_site, new_site, unit, order


def test_old_order_keeps_the_retired_contact_and_site(world):
    _customer, gone, _current, old_site, _new_site, _unit, order = world

    order.refresh_from_db()

    assert order.contact == gone and order.site == old_site


@pytest.mark.parametrize("which", ["contact", "site"])
def test_open_order_refuses_a_retired_contact_or_site_and_writes_nothing(world, users, which):
    customer, gone, _current, old_site, _new_site, unit, _order = world
    before = ServiceOrder.objects.count()
    named = {"contact": gone} if which == "contact" else {"site": old_site}

    with pytest.raises(DomainError) as caught:
        make_order(by=users[Role.AGENT], customer=customer, unit=unit, **named)

    assert (caught.value.code, caught.value.field) == ("not_in_use", f"{which}_id")
    assert ServiceOrder.objects.count() == before


def test_a_unit_at_a_retired_site_sends_the_new_order_to_the_one_site_in_use(world, users):
    customer, _gone, _current, _old_site, new_site, unit, _order = world

    order = make_order(by=users[Role.AGENT], customer=customer, unit=unit)

    assert order.site == new_site


def test_intake_lookup_and_default_contact_leave_retired_ones_out(world, client, users):
    customer, _gone, current, _old_site, _new_site, unit, _order = world
    client.force_login(users[Role.AGENT])

    body = client.get("/intake/lookup/", {"phone": "13800000008"}, headers={"HX-Request": "true"}).content.decode()
    response = client.post(
        "/intake/",
        {
            "phone": "",
            "customer_id": customer.pk,
            "unit_id": unit.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "normal",
            "description": "异响",
        },
    )

    assert 'data-contact-name="在职者"' in body and "离职者" not in body
    assert "新路2号" in body and "旧路1号" not in body
    assert response.status_code == 302, response.content.decode()[:1500]
    assert ServiceOrder.objects.latest("id").contact == current  # not the retired (once primary) one


def test_intake_with_a_contact_taken_out_of_use_while_the_form_was_open_shows_the_sentence_at_the_pick(
    world, client, users
):
    """The lookup's card picked the contact (``contact_id``) before it was taken out of use: the service's
    ``not_in_use`` sentence at the customer pick the contact came with, not a generic one; nothing written."""
    customer, _gone, current, _old_site, _new_site, unit, _order = world
    client.force_login(users[Role.AGENT])
    body = client.get("/intake/lookup/", {"phone": "13800000008"}, headers={"HX-Request": "true"}).content.decode()
    assert f'data-contact-id="{current.pk}"' in body
    Contact.objects.filter(pk=current.pk).update(in_use=False)  # taken out of use meanwhile
    before = ServiceOrder.objects.count()

    response = client.post(
        "/intake/",
        {
            "phone": "13800000008",
            "customer_id": customer.pk,
            "contact_id": current.pk,
            "unit_id": unit.pk,
            "new_customer_kind": "company",
            "channel": "hotline",
            "kind": "repair",
            "resolution": "on_site",
            "priority": "normal",
            "description": "异响",
        },
    )

    with translation.override("zh-hans"):
        sentence = gettext("This contact is not in use any more.")
    assert response.status_code == 400
    assert dict(response.context["form"].errors) == {"customer_id": [sentence]}
    assert f'id="id_customer_id_error">{sentence}</div>' in response.content.decode()
    assert ServiceOrder.objects.count() == before
