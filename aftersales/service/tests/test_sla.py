import datetime

import pytest

from aftersales.accounts.choices import Role
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.models import SlaPolicy
from aftersales.service.services.sla_policies import update_sla_policy
from aftersales.service.sla import policy_for
from aftersales.service.tests.factories import make_order


@pytest.mark.django_db
def test_changed_policy_applies_to_the_next_order(users, centre, django_capture_on_commit_callbacks):
    customer = CustomerFactory(service_center=centre)
    received = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC)
    before = make_order(by=users[Role.AGENT], customer=customer, received_at=received)
    policy = SlaPolicy.objects.get(kind="repair")

    with django_capture_on_commit_callbacks(execute=True):
        update_sla_policy(
            policy=policy, by=users[Role.MANAGER], response_hours=24, resolution_working_days=3, at_risk_working_days=1
        )
    after = make_order(by=users[Role.AGENT], customer=customer, received_at=received)

    assert policy_for(kind="repair", resolution="on_site") == (24, 3, 1)
    assert after.due_at < before.due_at
    assert after.due_at.date() == datetime.date(2026, 11, 5)


@pytest.mark.django_db
def test_return_to_factory_resolution_uses_its_own_policy():
    assert policy_for(kind="repair", resolution="return_to_factory") == policy_for(
        kind="return_to_factory", resolution="on_site"
    )
