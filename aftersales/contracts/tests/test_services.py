import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.care.models import Complaint, FollowUpTask
from aftersales.care.services import open_complaint
from aftersales.contracts import selectors, services
from aftersales.contracts.choices import ContractStatus, EntryKind, VisitStatus
from aftersales.contracts.models import Contract, ContractVisit, LedgerEntry, Problem, Project, VisitPlan
from aftersales.contracts.services.visits import mark_missed, open_visit_orders, run_visit_sweep
from aftersales.contracts.tests.factories import (
    YEAR_END,
    YEAR_START,
    complete,
    make_contract,
    make_customer,
    with_year_plans,
)
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.coverage.selectors import coverage_prepared, decide_coverage
from aftersales.customers.services import set_contact_in_use
from aftersales.customers.tests.factories import ContactFactory
from aftersales.installed_base.tests.factories import UnitFactory
from aftersales.service import services as order_services
from aftersales.service.choices import OrderKind, OrderStatus

D = datetime.date


@pytest.fixture
def manager(users):
    return users["manager"]


def test_a_year_of_visits_lands_on_working_days_of_2026(manager, centre):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    visits = list(contract.visits.select_related("plan").order_by("due_on"))
    monthly = [v for v in visits if v.plan.kind == "monthly"]
    quarterly = [v for v in visits if v.plan.kind == "quarterly"]
    assert len(monthly) == 12 and len(quarterly) == 4
    moved = {(v.planned_on, v.due_on) for v in visits if v.planned_on != v.due_on}
    # Spring Festival (15-23 Feb), National Day (1-7 Oct), New Year's Day and a Saturday move on.
    assert (D(2026, 2, 17), D(2026, 2, 24)) in moved
    assert (D(2026, 10, 1), D(2026, 10, 8)) in moved
    assert (D(2026, 1, 1), D(2026, 1, 4)) in moved
    assert (D(2026, 10, 17), D(2026, 10, 19)) in moved
    assert (D(2026, 4, 17), D(2026, 4, 17)) not in moved


def test_regenerating_creates_nothing_new(manager, centre):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    before = ContractVisit.objects.count()
    assert services.generate_visits(contract=contract) == 0
    assert services.generate_visits(today=D(2026, 1, 1)) == 0
    assert ContractVisit.objects.count() == before == 16


def test_bad_rules_are_refused_and_write_nothing(manager, centre):
    contract = make_contract(by=manager, centre=centre)
    cases = [
        ("custom", "", "rule_required"),
        ("custom", "FREQ=NEVER", "invalid_rule"),
        ("custom", "DTSTART:20260101", "invalid_rule"),
        ("custom", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "rule_empty"),
        ("custom", "FREQ=HOURLY", "too_many_visits"),
        ("custom", "FREQ=DAILY", "too_many_visits_a_day"),
        ("custom", "FREQ=HOURLY;COUNT=3", "too_many_visits_a_day"),
    ]
    for kind, rule, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.add_visit_plan(contract, by=manager, kind=kind, rule=rule)
        assert exc.value.code == code and exc.value.field == "rule"
    assert not VisitPlan.objects.exists() and not ContractVisit.objects.exists()


def test_overlapping_contract_for_a_unit_is_refused(manager, centre):
    first = make_contract(by=manager, centre=centre)
    unit = first.units.get()
    with pytest.raises(ConflictError) as exc:
        make_contract(
            by=manager,
            centre=centre,
            customer=first.customer,
            units=[unit],
            starts_on=D(2026, 12, 1),
            ends_on=D(2027, 11, 30),
        )
    assert exc.value.code == "overlapping_contract" and exc.value.field == "unit_ids"
    assert Contract.objects.count() == 1
    # After the first, or once it is cancelled, the unit may be covered again.
    make_contract(
        by=manager,
        centre=centre,
        customer=first.customer,
        units=[unit],
        starts_on=D(2027, 1, 1),
        ends_on=D(2027, 12, 31),
    )
    services.cancel_contract(first, by=manager, reason="客户解约")
    make_contract(
        by=manager,
        centre=centre,
        customer=first.customer,
        units=[unit],
        starts_on=D(2026, 6, 1),
        ends_on=D(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"ends_on": D(2025, 12, 1)}, "invalid_term", "ends_on"),
        ({"units": []}, "units_required", "unit_ids"),
        ({"price": "-1"}, "invalid_amount", "price"),
        ({"price": 1.5}, "invalid_amount", "price"),
        ({"deposit_amount": "1.234"}, "invalid_amount", "deposit_amount"),
        ({"labour_percent": 120}, "invalid_percent", "labour_percent"),
        ({"response_hours": 0}, "out_of_range", "response_hours"),
        ({"deposit_release_on": D(2025, 1, 1)}, "invalid_release_day", "deposit_release_on"),
        ({"title": ""}, "required", "title"),
    ],
)
def test_bad_contract_input_names_the_field_and_writes_nothing(manager, centre, change, code, field):
    with pytest.raises(ValidationFailed) as exc:
        make_contract(by=manager, centre=centre, **change)
    assert (exc.value.code, exc.value.field) == (code, field)
    assert not Contract.objects.exists() and not LedgerEntry.objects.exists()


def test_other_customers_unit_or_contact_is_refused(manager, centre):
    customer, stranger = make_customer(centre), make_customer(centre)
    with pytest.raises(ValidationFailed) as exc:
        make_contract(by=manager, centre=centre, customer=customer, units=[UnitFactory(customer=stranger)])
    assert exc.value.field == "unit_ids"
    with pytest.raises(ValidationFailed) as exc:
        services.create_contract(
            by=manager,
            customer=customer,
            contact=stranger.contacts.first(),
            units=[UnitFactory(customer=customer)],
            title="x",
            starts_on=YEAR_START,
            ends_on=YEAR_END,
        )
    assert exc.value.field == "contact_id"


def test_fee_schedule_and_deposit_are_expected_on_the_ledger(manager, centre):
    contract = make_contract(by=manager, centre=centre, price="10000.00", billing="quarterly")
    fees = list(contract.entries.filter(account="fee").order_by("due_on"))
    assert [e.due_on for e in fees] == [D(2026, 1, 1), D(2026, 4, 1), D(2026, 7, 1), D(2026, 10, 1)]
    assert sum(e.amount for e in fees) == Decimal("10000.00")
    assert contract.entries.get(account="deposit").amount == Decimal("5000.00")
    monthly = make_contract(by=manager, centre=centre, price="100.00", billing="monthly")
    amounts = [e.amount for e in monthly.entries.filter(account="fee").order_by("id")]
    assert len(amounts) == 12 and sum(amounts) == Decimal("100.00") and amounts[-1] == Decimal("8.37")
    once = make_contract(by=manager, centre=centre, price="500.00", billing="once", deposit_amount="0")
    assert list(once.entries.values_list("account", "amount")) == [("fee", Decimal("500.00"))]


def test_a_price_under_a_fen_a_period_leaves_no_zero_instalment():
    """Found by hand, 2026-12-06: a price of 0.05 billed monthly put eleven fees of 0.00 on the ledger."""
    from aftersales.contracts.services.contracts import fee_schedule

    schedule = fee_schedule(price=Decimal("0.05"), billing="monthly", starts_on=YEAR_START, ends_on=YEAR_END)

    assert schedule == [(D(2026, 12, 1), Decimal("0.05"))]


def test_visit_orders_open_ahead_and_completion_ends_with_its_callback(manager, centre, users):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    assert open_visit_orders(today=D(2026, 1, 12)) == 1  # the 17 Jan visit is within 5 working days
    visit = contract.visits.get(planned_on=D(2026, 1, 17))
    assert visit.status == VisitStatus.ORDERED and visit.order.kind == OrderKind.MAINTENANCE
    assert "检查油位" in visit.order.description
    assert open_visit_orders(today=D(2026, 1, 12)) == 0  # once
    order = complete(visit.order, by=manager, technician=users["technician"])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.done_at is not None
    order_services.transition_order(order, to=OrderStatus.CLOSED, by=manager)
    callback = FollowUpTask.objects.get(order=order, purpose="callback")
    rows = selectors.visit_rows(contract)
    assert next(r for r in rows if r.visit.pk == visit.pk).callback == callback
    # The same call-back through the API and on the contract's screen.
    client = Client()
    client.force_login(manager)
    visits = client.get(f"/api/v1/contracts/{contract.pk}/visits").json()
    row = next(v for v in visits if v["id"] == visit.pk)
    assert (row["status"], row["order_id"], row["callback_id"]) == ("done", order.pk, callback.pk)
    assert row["callback_status"] == callback.status
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert f'href="/care/follow-ups/{callback.pk}/"' in page


@pytest.mark.parametrize("successor", [True, False])
def test_a_visit_order_still_opens_when_the_contracts_contact_was_taken_out_of_use(manager, centre, successor):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    gone = contract.contact
    if successor:
        ContactFactory(customer=contract.customer, name="接替者", mobile="+8613700001111")
    set_contact_in_use(contact=gone, by=manager, in_use=False, reason="已离职")

    assert open_visit_orders(today=D(2026, 1, 12)) == 1

    order = contract.visits.get(planned_on=D(2026, 1, 17)).order
    if successor:
        assert (order.contact.name, order.reporter_phone) == ("接替者", "+8613700001111")
    else:  # nobody in use: the order names no contact, the old number stays the reporter's
        assert order.contact is None and order.reporter_phone == gone.mobile


def test_a_cancelled_visit_order_is_a_missed_visit(manager, centre):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    open_visit_orders(today=D(2026, 1, 12))
    visit = contract.visits.get(planned_on=D(2026, 1, 17))
    order_services.transition_order(visit.order, to=OrderStatus.CANCELLED, by=manager, reason="客户拒绝")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.MISSED


def test_missed_visits_block_the_release_until_overridden(manager, centre, users):
    contract = with_year_plans(make_contract(by=manager, centre=centre, deposit_release_on=D(2026, 1, 1)), by=manager)
    finance = users["finance"]
    services.book_entry(contract, by=finance, account="deposit", kind="received", amount="5000.00")
    assert mark_missed(today=D(2026, 3, 2)) == 3  # 4 Jan, 19 Jan, 24 Feb not done
    blockers = selectors.release_blockers(contract)
    assert blockers == ["3 mandatory visit(s) missed"] or "3" in blockers[0]
    with pytest.raises(ConflictError) as exc:
        services.release_deposit(contract, by=finance)
    assert exc.value.code == "release_blocked" and exc.value.extra["reasons"] == blockers
    assert not contract.entries.filter(kind=EntryKind.RELEASED).exists()
    with pytest.raises(PermissionDeniedError):
        services.release_deposit(contract, by=finance, override_reason="客户已补签")
    entry = services.release_deposit(contract, by=manager, override_reason="客户已补签")
    assert entry.amount == Decimal("5000.00") and entry.override_reason == "客户已补签"
    with pytest.raises(ConflictError) as exc:
        services.release_deposit(contract, by=manager, override_reason="again")
    assert exc.value.code == "already_released"
    assert selectors.balances(contract)["deposit"].held == Decimal("0.00")
    with pytest.raises(ConflictError):
        services.book_entry(contract, by=finance, account="deposit", kind="received", amount="1.00")


def test_release_rules_follow_the_contract(manager, centre, users):
    finance = users["finance"]
    contract = make_contract(
        by=manager, centre=centre, deposit_release_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    with pytest.raises(ConflictError) as exc:
        services.release_deposit(contract, by=finance)
    assert exc.value.code == "nothing_to_release"
    services.book_entry(contract, by=finance, account="deposit", kind="received", amount="5000.00")
    services.book_entry(contract, by=finance, account="deposit", kind="correction", amount="-200.00", memo="多记")
    assert selectors.balances(contract)["deposit"].held == Decimal("4800.00")
    assert contract.deposit_release_on.isoformat() in selectors.release_blockers(contract)[0]
    open_complaint(
        by=users["agent"], customer=contract.customer, description="维保不及时", units=list(contract.units.all())
    )
    assert len(selectors.release_blockers(contract)) == 2
    Contract.objects.filter(pk=contract.pk).update(
        block_on_open_complaints=False, deposit_release_on=timezone.localdate()
    )
    contract.refresh_from_db()
    assert selectors.release_blockers(contract) == []
    assert services.release_deposit(contract, by=finance).amount == Decimal("4800.00")
    assert Complaint.objects.count() == 1


def test_ledger_input_is_checked_and_entries_never_change(manager, centre, users):
    finance = users["finance"]
    contract = make_contract(by=manager, centre=centre)
    count = LedgerEntry.objects.count()
    for kwargs, code, field in [
        ({"account": "bank", "kind": "received", "amount": "1"}, "invalid_choice", "account"),
        ({"account": "fee", "kind": "released", "amount": "1"}, "invalid_kind", "kind"),
        ({"account": "fee", "kind": "received", "amount": "0"}, "invalid_amount", "amount"),
        ({"account": "fee", "kind": "received", "amount": "-5"}, "invalid_amount", "amount"),
        ({"account": "fee", "kind": "correction", "amount": "-5"}, "required", "memo"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            services.book_entry(contract, by=finance, **kwargs)
        assert (exc.value.code, exc.value.field) == (code, field)
    assert LedgerEntry.objects.count() == count
    entry = services.book_entry(contract, by=finance, account="fee", kind="received", amount="3000.00")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    with pytest.raises(PermissionDeniedError):
        services.book_entry(contract, by=users["agent"], account="fee", kind="received", amount="1.00")
    services.cancel_contract(contract, by=manager, reason="解约")
    with pytest.raises(ConflictError) as exc:
        services.book_entry(contract, by=finance, account="fee", kind="received", amount="1.00")
    assert exc.value.code == "contract_cancelled"
    services.book_entry(contract, by=finance, account="fee", kind="correction", amount="-3000.00", memo="退款")
    fee = selectors.balances(contract, today=D(2026, 5, 1))["fee"]
    assert fee.received == Decimal("0.00") and fee.due_unpaid == Decimal("6000.00")


def test_money_received_may_not_pass_what_the_account_expects(manager, centre, users):
    """Left by the 18th session: a receipt of 99,999,999.00 was booked against a deposit of 6,000.00."""
    finance = users["finance"]
    contract = make_contract(by=manager, centre=centre)  # deposit 5,000.00 expected; fees 12,000.00 a year
    count = LedgerEntry.objects.count()
    for account, amount in [("deposit", "99999999.00"), ("deposit", "5000.01"), ("fee", "12000.01")]:
        with pytest.raises(ValidationFailed) as exc:
            services.book_entry(contract, by=finance, account=account, kind="received", amount=amount)
        assert (exc.value.code, exc.value.field) == ("more_than_expected", "amount")
    assert LedgerEntry.objects.count() == count
    services.book_entry(contract, by=finance, account="deposit", kind="received", amount="4000.00")
    with pytest.raises(ValidationFailed) as exc:
        services.book_entry(contract, by=finance, account="deposit", kind="received", amount="1000.01")
    assert "1,000.00" in exc.value.detail  # what may still be received
    services.book_entry(contract, by=finance, account="deposit", kind="received", amount="1000.00")
    assert selectors.balances(contract)["deposit"].received == Decimal("5000.00")


def test_cancelling_cancels_planned_visits_once(manager, centre):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    services.cancel_contract(contract, by=manager, reason="解约")
    assert not contract.visits.exclude(status=VisitStatus.CANCELLED).exists()
    with pytest.raises(ConflictError):
        services.cancel_contract(contract, by=manager, reason="again")
    with pytest.raises(ConflictError):
        services.add_visit_plan(contract, by=manager, kind="monthly")
    contract.refresh_from_db()
    assert contract.state(D(2026, 6, 1)) == ContractStatus.CANCELLED


def test_contract_coverage_wins_over_an_expired_warranty_and_says_so(manager, centre):
    customer = make_customer(centre)
    unit = UnitFactory(customer=customer, purchase_date=D(2020, 1, 1))
    before = decide_coverage(unit=unit, on=D(2026, 6, 1), kind="repair")
    assert not before.covered and before.reason == "expired"
    contract = make_contract(by=manager, centre=centre, customer=customer, units=[unit])
    decision = decide_coverage(unit=unit, on=D(2026, 6, 1), kind="repair")
    assert decision.covered and decision.source == "contract" and contract.number in decision.detail
    assert decision.until == YEAR_END
    after = decide_coverage(unit=unit, on=D(2027, 1, 2), kind="repair")
    assert not after.covered and after.source == "warranty_months"


def test_a_cancelled_contract_stops_covering_at_once(manager, centre):
    unit = UnitFactory(customer=make_customer(centre), purchase_date=D(2020, 1, 1))
    contract = make_contract(by=manager, centre=centre, customer=unit.customer, units=[unit])
    assert decide_coverage(unit=unit, on=D(2026, 6, 1), kind="repair").source == "contract"

    services.cancel_contract(contract, by=manager, reason="客户退约")

    assert decide_coverage(unit=unit, on=D(2026, 6, 1), kind="repair").source == "warranty_months"


def test_many_units_decided_together_read_their_contracts_once(manager, centre, django_assert_num_queries):
    customer = make_customer(centre)
    covered = [UnitFactory(customer=customer, purchase_date=D(2020, 1, 1)) for _ in range(3)]
    bare = [UnitFactory(customer=customer, purchase_date=D(2020, 1, 1)) for _ in range(2)]
    make_contract(by=manager, centre=centre, customer=customer, units=covered)
    units = covered + bare
    one_by_one = [decide_coverage(unit=u, on=D(2026, 6, 1), kind="repair") for u in units]

    with django_assert_num_queries(1), coverage_prepared([*units, None]):
        together = [decide_coverage(unit=u, on=D(2026, 6, 1), kind="repair") for u in units]

    assert together == one_by_one
    assert [d.source for d in together] == ["contract"] * 3 + ["warranty_months"] * 2
    with django_assert_num_queries(1):  # outside the context each unit reads its own again
        decide_coverage(unit=covered[0], on=D(2026, 6, 1), kind="repair")


def test_scope_and_roles(manager, centre, other_centre, users):
    contract = make_contract(by=manager, centre=centre)
    stranger = UserFactory(role=Role.MANAGER, service_center=other_centre)
    assert selectors.contract_detail(user=stranger, contract_id=contract.pk) is None
    assert selectors.contract_detail(user=users["general_manager"], contract_id=contract.pk) == contract
    assert not selectors.contract_list(user=users["technician"]).exists()
    with pytest.raises(NotFoundError):
        services.cancel_contract(contract, by=stranger, reason="x")
    with pytest.raises(PermissionDeniedError):
        services.add_visit_plan(contract, by=users["agent"], kind="monthly")
    with pytest.raises(PermissionDeniedError):
        make_contract(by=users["agent"], centre=centre)


def test_contract_lists_by_state(manager, centre):
    today = timezone.localdate()
    live = make_contract(by=manager, centre=centre, starts_on=today, ends_on=today + datetime.timedelta(days=300))
    ending = make_contract(by=manager, centre=centre, starts_on=today, ends_on=today + datetime.timedelta(days=20))
    old = make_contract(by=manager, centre=centre, starts_on=D(2024, 1, 1), ends_on=D(2024, 12, 31))
    gone = make_contract(by=manager, centre=centre, starts_on=today, ends_on=today)
    services.cancel_contract(gone, by=manager, reason="x")

    def listed(state: str, **kw) -> set:
        return set(selectors.contract_list(user=manager, state=state, **kw))

    assert listed("active") == {live, ending}
    assert listed("expiring") == {ending}
    assert listed("expired") == {old}
    assert listed("cancelled") == {gone}
    assert listed("all", q=live.number) == {live}


def test_year_calendar_places_visits_on_their_days(manager, centre):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    months = selectors.year_calendar(user=manager, year=2026, contract=contract)
    february = months[1]
    days = {day: visits for week in february.weeks for day, visits in week if day}
    assert [v.planned_on for v in days[D(2026, 2, 24)]] == [D(2026, 2, 17)]
    assert sum(len(v) for week in february.weeks for _, v in week) == 1


def test_sweep_generates_opens_and_marks(manager, centre, monkeypatch):
    contract = with_year_plans(make_contract(by=manager, centre=centre), by=manager)
    ContractVisit.objects.filter(contract=contract, planned_on__gte=D(2026, 6, 1)).delete()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 6, 12))
    result = run_visit_sweep()
    assert ContractVisit.objects.filter(contract=contract).count() == 16
    assert contract.visits.get(planned_on=D(2026, 6, 17)).status == VisitStatus.ORDERED
    assert contract.visits.filter(status=VisitStatus.MISSED).count() == 7
    assert result == 9 + 1 + 7  # 9 regenerated (June on), 1 order opened, 7 missed


def test_project_sheet_is_signed_off_when_every_problem_is_resolved(manager, centre, users):
    customer = make_customer(centre)
    pm, dm = users["dispatcher"], users["technician"]
    project = services.open_project(
        by=manager,
        customer=customer,
        name="产线改造",
        accepted_on=D(2026, 3, 1),
        project_manager=pm,
        development_manager=dm,
    )
    agent = users["agent"]
    first = services.add_problem(project, by=agent, reporter="王工", description="报表导出慢", severity="high")
    second = services.add_problem(project, by=agent, reporter="王工", description="界面错字", owner=dm)
    assert first.owner == pm and second.owner == dm
    services.raise_problem_order(first, by=agent, reporter_phone="13900001111")
    first.refresh_from_db()
    assert first.order.kind == OrderKind.REPAIR
    with pytest.raises(ConflictError):
        services.raise_problem_order(first, by=agent, reporter_phone="13900001111")
    services.resolve_problem(first, by=agent, resolution="加索引")
    with pytest.raises(ConflictError) as exc:
        services.sign_off_sheet(project, by=agent, signed_by="王工")
    assert exc.value.code == "problems_open"
    project.refresh_from_db()
    assert project.signed_off_at is None
    with pytest.raises(ConflictError):
        services.resolve_problem(first, by=agent, resolution="again")
    services.resolve_problem(second, by=agent, resolution="已改")
    services.sign_off_sheet(project, by=agent, signed_by="王工", note="同意")
    project.refresh_from_db()
    assert project.signed_by == "王工" and project.signed_off_at is not None
    assert set(project.problems.values_list("status", flat=True)) == {"signed_off"}
    with pytest.raises(ConflictError) as exc:
        services.add_problem(project, by=agent, reporter="x", description="y")
    assert exc.value.code == "sheet_signed"


def test_project_input_is_checked(manager, centre, users, other_centre):
    customer = make_customer(centre)
    pm = users["dispatcher"]
    base = {"by": manager, "customer": customer, "name": "x", "accepted_on": D(2026, 3, 1), "project_manager": pm}
    with pytest.raises(ValidationFailed) as exc:
        services.open_project(**base, development_manager=pm)
    assert exc.value.field == "development_manager_id"
    with pytest.raises(NotFoundError):
        services.open_project(
            **base, development_manager=UserFactory(role=Role.TECHNICIAN, service_center=other_centre)
        )
    with pytest.raises(ValidationFailed) as exc:
        services.open_project(
            **{**base, "accepted_on": timezone.localdate() + datetime.timedelta(days=5)},
            development_manager=users["technician"],
        )
    assert exc.value.field == "accepted_on"
    with pytest.raises(PermissionDeniedError):
        services.open_project(**{**base, "by": users["agent"]}, development_manager=users["technician"])
    assert not Project.objects.exists() and not Problem.objects.exists()


def test_a_new_contract_refuses_a_contact_taken_out_of_use(manager, centre):
    customer = make_customer(centre)
    contact = customer.contacts.get()
    set_contact_in_use(contact=contact, by=manager, in_use=False)
    contact.refresh_from_db()

    with pytest.raises(ValidationFailed) as caught:
        make_contract(by=manager, centre=centre, customer=customer)

    assert (caught.value.code, caught.value.field) == ("not_in_use", "contact_id")
    assert not Contract.objects.exists()
