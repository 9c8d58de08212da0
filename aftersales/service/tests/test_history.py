from collections.abc import Callable

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.selectors import activity_for
from aftersales.history.testing import old_new, only_activity
from aftersales.service.models import SlaPolicy
from aftersales.service.services.sla_policies import update_sla_policy

pytestmark = pytest.mark.django_db


def test_update_sla_policy_records_old_and_new(users: dict[str, User]) -> None:
    policy = SlaPolicy.objects.get(kind="repair")
    before = (policy.response_hours, policy.resolution_working_days)

    update_sla_policy(
        policy=policy, by=users[Role.MANAGER], response_hours=8, resolution_working_days=9, at_risk_working_days=1
    )

    activity = only_activity(policy)
    assert activity.type == "sla_policy.updated"
    changes = old_new(activity)
    assert changes["response_hours"] == (before[0], 8)
    assert changes["resolution_working_days"] == (before[1], 9)


def test_refused_sla_change_records_nothing(users: dict[str, User]) -> None:
    policy = SlaPolicy.objects.get(kind="repair")

    with pytest.raises(ValidationFailed):
        update_sla_policy(
            policy=policy, by=users[Role.MANAGER], response_hours=0, resolution_working_days=9, at_risk_working_days=1
        )

    assert not activity_for(policy).exists()


def test_sla_history_is_for_settings_roles_only(users: dict[str, User], api_client: Callable) -> None:
    policy = SlaPolicy.objects.get(kind="repair")
    update_sla_policy(
        policy=policy, by=users[Role.MANAGER], response_hours=8, resolution_working_days=9, at_risk_working_days=1
    )

    assert api_client(users[Role.MANAGER]).get(f"/api/v1/history/sla_policy/{policy.pk}").status_code == 200
    assert api_client(users[Role.AGENT]).get(f"/api/v1/history/sla_policy/{policy.pk}").status_code == 404


def test_sla_edit_page_shows_its_history(client, users: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    policy = SlaPolicy.objects.get(kind="repair")
    update_sla_policy(
        policy=policy, by=users[Role.MANAGER], response_hours=7, resolution_working_days=9, at_risk_working_days=1
    )
    client.force_login(users[Role.MANAGER])

    page = client.get(f"/settings/sla/{policy.pk}/").content.decode()

    assert "history-panel" in page
    assert "修改时效规则" in page
    assert '<span class="order-new">7</span>' in page


def test_order_page_shows_a_proof_of_purchase_changed_after_intake(client, users: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    import datetime

    from aftersales.installed_base.services import update_proof_of_purchase
    from aftersales.service.tests.factories import make_order

    agent = users[Role.AGENT]
    order = make_order(by=agent, customer=CustomerFactory(service_center=agent.service_center))
    update_proof_of_purchase(
        unit=order.unit, by=agent, purchase_date=datetime.date(2020, 1, 2), seller="own", reason="发票日期录错"
    )
    client.force_login(users[Role.DISPATCHER])

    page = client.get(f"/orders/{order.pk}/").content.decode()

    assert 'id="h-record-changes"' in page
    assert "修改购买凭证" in page
    assert "2020-01-02" in page
    assert "发票日期录错" in page


def test_order_page_without_record_changes_has_no_such_card(client, users: dict[str, User]) -> None:  # type: ignore[no-untyped-def]
    from aftersales.service.tests.factories import make_order

    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=users[Role.AGENT].service_center))
    client.force_login(users[Role.AGENT])

    page = client.get(f"/orders/{order.pk}/").content.decode()

    assert 'id="h-record-changes"' not in page
