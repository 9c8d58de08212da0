from collections.abc import Callable

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.core.errors import ValidationFailed
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
