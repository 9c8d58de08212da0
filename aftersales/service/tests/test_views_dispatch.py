"""Dispatch board: what it lists, assign and reassign per row, the conflict shown plainly, N+1."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service.models import OrderEvent, ServiceOrder
from aftersales.service.services import assign_technician
from aftersales.service.tests.factories import make_order

pytestmark = pytest.mark.django_db

BOARD = "/dispatch/"
HTMX = {"HX-Request": "true"}


def assign_url(order: ServiceOrder) -> str:
    return f"/dispatch/orders/{order.pk}/assign/"


@pytest.fixture
def dispatcher_client(client, users):
    client.force_login(users[Role.DISPATCHER])
    return client


@pytest.fixture
def technicians(centre, users):
    second = UserFactory(
        username="tech2-sh", role=Role.TECHNICIAN, service_center=centre, first_name="师傅", last_name="李"
    )
    return users[Role.TECHNICIAN], second


def order_in(centre, users, **kwargs) -> ServiceOrder:
    return make_order(by=users[Role.AGENT], customer=CustomerFactory(service_center=centre), **kwargs)


def test_board_lists_unassigned_and_at_risk_orders_and_technicians(dispatcher_client, centre, users, technicians):
    unassigned = order_in(centre, users)
    assigned_on_track = order_in(centre, users)
    assign_technician(assigned_on_track, by=users[Role.DISPATCHER], technician=technicians[0])
    overdue = order_in(centre, users)
    assign_technician(overdue, by=users[Role.DISPATCHER], technician=technicians[1])
    ServiceOrder.objects.filter(pk=overdue.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1), at_risk_at=timezone.now() - datetime.timedelta(days=1)
    )

    response = dispatcher_client.get(BOARD)

    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="dispatch-row-{unassigned.pk}"' in body
    assert f'id="dispatch-row-{overdue.pk}"' in body
    assert f'id="dispatch-row-{assigned_on_track.pk}"' not in body
    assert 'data-status="overdue"' in body
    assert str(technicians[1]) in body and centre.name in body
    assert assigned_on_track.number in body  # among the technician's jobs on the right


def test_board_puts_a_missed_response_first_and_shows_it_when_assigned(dispatcher_client, centre, users, technicians):
    """Found by hand, 2026-12-06: ordered by the due time alone, an order nobody had answered for 10 hours
    stood 13th of 14 below orders on track, and an assigned one not answered in time was not shown."""
    now = timezone.now()
    answered_due_tomorrow = order_in(centre, users)
    unanswered = order_in(centre, users)
    assigned_unanswered = order_in(centre, users)
    assign_technician(assigned_unanswered, by=users[Role.DISPATCHER], technician=technicians[0])
    ServiceOrder.objects.filter(pk=answered_due_tomorrow.pk).update(
        responded_at=now, due_at=now + datetime.timedelta(days=1), at_risk_at=now + datetime.timedelta(hours=20)
    )
    for order in (unanswered, assigned_unanswered):
        ServiceOrder.objects.filter(pk=order.pk).update(
            responded_at=None,
            respond_by=now - datetime.timedelta(hours=10),
            due_at=now + datetime.timedelta(days=3),
            at_risk_at=now + datetime.timedelta(days=2),
        )

    body = dispatcher_client.get(BOARD).content.decode()

    rows = [body.index(f'id="dispatch-row-{order.pk}"') for order in (unanswered, answered_due_tomorrow)]
    assert rows == sorted(rows)
    assert f'id="dispatch-row-{assigned_unanswered.pk}"' in body


def test_board_row_shows_the_respond_by_time_it_is_ordered_by(dispatcher_client, centre, users, technicians):
    """Found by a screen review, 2026-12-07: the board is ordered by the respond-by time while nobody has
    responded, but the row showed only the due time, so an order due in three weeks stood above one due
    today with nothing on screen to say why."""
    now = timezone.localtime()
    unanswered = order_in(centre, users)
    answered = order_in(centre, users)
    respond_by = (now + datetime.timedelta(hours=5)).replace(second=0, microsecond=0)
    ServiceOrder.objects.filter(pk=unanswered.pk).update(
        responded_at=None, respond_by=respond_by, due_at=now + datetime.timedelta(days=20)
    )
    ServiceOrder.objects.filter(pk=answered.pk).update(responded_at=now, due_at=now + datetime.timedelta(days=2))

    body = dispatcher_client.get(BOARD).content.decode()

    def row(order: ServiceOrder) -> str:
        start = body.index(f'id="dispatch-row-{order.pk}"')
        return body[start : body.index("</tr>", start)]

    assert "data-respond-by" in row(unanswered)
    assert f"响应时限 {respond_by:%m-%d %H:%M}" in row(unanswered)
    assert "data-respond-by" not in row(answered)


def test_board_refused_to_agents(client, users):
    client.force_login(users[Role.AGENT])

    assert client.get(BOARD).status_code == 403


def test_assign_from_the_row_swaps_the_row(dispatcher_client, centre, users, technicians):
    order = order_in(centre, users)

    response = dispatcher_client.post(
        assign_url(order),
        {"technician": technicians[1].pk, "version": order.version, "seen_technician": ""},
        headers=HTMX,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<tr")
    assert f'id="dispatch-row-{order.pk}"' in body
    assert "dispatch-row-success" in body
    assert f"已派给 {technicians[1]}。" in body and "已改派给" not in body
    assert response["HX-Trigger"] == "dispatch-changed"
    order.refresh_from_db()
    assert order.technician == technicians[1]
    assert order.status == "dispatched"


def test_the_technician_picker_starts_on_an_empty_choice(dispatcher_client, centre, users, technicians):
    """Found in a screen review, 2026-12-07: each row's picker preselected the first technician, so a click
    on 派工 without a choice gave the order to whoever came first."""
    order = order_in(centre, users)

    body = dispatcher_client.get(BOARD).content.decode()

    picker = re.search(rf'<select [^>]*id="tech-{order.pk}"[^>]*>(.*?)</select>', body, re.S)
    assert picker is not None
    options = re.findall(r"<option[^>]*>[^<]*</option>", picker.group(1))
    assert options[0] == '<option value="">选择技术服务人员…</option>'
    assert len(options) == 3 and not any("selected" in option for option in options)


def test_the_pickers_english_prompt_is_short_enough_for_its_box(dispatcher_client, centre, users, technicians):
    """Found in a screen walk, 2026-12-07: in English the 8rem picker read "Choose a techni…"."""
    order = order_in(centre, users)
    dispatcher_client.cookies["django_language"] = "en"

    body = dispatcher_client.get(BOARD).content.decode()

    picker = re.search(rf'<select [^>]*id="tech-{order.pk}"[^>]*>(.*?)</select>', body, re.S)
    assert picker is not None
    assert re.findall(r"<option[^>]*>[^<]*</option>", picker.group(1))[0] == '<option value="">Technician…</option>'


def test_assign_without_a_technician_is_refused_at_the_field(dispatcher_client, centre, users, technicians):
    order = order_in(centre, users)
    status, events = order.status, OrderEvent.objects.filter(order=order).count()

    response = dispatcher_client.post(
        assign_url(order), {"technician": "", "version": order.version, "seen_technician": ""}, headers=HTMX
    )

    assert response["X-Dispatch-Result"] == "400"
    body = response.content.decode()
    error = f'<div class="invalid-feedback d-block" id="tech-{order.pk}-error" role="alert">请选择技术服务人员。</div>'
    assert error in body
    assert f'aria-invalid="true" aria-describedby="tech-{order.pk}-error"' in body
    assert "dispatch-row-danger" not in body  # at the field, not as the row's message
    order.refresh_from_db()
    assert order.technician is None and order.status == status
    assert OrderEvent.objects.filter(order=order).count() == events


def test_assign_without_htmx_redirects_to_the_board(dispatcher_client, centre, users, technicians):
    order = order_in(centre, users)

    response = dispatcher_client.post(assign_url(order), {"technician": technicians[0].pk, "seen_technician": ""})

    assert response.status_code == 302 and response["Location"] == BOARD
    order.refresh_from_db()
    assert order.technician == technicians[0]


def test_reassign_needs_a_reason(dispatcher_client, centre, users, technicians):
    order = order_in(centre, users)
    order = assign_technician(order, by=users[Role.DISPATCHER], technician=technicians[0])

    response = dispatcher_client.post(
        assign_url(order),
        {"technician": technicians[1].pk, "reason": "", "version": order.version, "seen_technician": technicians[0].pk},
        headers=HTMX,
    )

    assert "dispatch-row-danger" in response.content.decode()
    order.refresh_from_db()
    assert order.technician == technicians[0]


def test_reassign_with_reason(dispatcher_client, centre, users, technicians):
    order = order_in(centre, users)
    order = assign_technician(order, by=users[Role.DISPATCHER], technician=technicians[0])

    response = dispatcher_client.post(
        assign_url(order),
        {
            "technician": technicians[1].pk,
            "reason": "张师傅请假",
            "version": order.version,
            "seen_technician": technicians[0].pk,
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert f"已改派给 {technicians[1]}。" in body
    assert "已派给" not in body
    order.refresh_from_db()
    assert order.technician == technicians[1]
    event = OrderEvent.objects.filter(order=order, type="reassigned").get()
    assert event.reason == "张师傅请假" and event.actor == users[Role.DISPATCHER]


def test_conflict_when_someone_else_assigned_first(dispatcher_client, centre, users, technicians):
    order = order_in(centre, users)
    seen_version = order.version
    rival = UserFactory(
        username="rival-sh", role=Role.DISPATCHER, service_center=centre, first_name="调度", last_name="钱"
    )
    assign_technician(order, by=rival, technician=technicians[0])

    response = dispatcher_client.post(
        assign_url(order),
        {"technician": technicians[1].pk, "version": seen_version, "seen_technician": ""},
        headers=HTMX,
    )

    body = response.content.decode()
    assert response["X-Dispatch-Result"] == "409"
    assert "dispatch-row-warning" in body
    assert "已被" in body and str(rival) in body and str(technicians[0]) in body  # 已被 钱调度 指派给 …
    assert f'<span class="fw-semibold" data-current-technician>{technicians[0]}</span>' in body
    order.refresh_from_db()
    assert order.technician == technicians[0]


def test_stale_reassignment_is_a_conflict(dispatcher_client, centre, users, technicians):
    order = assign_technician(order_in(centre, users), by=users[Role.DISPATCHER], technician=technicians[0])
    seen = order.version
    third = UserFactory(username="tech3-sh", role=Role.TECHNICIAN, service_center=centre)
    assign_technician(order, by=users[Role.MANAGER], technician=third, reason="改派")

    response = dispatcher_client.post(
        assign_url(order),
        {"technician": technicians[1].pk, "reason": "就近", "version": seen, "seen_technician": technicians[0].pk},
        headers=HTMX,
    )

    assert response["X-Dispatch-Result"] == "409"
    order.refresh_from_db()
    assert order.technician == third
    assert str(third) in response.content.decode()


def test_assign_to_another_centres_technician_is_refused(dispatcher_client, centre, other_centre, users):
    order = order_in(centre, users)
    stranger = UserFactory(username="tech-bj", role=Role.TECHNICIAN, service_center=other_centre)

    response = dispatcher_client.post(
        assign_url(order), {"technician": stranger.pk, "seen_technician": ""}, headers=HTMX
    )

    assert "dispatch-row-danger" in response.content.decode()
    order.refresh_from_db()
    assert order.technician is None


def test_board_query_count_is_constant(dispatcher_client, centre, users, technicians):
    def measure() -> int:
        dispatcher_client.get(BOARD)  # a first request fills the shared caches (the company profile)
        with CaptureQueriesContext(connection) as ctx:
            response = dispatcher_client.get(BOARD)
        assert response.status_code == 200
        return len(ctx)

    def add(n: int) -> None:
        for i in range(n):
            order = order_in(centre, users)
            if i % 2:
                assign_technician(order, by=users[Role.DISPATCHER], technician=technicians[i % 2])
                ServiceOrder.objects.filter(pk=order.pk).update(at_risk_at=timezone.now() - datetime.timedelta(hours=1))

    add(3)
    few = measure()
    add(17)
    many = measure()

    assert many == few


def test_the_order_pages_reassign_link_shows_an_order_on_track_first(dispatcher_client, centre, users, technicians):
    """Found by a probe, 2026-12-06: "Reassign on the dispatch board" led to a board without the order
    (it lists unassigned and late orders only), so an order on track could not be given to another
    technician. The link names the order; the board shows it first, with the technicians to give it to."""
    on_track = order_in(centre, users)
    assign_technician(on_track, by=users[Role.DISPATCHER], technician=technicians[0])
    unassigned = order_in(centre, users)

    detail = dispatcher_client.get(f"/orders/{on_track.pk}/").content.decode()
    board = dispatcher_client.get(f"{BOARD}?order={on_track.pk}").content.decode()

    assert f'href="/dispatch/?order={on_track.pk}#dispatch-row-{on_track.pk}"' in detail
    assert f'id="dispatch-row-{on_track.pk}"' in board
    assert board.index(f'id="dispatch-row-{on_track.pk}"') < board.index(f'id="dispatch-row-{unassigned.pk}"')
    row = board[board.index(f'id="dispatch-row-{on_track.pk}"') :].split("</tr>")[0]
    assert str(technicians[1]) in row


def test_the_board_ignores_an_order_it_may_not_show(dispatcher_client, centre, other_centre, users):
    elsewhere = make_order(customer=CustomerFactory(service_center=other_centre))
    closed = order_in(centre, users)
    ServiceOrder.objects.filter(pk=closed.pk).update(status="closed")

    for value in (str(elsewhere.pk), str(closed.pk), "abc", "-1"):
        response = dispatcher_client.get(f"{BOARD}?order={value}")
        assert response.status_code == 200
        body = response.content.decode()
        assert f'id="dispatch-row-{elsewhere.pk}"' not in body and f'id="dispatch-row-{closed.pk}"' not in body


def test_reassigning_with_nobody_else_to_take_it_says_so(dispatcher_client, centre, users):
    """Found by a probe, 2026-12-06: "Reassign…" opened an empty list with an active Reassign button."""
    order = order_in(centre, users)
    assign_technician(order, by=users[Role.DISPATCHER], technician=users[Role.TECHNICIAN])  # the centre's only one

    board = dispatcher_client.get(f"{BOARD}?order={order.pk}").content.decode()

    row = board[board.index(f'id="dispatch-row-{order.pk}"') :].split("</tr>")[0]
    assert "dispatch-no-other" in row and "dispatch-form-reassign" not in row


def test_board_lists_the_orders_of_a_deactivated_or_moved_technician(
    dispatcher_client, centre, other_centre, users, technicians
):
    """Found in the admin review, 2026-12-07: a technician deactivated (or moved to another centre) with
    five jobs on track kept them, and the board — unassigned or late orders only — showed none of them,
    so nobody was told to give them to someone else until they turned late."""
    left, moved, staying = order_in(centre, users), order_in(centre, users), order_in(centre, users)
    third = UserFactory(username="tech3-sh", role=Role.TECHNICIAN, service_center=centre, first_name="三")
    assign_technician(left, by=users[Role.DISPATCHER], technician=technicians[0])
    assign_technician(moved, by=users[Role.DISPATCHER], technician=technicians[1])
    assign_technician(staying, by=users[Role.DISPATCHER], technician=third)
    type(third).objects.filter(pk=technicians[0].pk).update(is_active=False)
    type(third).objects.filter(pk=technicians[1].pk).update(service_center=other_centre)

    body = dispatcher_client.get(BOARD).content.decode()

    assert f'id="dispatch-row-{left.pk}"' in body
    assert f'id="dispatch-row-{moved.pk}"' in body
    assert f'id="dispatch-row-{staying.pk}"' not in body
    assert body.count("data-technician-gone") == 2


def test_a_technicians_settings_page_lists_their_open_jobs(client, centre, users, technicians):
    """Found in the admin review, 2026-12-07: deactivating a technician (or moving them to another
    centre) said nothing of the five orders they still held; their page now lists them before that."""
    job, done = order_in(centre, users), order_in(centre, users)
    assign_technician(job, by=users[Role.DISPATCHER], technician=technicians[0])
    client.force_login(users[Role.MANAGER])

    with_jobs = client.get(f"/settings/users/{technicians[0].pk}/").content.decode()
    without = client.get(f"/settings/users/{technicians[1].pk}/").content.decode()

    assert "data-open-jobs" in with_jobs and job.number in with_jobs and done.number not in with_jobs
    assert "data-open-jobs" not in without
