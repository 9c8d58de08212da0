"""Every write on a customer leaves one activity (old → new) in its history, in the same transaction."""

from collections.abc import Callable

import pytest
from django.db import transaction

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.errors import ValidationFailed
from aftersales.customers import services
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.selectors import activity_for
from aftersales.history.testing import old_new, only_activity

pytestmark = pytest.mark.django_db


def test_create_customer_records_its_fields(users: dict[str, User]) -> None:
    agent = users[Role.AGENT]

    customer = services.create_customer(
        by=agent, name="华东机械", contacts=[services.ContactData(name="李四", mobile="13800138000")]
    )

    activity = only_activity(customer)
    assert activity.type == "customer.created"
    assert activity.actor == agent
    assert old_new(activity)["name"] == (None, "华东机械")
    assert old_new(activity)["service_center"] == (None, {"id": agent.service_center_id, "label": "上海服务网点"})
    assert activity.data["contacts"] == 1


def test_update_customer_records_old_and_new(users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center, name="旧名", notes="")

    services.update_customer(customer=customer, by=users[Role.AGENT], name="新名", notes="", reason="更名")

    activity = only_activity(customer)
    assert (activity.type, activity.reason) == ("customer.updated", "更名")
    assert old_new(activity) == {"name": ("旧名", "新名")}


def test_update_customer_that_changes_nothing_records_nothing(users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center, name="同名")

    services.update_customer(customer=customer, by=users[Role.AGENT], name="同名")

    assert not activity_for(customer).exists()


def test_add_contact_and_site_go_to_the_customers_history(users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center)

    contact = services.add_contact(
        customer=customer, by=users[Role.AGENT], data=services.ContactData(name="王五", mobile="13900139000")
    )
    site = services.add_site(
        customer=customer, by=users[Role.AGENT], data=services.SiteData(name="二厂", address="嘉定区1号")
    )

    added_contact = only_activity(customer, type="customer.contact_added")
    assert old_new(added_contact) == {"contacts": (None, "王五 +8613900139000")}
    assert added_contact.data["contact"] == contact.pk
    added_site = only_activity(customer, type="customer.site_added")
    assert old_new(added_site) == {"sites": (None, "二厂 嘉定区1号")}
    assert added_site.data["site"] == site.pk


def test_the_activity_rolls_back_with_the_change(users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center, name="旧名")

    with pytest.raises(RuntimeError), transaction.atomic():
        services.update_customer(customer=customer, by=users[Role.AGENT], name="新名")
        raise RuntimeError("a later step of the same request fails")

    customer.refresh_from_db()
    assert customer.name == "旧名"
    assert not activity_for(customer).exists()


def test_refused_update_records_nothing(users: dict[str, User]) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center, name="旧名")

    with pytest.raises(ValidationFailed):
        services.update_customer(customer=customer, by=users[Role.AGENT], name="  ")

    assert not activity_for(customer).exists()


def test_customer_history_through_the_api(users: dict[str, User], api_client: Callable) -> None:
    customer = CustomerFactory(service_center=users[Role.AGENT].service_center, name="旧名")
    services.update_customer(customer=customer, by=users[Role.AGENT], name="新名")

    response = api_client(users[Role.DISPATCHER]).get(f"/api/v1/history/customer/{customer.pk}")

    assert response.status_code == 200
    assert [(c["field"], c["old"], c["new"]) for c in response.json()["items"][0]["changes"]] == [
        ("name", "旧名", "新名")
    ]


def test_another_centres_customer_history_is_not_found(
    users: dict[str, User], other_centre: ServiceCenter, api_client: Callable
) -> None:
    customer = CustomerFactory(service_center=other_centre)

    response = api_client(users[Role.AGENT]).get(f"/api/v1/history/customer/{customer.pk}")

    assert response.status_code == 404
