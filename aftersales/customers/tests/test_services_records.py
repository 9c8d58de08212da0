"""Correcting a contact person or a site, and taking one out of use (never deleting it: orders,
units, contracts and portal accounts refer to it)."""

from typing import Any

import pytest

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.customers import services
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.history.display import describe
from aftersales.history.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(users: dict[str, Any]) -> Any:
    return users[Role.AGENT]


@pytest.fixture
def customer(centre: Any) -> Any:
    return CustomerFactory(service_center=centre)


def test_update_contact_changes_the_fields_sent_and_keeps_old_to_new(agent, customer):
    contact = ContactFactory(customer=customer, name="张三", mobile="+8613800138000")

    services.update_contact(contact=contact, by=agent, mobile="139 0013 9000", reason="换号了")

    contact.refresh_from_db()
    assert (contact.name, contact.mobile) == ("张三", "+8613900139000")
    activity = Activity.objects.get(type="customer.contact_updated")
    assert activity.reason == "换号了" and activity.data["contact"] == contact.pk
    change = describe(activity).changes[0]
    assert (change.field, change.old, change.new) == ("contacts.mobile", "+8613800138000", "+8613900139000")
    assert change.label == "联系人 · 手机"  # the related model's field, in words


def test_update_contact_with_nothing_changed_writes_nothing(agent, customer):
    contact = ContactFactory(customer=customer, name="张三")

    services.update_contact(contact=contact, by=agent, name="张三")

    assert not Activity.objects.exists()


def test_update_contact_made_primary_is_the_only_primary(agent, customer):
    first = ContactFactory(customer=customer, is_primary=True)
    second = ContactFactory(customer=customer)

    services.update_contact(contact=second, by=agent, is_primary=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary and not first.is_primary


@pytest.mark.parametrize(
    ("changes", "code", "field", "status"),
    [
        ({"mobile": "12"}, "invalid_phone", "mobile", 400),
        ({"name": "  "}, "required", "name", 400),
        ({"name": "x" * 101}, "too_long", "name", 400),
        ({"mobile": "+8613900139000"}, "duplicate_mobile", "mobile", 409),  # another contact's
        ({"reason": "x" * 501}, "too_long", "reason", 400),
    ],
)
def test_update_contact_refusals_name_the_field_and_write_nothing(agent, customer, changes, code, field, status):
    contact = ContactFactory(customer=customer, name="张三", mobile="+8613800138000")
    ContactFactory(customer=customer, mobile="+8613900139000")

    with pytest.raises(DomainError) as caught:
        services.update_contact(contact=contact, by=agent, **{"name": "李四", **changes})

    assert (caught.value.code, caught.value.field, caught.value.status) == (code, field, status)
    contact.refresh_from_db()
    assert (contact.name, contact.mobile) == ("张三", "+8613800138000")
    assert not Activity.objects.exists()


def test_retiring_a_contact_keeps_it_and_it_stops_being_primary(agent, customer):
    contact = ContactFactory(customer=customer, is_primary=True)

    services.set_contact_in_use(contact=contact, by=agent, in_use=False, reason="已离职")

    contact.refresh_from_db()
    assert not contact.in_use and not contact.is_primary
    assert list(Contact.objects.in_use()) == []
    activity = Activity.objects.get(type="customer.contact_retired")
    assert activity.reason == "已离职"
    assert activity.data["changes"]["contacts.in_use"] == {"old": True, "new": False}


def test_retiring_twice_writes_nothing_the_second_time(agent, customer):
    contact = ContactFactory(customer=customer)
    services.set_contact_in_use(contact=contact, by=agent, in_use=False)

    services.set_contact_in_use(contact=contact, by=agent, in_use=False)

    assert Activity.objects.filter(type="customer.contact_retired").count() == 1


def test_a_retired_contact_comes_back_in_use_but_cannot_be_made_primary_while_out(agent, customer):
    contact = ContactFactory(customer=customer)
    services.set_contact_in_use(contact=contact, by=agent, in_use=False)

    with pytest.raises(DomainError) as caught:
        services.update_contact(contact=contact, by=agent, is_primary=True)
    assert (caught.value.code, caught.value.field) == ("not_in_use", "is_primary")

    services.set_contact_in_use(contact=contact, by=agent, in_use=True)
    contact.refresh_from_db()
    assert contact.in_use
    assert Activity.objects.filter(type="customer.contact_reinstated").exists()


def test_adding_the_number_of_a_retired_contact_says_to_put_it_back(agent, customer):
    contact = ContactFactory(customer=customer, mobile="+8613800138000")
    services.set_contact_in_use(contact=contact, by=agent, in_use=False)

    with pytest.raises(DomainError) as caught:
        services.add_contact(customer=customer, by=agent, data=services.ContactData(name="王五", mobile="13800138000"))

    assert caught.value.code == "duplicate_mobile" and "重新启用" in caught.value.detail
    assert Contact.objects.filter(customer=customer).count() == 1


def test_update_site_corrects_the_address_with_history(agent, customer):
    site = SiteFactory(customer=customer, name="总部", address="张江路1号")

    services.update_site(site=site, by=agent, address="张江路2号", reason="门牌写错")

    site.refresh_from_db()
    assert (site.name, site.address) == ("总部", "张江路2号")
    activity = Activity.objects.get(type="customer.site_updated")
    assert activity.data["changes"] == {"sites.address": {"old": "张江路1号", "new": "张江路2号"}}


def test_update_site_with_a_blank_address_is_refused_and_writes_nothing(agent, customer):
    site = SiteFactory(customer=customer, address="张江路1号")

    with pytest.raises(DomainError) as caught:
        services.update_site(site=site, by=agent, name="新名", address=" ")

    assert (caught.value.code, caught.value.field) == ("required", "address")
    site.refresh_from_db()
    assert (site.name, site.address) == ("总部", "张江路1号") and not Activity.objects.exists()


def test_retiring_and_reinstating_a_site(agent, customer):
    site = SiteFactory(customer=customer)

    services.set_site_in_use(site=site, by=agent, in_use=False, reason="搬走了")
    assert not Site.objects.get(pk=site.pk).in_use and not Site.objects.in_use().exists()
    services.set_site_in_use(site=site, by=agent, in_use=True)

    assert Site.objects.get(pk=site.pk).in_use
    assert [a.type for a in Activity.objects.order_by("id")] == ["customer.site_retired", "customer.site_reinstated"]


def test_a_technician_may_not_retire_a_contact(users, customer):
    contact = ContactFactory(customer=customer)

    with pytest.raises(DomainError) as caught:
        services.set_contact_in_use(contact=contact, by=users[Role.TECHNICIAN], in_use=False)

    assert caught.value.status == 403
    assert Contact.objects.get(pk=contact.pk).in_use


def test_add_contact_made_primary_is_the_only_primary(agent, customer):
    first = ContactFactory(customer=customer, is_primary=True)

    added = services.add_contact(
        customer=customer, by=agent, data=services.ContactData(name="李四", mobile="13900139000", is_primary=True)
    )

    first.refresh_from_db()
    assert added.is_primary and not first.is_primary
    assert list(customer.contacts.filter(is_primary=True)) == [added]


def test_add_contact_not_primary_leaves_the_primary_alone(agent, customer):
    first = ContactFactory(customer=customer, is_primary=True)

    services.add_contact(customer=customer, by=agent, data=services.ContactData(name="李四", mobile="13900139000"))

    first.refresh_from_db()
    assert first.is_primary
