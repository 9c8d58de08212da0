"""Two requests giving two contacts of one customer the same mobile at the same moment, proved on
PostgreSQL: both pass the number check (neither sees the other's uncommitted row), the unique index
makes the second wait for the first and then refuses it — answered 409 ``duplicate_mobile`` like the
sequential case, nothing written, instead of a server error."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.core.tests.threads import wait_until_blocking
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
