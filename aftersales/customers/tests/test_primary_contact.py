"""A customer has at most one primary contact, and only a contact in use may be it: the services
keep the rule, the database refuses rows that break it (customers migration 0006), and the
migration before it repairs rows that already do (0005)."""

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.customers import services
from aftersales.customers.models import Contact, Customer
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory

JSON = "application/json"


@pytest.fixture
def agent(users: dict[str, Any]) -> Any:
    return users[Role.AGENT]


def primaries(customer: Any) -> list[str]:
    return list(Contact.objects.filter(customer=customer, is_primary=True).values_list("name", flat=True))


@pytest.mark.django_db
def test_the_database_refuses_a_second_primary_contact(centre):
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, is_primary=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(customer=customer, is_primary=True)

    ContactFactory(customer=CustomerFactory(service_center=centre), is_primary=True)  # another customer's may
    ContactFactory(customer=customer, is_primary=False)
    assert Contact.objects.filter(customer=customer, is_primary=True).count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_primary_contact_out_of_use(centre):
    customer = CustomerFactory(service_center=centre)

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(customer=customer, is_primary=True, in_use=False)

    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_new_customer_with_two_primary_contacts_is_refused_400_and_nothing_written(agent):
    contacts = [services.ContactData("张三", "13800138000", True), services.ContactData("李四", "13900139000", True)]

    with pytest.raises(DomainError) as caught:
        services.create_customer(by=agent, name="某某机械", contacts=contacts)

    assert (caught.value.code, caught.value.field, caught.value.status) == ("duplicate_primary", "contacts", 400)
    assert not Customer.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db
def test_a_new_customers_primary_contact_is_the_one_marked_else_the_first(agent):
    marked = services.create_customer(
        by=agent,
        name="甲",
        contacts=[services.ContactData("张三", "13800138000"), services.ContactData("李四", "13900139000", True)],
    )
    unmarked = services.create_customer(
        by=agent,
        name="乙",
        contacts=[services.ContactData("王五", "13700137000"), services.ContactData("赵六", "13600136000")],
    )

    assert primaries(marked) == ["李四"]  # the first was made primary too before the constraint
    assert primaries(unmarked) == ["王五"]


@pytest.mark.django_db
def test_an_import_batch_gives_each_new_customer_one_primary_contact(agent):
    """The import's path: ``clean_customer`` per row, then one ``create_customers`` for the batch
    (COPY on PostgreSQL)."""
    checked = [
        services.clean_customer(by=agent, name="甲", contacts=[services.ContactData("张三", "13800138000")]),
        services.clean_customer(
            by=agent,
            name="乙",
            contacts=[services.ContactData("李四", "13900139000"), services.ContactData("王五", "13700137000", True)],
        ),
        services.clean_customer(by=agent, name="丙"),
    ]

    first, second, third = services.create_customers(by=agent, customers=checked)

    assert (primaries(first), primaries(second), primaries(third)) == (["张三"], ["王五"], [])


@pytest.mark.django_db
def test_a_batch_built_around_clean_customer_with_two_primaries_answers_409_and_writes_nothing(agent, centre):
    two = [services.ContactData("张三", "+8613800138000", True), services.ContactData("李四", "+8613900139000", True)]
    new = services.NewCustomer("某某机械", "company", centre, "", two, [])

    with pytest.raises(DomainError) as caught:
        services.create_customers(by=agent, customers=[new])

    assert (caught.value.code, caught.value.field, caught.value.status) == ("duplicate_primary", "is_primary", 409)
    assert not Customer.objects.exists() and not Contact.objects.exists()


@pytest.mark.django_db
def test_create_customer_api_with_two_primary_contacts_answers_400(users, api_client):
    body = {
        "name": "某某机械",
        "contacts": [
            {"name": "张三", "mobile": "13800138000", "is_primary": True},
            {"name": "李四", "mobile": "13900139000", "is_primary": True},
        ],
    }

    response = api_client(users[Role.AGENT]).post("/api/v1/customers", body, content_type=JSON)

    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("duplicate_primary", "contacts")
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_contact_added_as_primary_replaces_the_primary_through_the_api(users, api_client, centre):
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, name="张三", is_primary=True)

    response = api_client(users[Role.AGENT]).post(
        f"/api/v1/customers/{customer.pk}/contacts",
        {"name": "李四", "mobile": "13900139000", "is_primary": True},
        content_type=JSON,
    )

    assert response.status_code == 201, response.content
    assert primaries(customer) == ["李四"]


BEFORE = [("customers", "0004_contact_site_in_use")]
AFTER = [("customers", "0006_contact_one_primary")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_repairs_two_primary_contacts_before_adding_the_constraint(centre):
    customer = CustomerFactory(service_center=centre)
    alone = CustomerFactory(service_center=centre)
    retired_only = CustomerFactory(service_center=centre)
    apps = migrate(BEFORE)
    old = apps.get_model("customers", "Contact")

    def contact(of: Any, name: str, mobile: str, **fields: Any) -> int:
        return old.objects.create(customer_id=of.pk, name=name, mobile=mobile, **fields).pk

    # Created in this order; the retired one first, so "created first" alone would pick it.
    contact(customer, "离职者", "+8613800000001", is_primary=True, in_use=False)
    contact(customer, "张三", "+8613800000002", is_primary=True)
    contact(customer, "李四", "+8613800000003", is_primary=True)
    contact(customer, "王五", "+8613800000004")
    later_but_older = contact(customer, "赵六", "+8613800000005", is_primary=True)
    old.objects.filter(pk=later_but_older).update(created_at=old.objects.get(name="张三").created_at)
    contact(alone, "孙七", "+8613800000006", is_primary=True)
    contact(retired_only, "周八", "+8613800000007", is_primary=True, in_use=False)

    try:
        apps = migrate(AFTER)
        new = apps.get_model("customers", "Contact")
        kept = new.objects.filter(is_primary=True).order_by("customer_id").values_list("customer_id", "name")
        # 张三 and 赵六 share the earliest time among those in use: the lower id decides.
        assert list(kept) == [(customer.pk, "张三"), (alone.pk, "孙七")]
        assert new.objects.count() == 7
        with pytest.raises(IntegrityError), transaction.atomic():
            new.objects.filter(name="李四").update(is_primary=True)
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
