"""Walk every (from, to) pair of OrderStatus through ``transition_order`` (STYLE.md "What we do" 4).

The allowed moves are written out here rather than read from ``transitions.ALLOWED`` so that a
change to the table has to change this test too.
"""

import datetime
import io
import itertools
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import services
from aftersales.service.choices import EventType, OrderKind
from aftersales.service.choices import OrderStatus as S
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.selectors import available_moves
from aftersales.service.tests.factories import make_order
from aftersales.service.transitions import ALLOWED, MADE_BY_ACTION

# (from, to) -> the role that makes the move in the test (one of the roles allowed to).
EXPECTED_ALLOWED: dict[tuple[str, str], str] = {
    (S.NEW, S.ACCEPTED): Role.AGENT,
    (S.NEW, S.CLOSED): Role.AGENT,
    (S.NEW, S.CANCELLED): Role.AGENT,
    (S.ACCEPTED, S.DISPATCHED): Role.DISPATCHER,
    (S.ACCEPTED, S.CANCELLED): Role.AGENT,
    (S.DISPATCHED, S.ON_SITE): Role.TECHNICIAN,
    (S.DISPATCHED, S.WAITING): Role.TECHNICIAN,
    (S.DISPATCHED, S.CANCELLED): Role.DISPATCHER,
    (S.ON_SITE, S.WAITING): Role.TECHNICIAN,
    (S.ON_SITE, S.COMPLETED): Role.TECHNICIAN,
    (S.ON_SITE, S.CANCELLED): Role.MANAGER,
    (S.WAITING, S.ON_SITE): Role.TECHNICIAN,
    (S.WAITING, S.DISPATCHED): Role.DISPATCHER,
    (S.WAITING, S.COMPLETED): Role.TECHNICIAN,
    (S.WAITING, S.CANCELLED): Role.AGENT,
    (S.COMPLETED, S.CLOSED): Role.MANAGER,
    (S.COMPLETED, S.ON_SITE): Role.MANAGER,
    (S.CLOSED, S.ACCEPTED): Role.MANAGER,
}
# Moves that only their own service makes (the generic transition refuses them with visit_required).
EXPECTED_MADE_BY_ACTION = {(S.DISPATCHED, S.ON_SITE): "record_visit"}
ALL_PAIRS = list(itertools.product(S.values, S.values))
NOT_ALLOWED = [pair for pair in ALL_PAIRS if pair not in EXPECTED_ALLOWED]


def signature() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("sig.png", buffer.getvalue(), content_type="image/png")


class Builder:
    """Brings an order to each status through the services only."""

    def __init__(self, users: dict[str, Any], centre: Any) -> None:
        self.users = users
        self.customer = CustomerFactory(service_center=centre)

    def new(self, **kwargs: Any) -> ServiceOrder:
        return make_order(by=self.users[Role.AGENT], customer=self.customer, **kwargs)

    def accepted(self) -> ServiceOrder:
        return services.transition_order(self.new(), to=S.ACCEPTED, by=self.users[Role.AGENT])

    def dispatched(self) -> ServiceOrder:
        tech = self.users[Role.TECHNICIAN]
        return services.assign_technician(self.new(), by=self.users[Role.DISPATCHER], technician=tech)

    def on_site(self, *, signed: bool = False) -> ServiceOrder:
        order = self.dispatched()
        visit = services.record_visit(order, by=self.users[Role.TECHNICIAN], diagnosis="检查")
        if signed:
            services.sign_visit(visit, by=self.users[Role.TECHNICIAN], signer_name="王五", image=signature())
        return ServiceOrder.objects.get(pk=order.pk)

    def waiting(self, *, signed: bool = False) -> ServiceOrder:
        order = self.on_site(signed=signed)
        return services.transition_order(order, to=S.WAITING, by=self.users[Role.TECHNICIAN], waiting_for="parts")

    def completed(self) -> ServiceOrder:
        order = self.on_site(signed=True)
        return services.transition_order(order, to=S.COMPLETED, by=self.users[Role.TECHNICIAN])

    def closed(self) -> ServiceOrder:
        return services.transition_order(self.completed(), to=S.CLOSED, by=self.users[Role.MANAGER])

    def cancelled(self) -> ServiceOrder:
        return services.transition_order(self.new(), to=S.CANCELLED, by=self.users[Role.AGENT], reason="客户撤回")

    def in_state(self, status: str) -> ServiceOrder:
        return getattr(self, status)()

    def ready_for(self, source: str, target: str) -> ServiceOrder:
        """An order in ``source`` that meets the preconditions of the move to ``target``."""
        if (source, target) == (S.NEW, S.CLOSED):
            return self.new(kind=OrderKind.CONSULTATION, consultation_answer="已电话指导复位", with_unit=False)
        if (source, target) == (S.ACCEPTED, S.DISPATCHED):
            # An accepted order with a technician: a reopened one keeps its technician.
            return services.transition_order(self.closed(), to=S.ACCEPTED, by=self.users[Role.MANAGER], reason="复发")
        if target == S.COMPLETED:
            return self.on_site(signed=True) if source == S.ON_SITE else self.waiting(signed=True)
        return self.in_state(source)


@pytest.fixture
def builder(users: dict[str, Any], centre: Any) -> Builder:
    return Builder(users, centre)


def test_expected_table_matches_transitions_module():
    assert set(ALLOWED) == set(EXPECTED_ALLOWED)
    assert MADE_BY_ACTION == EXPECTED_MADE_BY_ACTION


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), list(EXPECTED_ALLOWED))
def test_transition_allowed_pair_succeeds(source, target, builder, users):
    order = builder.ready_for(source, target)
    assert order.status == source
    version = order.version

    moved = services.transition_order(
        order,
        to=target,
        by=users[EXPECTED_ALLOWED[(source, target)]],
        reason="测试原因",
        waiting_for="parts",
        action=EXPECTED_MADE_BY_ACTION.get((source, target), ""),
    )

    moved.refresh_from_db()
    assert moved.status == target
    assert moved.version == version + 1
    assert moved.waiting_for == ("parts" if target == S.WAITING else "")
    event = OrderEvent.objects.filter(order=moved).latest("id")
    assert (event.type, event.from_status, event.to_status) == (EventType.STATUS_CHANGED, source, target)
    assert event.actor == users[EXPECTED_ALLOWED[(source, target)]]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), NOT_ALLOWED)
def test_transition_not_allowed_pair_answers_conflict(source, target, builder, users):
    order = builder.in_state(source)
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=target, by=users[Role.ADMIN], reason="测试原因", waiting_for="parts")

    assert caught.value.code == "transition_not_allowed"
    # The moves this user can make now, as the order's ``allowed_transitions`` lists them: the table's
    # targets less those a precondition refuses (QA, 2026-12-07: a new repair's answer offered "closed").
    allowed = caught.value.extra["allowed"]
    assert allowed == available_moves(user=users[Role.ADMIN], order=ServiceOrder.objects.get(pk=order.pk))
    assert set(allowed) <= {t for (s, t) in EXPECTED_ALLOWED if s == source and t != s}
    assert ServiceOrder.objects.get(pk=order.pk).status == source
    assert OrderEvent.objects.filter(order=order).count() == events


# ---- the checks beyond the table ---------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), list(EXPECTED_MADE_BY_ACTION))
@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.DISPATCHER, Role.MANAGER, Role.ADMIN])
def test_move_made_by_an_action_is_refused_as_a_plain_transition(source, target, role, builder, users):
    order = builder.in_state(source)
    events = OrderEvent.objects.filter(order=order).count()

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=target, by=users[role], reason="测试原因")

    assert (caught.value.code, caught.value.extra["action"]) == ("visit_required", "record_visit")
    assert f"/api/v1/orders/{order.pk}/visits" in caught.value.detail
    assert ServiceOrder.objects.get(pk=order.pk).status == source
    assert OrderEvent.objects.filter(order=order).count() == events
    assert target not in available_moves(user=users[role], order=order, visits_signed=False)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PARTS_KEEPER, Role.FINANCE, Role.GENERAL_MANAGER])
def test_transition_by_role_outside_table_is_forbidden(role, builder, users):
    order = builder.new()

    with pytest.raises(PermissionDeniedError):
        services.transition_order(order, to=S.ACCEPTED, by=users[role])

    assert ServiceOrder.objects.get(pk=order.pk).status == S.NEW


@pytest.mark.django_db
def test_transition_by_technician_not_assigned_is_not_found(builder, users, centre):
    """An order that is not one of the technician's jobs is outside their scope: 404, not 403."""
    order = builder.dispatched()
    colleague = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_center=centre)

    with pytest.raises(NotFoundError):
        services.transition_order(order, to=S.ON_SITE, by=colleague)
    with pytest.raises(NotFoundError):
        services.transition_order(builder.new(), to=S.ACCEPTED, by=users[Role.TECHNICIAN])

    assert ServiceOrder.objects.get(pk=order.pk).status == S.DISPATCHED


@pytest.mark.django_db
def test_transition_cancel_without_reason_is_refused(builder, users):
    order = builder.new()

    with pytest.raises(ValidationFailed) as caught:
        services.transition_order(order, to=S.CANCELLED, by=users[Role.AGENT])

    assert caught.value.code == "reason_required"
    assert ServiceOrder.objects.get(pk=order.pk).status == S.NEW


@pytest.mark.django_db
def test_transition_complete_without_signature_is_refused(builder, users):
    order = builder.on_site()

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=S.COMPLETED, by=users[Role.TECHNICIAN])

    assert caught.value.code == "signature_required"


@pytest.mark.django_db
def test_transition_close_repair_at_intake_is_refused(builder, users):
    order = builder.new()

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=S.CLOSED, by=users[Role.AGENT])

    assert caught.value.code == "transition_not_allowed"


@pytest.mark.django_db
def test_transition_dispatch_without_technician_is_refused(builder, users):
    order = builder.accepted()

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=S.DISPATCHED, by=users[Role.DISPATCHER])

    assert caught.value.code == "not_assigned"


@pytest.mark.django_db
def test_transition_reopen_after_limit_is_refused(builder, users, settings):
    order = builder.closed()
    ServiceOrder.objects.filter(pk=order.pk).update(closed_at=timezone.now() - datetime.timedelta(days=31))
    settings.AFTERSALES = {**settings.AFTERSALES, "REOPEN_WITHIN_DAYS": 30}

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=S.ACCEPTED, by=users[Role.MANAGER], reason="复发")

    assert caught.value.code == "reopen_too_late"
    assert ServiceOrder.objects.get(pk=order.pk).status == S.CLOSED


@pytest.mark.django_db
def test_transition_to_waiting_without_what_for_is_refused(builder, users):
    order = builder.on_site()

    with pytest.raises(ValidationFailed) as caught:
        services.transition_order(order, to=S.WAITING, by=users[Role.TECHNICIAN])

    assert caught.value.field == "waiting_for"


@pytest.mark.django_db
def test_transition_with_stale_version_is_refused(builder, users):
    order = builder.new()

    with pytest.raises(ConflictError) as caught:
        services.transition_order(order, to=S.ACCEPTED, by=users[Role.AGENT], expected_version=order.version - 1)

    assert caught.value.code == "stale_version"
    assert caught.value.extra["current_version"] == order.version


@pytest.mark.django_db
def test_helper_may_put_the_order_on_site_but_not_complete_it(users, centre):
    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.core.errors import PermissionDeniedError
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.service.services import assign_technician, record_visit, transition_order
    from aftersales.service.tests.factories import make_order

    order = make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre))
    helper = UserFactory(role=Role.TECHNICIAN, service_center=centre)
    assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN], helpers=[helper])

    record_visit(order, by=helper)
    order.refresh_from_db()

    assert order.status == S.ON_SITE
    with pytest.raises(PermissionDeniedError):
        transition_order(order, to=S.COMPLETED, by=helper)
