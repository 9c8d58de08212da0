"""Two requests on one customer's contacts at the same moment, proved on PostgreSQL. Every write of a
customer's contacts locks the customer's row first (``services._lock_customer``), so the second waits
for the first and then sees what it did:

- the same mobile given to two contacts: the second is refused 409 ``duplicate_mobile`` like the
  sequential case, nothing written, instead of a server error;
- two contacts made primary: both succeed and the second is the one primary contact, as when they come
  one after the other; never two primaries (the database's constraint), never an IntegrityError."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.core.tests.threads import run_together, wait_until_blocking
from aftersales.customers import services
from aftersales.customers.models import Contact
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory
from aftersales.history.models import Activity

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="unique-index races are proved on PostgreSQL"),
]
MOBILE = "+8613900139000"


def _second_while_first_is_open(first: Callable[[], Any], second: Callable[[], Any]) -> Any:
    """Run ``first`` in a transaction of this thread, start ``second`` in its own thread and
    connection, commit once ``second`` waits on the row ``first`` wrote; what ``second`` returned
    or raised."""
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(second())
        except Exception as exc:  # noqa: BLE001  (the test inspects it)
            result.append(exc)
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    with transaction.atomic():
        first()
        worker.start()
        waited = wait_until_blocking(1, timeout=20)  # the second INSERT/UPDATE waits on the unique index
    worker.join(timeout=30)
    assert waited, result
    (outcome,) = result
    return outcome


def test_two_contacts_added_with_the_same_mobile_at_once_answer_409(centre: Any, users: dict[str, Any]):
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    data = services.ContactData(name="李四", mobile=MOBILE)

    outcome = _second_while_first_is_open(
        lambda: services.add_contact(customer=customer, by=agent, data=data),
        lambda: services.add_contact(customer=customer, by=agent, data=services.ContactData("王五", MOBILE)),
    )

    assert isinstance(outcome, DomainError), outcome
    assert (outcome.code, outcome.field, outcome.status) == ("duplicate_mobile", "mobile", 409)
    assert list(Contact.objects.filter(customer=customer).values_list("name", flat=True)) == ["李四"]
    assert Activity.objects.filter(type="customer.contact_added").count() == 1


def test_a_contact_changed_to_a_number_added_at_the_same_moment_answers_409(centre: Any, users: dict[str, Any]):
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    other = ContactFactory(customer=customer, name="张三", mobile="+8613800138000")
    data = services.ContactData(name="李四", mobile=MOBILE)

    outcome = _second_while_first_is_open(
        lambda: services.add_contact(customer=customer, by=agent, data=data),
        lambda: services.update_contact(contact=other, by=agent, mobile=MOBILE),
    )

    assert isinstance(outcome, DomainError), outcome
    assert (outcome.code, outcome.field, outcome.status) == ("duplicate_mobile", "mobile", 409)
    other.refresh_from_db()
    assert other.mobile == "+8613800138000"
    assert not Activity.objects.filter(type="customer.contact_updated").exists()


def primaries(customer: Any) -> list[str]:
    return list(Contact.objects.filter(customer=customer, is_primary=True).values_list("name", flat=True))


def test_two_contacts_added_as_primary_at_once_leave_one_primary_the_second(centre: Any, users: dict[str, Any]):
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    ContactFactory(customer=customer, name="张三", is_primary=True)

    outcome = _second_while_first_is_open(
        lambda: services.add_contact(customer=customer, by=agent, data=services.ContactData("李四", MOBILE, True)),
        lambda: services.add_contact(
            customer=customer, by=agent, data=services.ContactData("王五", "+8613700137000", True)
        ),
    )

    assert isinstance(outcome, Contact), outcome
    assert primaries(customer) == ["王五"]
    assert Activity.objects.filter(type="customer.contact_added").count() == 2


def test_a_contact_made_primary_while_one_is_added_as_primary_leaves_one_primary(centre: Any, users: dict[str, Any]):
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    other = ContactFactory(customer=customer, name="张三")

    outcome = _second_while_first_is_open(
        lambda: services.add_contact(customer=customer, by=agent, data=services.ContactData("李四", MOBILE, True)),
        lambda: services.update_contact(contact=other, by=agent, is_primary=True),
    )

    assert isinstance(outcome, Contact), outcome
    assert primaries(customer) == ["张三"]


def test_a_contact_added_as_primary_while_another_is_made_primary_leaves_one_primary(
    centre: Any, users: dict[str, Any]
):
    """The other way round: the edit holds the customer's row, the new contact waits for it (and its
    foreign key, checked on the customer at commit, does not deadlock with the edit's lock)."""
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    other = ContactFactory(customer=customer, name="张三")

    outcome = _second_while_first_is_open(
        lambda: services.update_contact(contact=other, by=agent, is_primary=True),
        lambda: services.add_contact(customer=customer, by=agent, data=services.ContactData("李四", MOBILE, True)),
    )

    assert isinstance(outcome, Contact), outcome
    assert primaries(customer) == ["李四"]


def test_primary_contacts_written_together_leave_exactly_one_primary(centre: Any, users: dict[str, Any]):
    """Released together, in no order: each answers without an error and one primary is left (the
    contact of whichever ran last)."""
    agent = users[Role.AGENT]
    customer = CustomerFactory(service_center=centre)
    edited = ContactFactory(customer=customer, name="张三")
    retired = ContactFactory(customer=customer, name="赵六", is_primary=True)

    outcomes = run_together(
        lambda: services.add_contact(customer=customer, by=agent, data=services.ContactData("李四", MOBILE, True)),
        lambda: services.add_contact(
            customer=customer, by=agent, data=services.ContactData("王五", "+8613700137000", True)
        ),
        lambda: services.update_contact(contact=edited, by=agent, is_primary=True),
        lambda: services.set_contact_in_use(contact=retired, by=agent, in_use=False),
    )

    assert all(isinstance(outcome, Contact) for outcome in outcomes), outcomes
    assert len(primaries(customer)) == 1
    assert primaries(customer)[0] in {"李四", "王五", "张三"}
