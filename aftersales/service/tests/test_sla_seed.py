"""The data migration seeds one SLA policy per order kind with the source's defaults."""

import pytest

from aftersales.service.choices import OrderKind
from aftersales.service.models import SlaPolicy
from aftersales.service.sla import DEFAULT_POLICIES


@pytest.mark.django_db
def test_sla_policies_seeded_with_the_defaults():
    rows = {
        p.kind: (p.response_hours, p.resolution_working_days, p.at_risk_working_days) for p in SlaPolicy.objects.all()
    }

    assert set(rows) == set(OrderKind.values)
    assert rows == {str(kind): value for kind, value in DEFAULT_POLICIES.items()}
