"""SLA policy settings screens."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.choices import Role
from aftersales.service.choices import OrderKind
from aftersales.service.models import SlaPolicy

pytestmark = pytest.mark.django_db


def test_sla_list_has_one_row_per_kind(client, users):
    client.force_login(users[Role.MANAGER])

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/settings/sla/")

    assert response.status_code == 200
    assert len(response.context["rows"]) == len(OrderKind.values)
    assert len(ctx.captured_queries) <= 6


def test_manager_edits_sla_policy(client, users):
    policy = SlaPolicy.objects.get(kind=OrderKind.REPAIR)
    client.force_login(users[Role.MANAGER])

    response = client.post(
        f"/settings/sla/{policy.pk}/",
        {"response_hours": 12, "resolution_working_days": 5, "at_risk_working_days": 1},
    )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.response_hours, policy.resolution_working_days, policy.at_risk_working_days) == (12, 5, 1)


def test_sla_form_error_next_to_field_and_nothing_written(client, users):
    policy = SlaPolicy.objects.get(kind=OrderKind.REPAIR)
    client.force_login(users[Role.ADMIN])

    response = client.post(
        f"/settings/sla/{policy.pk}/",
        {"response_hours": 12, "resolution_working_days": 3, "at_risk_working_days": 3},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["at_risk_working_days"]
    assert 'id="id_at_risk_working_days_error"' in response.content.decode()
    policy.refresh_from_db()
    assert policy.response_hours == 24


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.AGENT])
def test_sla_forbidden(client, users, role):
    policy = SlaPolicy.objects.get(kind=OrderKind.REPAIR)
    client.force_login(users[role])

    assert client.get("/settings/sla/").status_code == 403
    assert client.post(f"/settings/sla/{policy.pk}/", {"response_hours": 1}).status_code == 403
