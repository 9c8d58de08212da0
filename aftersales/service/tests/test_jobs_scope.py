"""A technician's scope: the orders assigned to them or helped on, with the orders helped on read first
(service.permissions.jobs_of), so PostgreSQL can use order_tech_status_idx (benchmarks/README.md)."""

import pytest
from django.db import connection
from django.db.models import Q

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.prepared import ors
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import permissions
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to
from aftersales.service.tests.factories import make_order
from aftersales.service.tests.plans import plan_with_only

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(centre, users):
    """Three orders of the centre: one assigned to the technician, one they help on, one of a colleague."""
    technician = users[Role.TECHNICIAN]
    colleague = UserFactory(username="colleague-sh", role=Role.TECHNICIAN, service_center=centre)
    customer = CustomerFactory(service_center=centre)
    own, helped, other = (make_order(by=users[Role.AGENT], customer=customer) for _ in range(3))
    ServiceOrder.objects.filter(pk=own.pk).update(technician=technician)
    ServiceOrder.objects.filter(pk__in=[helped.pk, other.pk]).update(technician=colleague)
    return technician, own, helped, other


def _as_written_before(user):
    # The scope as it was written until the helpers were read first: the same rows are expected.
    helping = ServiceOrder.helpers.through.objects.filter(user_id=user.pk).values("serviceorder_id")
    return set(ServiceOrder.objects.filter(Q(technician_id=user.pk) | Q(pk__in=helping)).values_list("pk", flat=True))


def test_a_technician_who_helps_on_nothing_is_scoped_by_the_technician_column_alone(jobs):
    technician, own, _helped, _other = jobs

    visible = orders_visible_to(technician)

    assert set(visible.values_list("pk", flat=True)) == {own.pk} == _as_written_before(technician)
    assert "service_serviceorder_helpers" not in str(visible.query)
    assert not ors(visible)


def test_the_orders_helped_on_are_read_first_and_named_by_id(jobs):
    technician, own, helped, _other = jobs
    helped.helpers.add(technician)

    visible = orders_visible_to(technician)

    assert set(visible.values_list("pk", flat=True)) == {own.pk, helped.pk} == _as_written_before(technician)
    assert "service_serviceorder_helpers" not in str(visible.query)
    assert ors(visible)


def test_beyond_the_limit_the_orders_helped_on_stay_a_subquery(jobs, monkeypatch):
    technician, own, helped, other = jobs
    helped.helpers.add(technician)
    other.helpers.add(technician)
    monkeypatch.setattr(permissions, "HELPING_IDS_LIMIT", 1)

    visible = orders_visible_to(technician)

    assert set(visible.values_list("pk", flat=True)) == {own.pk, helped.pk, other.pk}
    assert set(visible.values_list("pk", flat=True)) == _as_written_before(technician)
    assert "service_serviceorder_helpers" in str(visible.query)


def test_desk_roles_keep_the_centre_scope(jobs, users):
    visible = orders_visible_to(users[Role.DISPATCHER])

    assert visible.count() == 3
    assert not ors(visible)


def test_an_inactive_technician_and_a_user_without_an_id_see_nothing(jobs):
    from django.contrib.auth.models import AnonymousUser

    technician, _own, _helped, _other = jobs
    technician.is_active = False

    assert not orders_visible_to(technician).exists()
    assert not ServiceOrder.objects.filter(permissions.jobs_of(AnonymousUser())).exists()


def test_my_jobs_of_a_desk_role_are_its_own_jobs_not_the_centres(jobs, users):
    from aftersales.service.views.technician import _my_jobs

    dispatcher = users[Role.DISPATCHER]
    _technician, own, helped, other = jobs
    ServiceOrder.objects.filter(pk=own.pk).update(technician=dispatcher)
    helped.helpers.add(dispatcher)
    ServiceOrder.objects.filter(pk__in=[own.pk, helped.pk, other.pk]).update(status="dispatched")

    assert {order.pk for order in _my_jobs(dispatcher)} == {own.pk, helped.pk}


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.DISPATCHER])
def test_jobs_visible_to_reads_the_orders_helped_on_once(jobs, users, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = jobs[0] if role == Role.TECHNICIAN else users[role]
    _technician, own, helped, _other = jobs
    ServiceOrder.objects.filter(pk=own.pk).update(technician=user)
    helped.helpers.add(user)

    with CaptureQueriesContext(connection) as queries:
        found = {order.pk for order in permissions.jobs_visible_to(user)}

    assert found == {own.pk, helped.pk}
    assert sum("service_serviceorder_helpers" in q["sql"] for q in queries.captured_queries) == 1
    assert len(queries) == 2


def test_the_api_lists_the_orders_helped_on_and_no_others(jobs, api_client):
    technician, own, helped, _other = jobs
    helped.helpers.add(technician)

    body = api_client(technician).get("/api/v1/orders").json()

    assert [row["id"] for row in body["items"]] == sorted([own.pk, helped.pk], reverse=True)


def test_my_jobs_shows_the_jobs_helped_on(jobs, client):
    technician, own, helped, other = jobs
    helped.helpers.add(technician)
    ServiceOrder.objects.filter(pk__in=[own.pk, helped.pk, other.pk]).update(status="dispatched")
    client.force_login(technician)

    html = client.get("/tech/").content.decode()

    assert own.number in html and helped.number in html
    assert other.number not in html


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (Q(status="new"), False),
        (Q(status="new", service_center_id=1), False),
        (Q(status="new") & Q(customer_id=1), False),
        (Q(status="new") | Q(customer_id=1), True),
        (Q(status="new") & (Q(customer_id=1) | Q(unit_id=2)), True),
        (~Q(status="new", customer_id=1), True),
        (~Q(status="new"), False),
        (~(Q(status="new") | Q(customer_id=1)), False),  # neither a nor b: a conjunction
        (~Q(Q(status="new", customer_id=1), _connector=Q.OR), True),  # one negated AND inside an OR node
        (Q(status="new") ^ Q(customer_id=1), True),
    ],
)
def test_ors_finds_a_disjunction_at_any_depth(condition, expected):
    assert ors(ServiceOrder.objects.filter(condition)) is expected


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_page_of_my_jobs_is_a_range_of_the_jobs_index_by_due_time(jobs):
    from aftersales.service.views.technician import JOBS_PAGE_SIZE, _my_jobs

    technician, *_ = jobs
    sql, params = _my_jobs(technician)[: JOBS_PAGE_SIZE + 1].query.sql_with_params()

    plan = plan_with_only(sql, "order_tech_jobs_idx", params)

    # In due order from the index: with only order_due_idx in that order, PostgreSQL walked every
    # order's due date, the closed ones first (121,584 rows for a page at 1,000,000 orders).
    assert "order_tech_jobs_idx" in plan
    assert "Sort" not in plan
