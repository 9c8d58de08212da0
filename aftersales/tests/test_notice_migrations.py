"""The notices move from service to notifications and back: the data migration in both directions."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.customers.tests.factories import CustomerFactory

BEFORE = [("service", "0006_visit_rating_validators"), ("notifications", "0002_notification")]
AFTER = [("service", "0007_delete_notification"), ("notifications", "0003_copy_service_notices")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_notices_are_copied_forward_and_back_with_their_order_and_read_state():
    apps = migrate(BEFORE)
    # accounts and customers stay fully migrated: their current models write their rows.
    centre = ServiceCenterFactory()
    user = UserFactory(service_center=centre)
    customer = CustomerFactory(service_center=centre)
    now = timezone.now()
    order = apps.get_model("service", "ServiceOrder").objects.create(
        number="SO1",
        kind="repair",
        service_center_id=centre.pk,
        customer_id=customer.pk,
        reporter_name="李四",
        reporter_phone="+8613900001111",
        description="x",
        received_at=now,
        respond_by=now,
        due_at=now,
        at_risk_at=now,
        warranty_reason="no_unit",
        warranty_decided_at=now,
        created_by_id=user.pk,
    )
    old = apps.get_model("service", "Notification")
    read = old.objects.create(user_id=user.pk, order=order, message="SO1 assigned to you", read_at=now)
    old.objects.create(user_id=user.pk, order=None, message="no order")
    a_week_ago = now - datetime.timedelta(days=7)
    old.objects.filter(pk=read.pk).update(created_at=a_week_ago)

    try:
        apps = migrate(AFTER)
        moved = list(apps.get_model("notifications", "Notification").objects.order_by("id"))
        assert [(n.user_id, n.message, n.url, n.target_id, n.read_at is not None) for n in moved] == [
            (user.pk, "SO1 assigned to you", f"/orders/{order.pk}/", order.pk, True),
            (user.pk, "no order", "", None, False),
        ]
        assert (moved[0].target_type.app_label, moved[0].target_type.model) == ("service", "serviceorder")
        assert moved[0].target_type_id is not None and moved[1].target_type_id is None
        assert moved[0].created_at == a_week_ago

        apps = migrate(BEFORE)
        back = list(apps.get_model("service", "Notification").objects.order_by("id"))
        assert [(n.user_id, n.order_id, n.message, n.read_at is not None) for n in back] == [
            (user.pk, order.pk, "SO1 assigned to you", True),
            (user.pk, None, "no order", False),
        ]
        assert back[0].created_at == a_week_ago
        assert not apps.get_model("notifications", "Notification").objects.exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
