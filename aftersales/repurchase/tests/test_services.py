"""The four worked examples posted through the services to the fen, the life of a contract (change,
post, buy back, lapse, reverse), bad input refused with nothing written, scope, and the reminders."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.core.errors import DomainError
from aftersales.history.models import Activity
from aftersales.notifications.models import OutboxMessage
from aftersales.repurchase import rules, services
from aftersales.repurchase.choices import Account, Classification, Event, Side, Status
from aftersales.repurchase.examples import DEADLINE, EXAMPLES, SOLD, Example, wan
from aftersales.repurchase.models import EntryLine, JournalEntry, RepurchaseContract
from aftersales.repurchase.tests.factories import contract, lines_of, same

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        RepurchaseContract.objects.count(),
        JournalEntry.objects.count(),
        EntryLine.objects.count(),
        Activity.objects.filter(type__startswith="repurchase.").count(),
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.key)
def test_example_classifies_and_posts_its_entries_to_the_fen(example: Example, finance: Any, customer: Any) -> None:
    made = contract(by=finance, customer=customer, example=example)
    assert made.classification == example.classification
    assert made.status == Status.DRAFT and not made.entries.exists()

    services.post_inception(by=finance, contract=made)
    assert same(lines_of(made, Event.INCEPTION)) == same(example.inception)
    assert set(made.entries.values_list("posted_on", flat=True)) == {SOLD}

    services.post_exercise(by=finance, contract=made, on=DEADLINE)
    made.refresh_from_db()
    assert (made.status, made.settled_on) == (Status.EXERCISED, DEADLINE)
    assert same(lines_of(made, Event.EXERCISE)) == same(example.exercise)


def test_example_2_lapses_with_revenue_and_cost_of_sales(finance: Any, customer: Any) -> None:
    example = EXAMPLES[1]
    made = contract(by=finance, customer=customer, example=example)
    services.post_inception(by=finance, contract=made)
    services.post_lapse(by=finance, contract=made, on=DEADLINE)
    assert example.lapse is not None
    assert same(lines_of(made, Event.LAPSE)) == same(example.lapse)
    made.refresh_from_db()
    assert made.status == Status.LAPSED


def test_every_posted_entry_balances(finance: Any, customer: Any) -> None:
    for example in EXAMPLES:
        made = contract(by=finance, customer=customer, example=example)
        services.post_inception(by=finance, contract=made)
        services.post_exercise(by=finance, contract=made, on=DEADLINE)
    for entry in JournalEntry.objects.prefetch_related("lines"):
        debit = sum(line.amount for line in entry.lines.all() if line.side == Side.DEBIT)
        credit = sum(line.amount for line in entry.lines.all() if line.side == Side.CREDIT)
        assert debit == credit > 0


BAD = [
    ({"price": Decimal("0")}, "amount_not_positive", "price"),
    ({"price": Decimal("-1.00")}, "amount_not_positive", "price"),
    ({"repurchase_price": Decimal("0")}, "amount_not_positive", "repurchase_price"),
    ({"repurchase_price": Decimal("1.001")}, "invalid_amount", "repurchase_price"),
    ({"cost": Decimal("-5")}, "amount_not_positive", "cost"),
    ({"market_value": Decimal("0")}, "amount_not_positive", "market_value"),
    ({"deadline": SOLD - datetime.timedelta(days=1)}, "deadline_before_sale", "deadline"),
    ({"holder": "someone"}, "invalid_choice", "holder"),
    ({"holder": "customer_option", "incentive_reason": "x"}, "incentive_required", "incentive"),
    ({"holder": "customer_option", "incentive": True}, "incentive_reason_required", "incentive_reason"),
    (
        {"holder": "customer_option", "incentive": True, "incentive_reason": "x", "repurchase_price": wan(120)},
        "market_value_required",
        "market_value",
    ),
    ({"holder": "customer_option", "incentive": False, "incentive_reason": "x"}, "cost_required", "cost"),
    ({"number": "  "}, "invalid_input", "number"),
]


@pytest.mark.parametrize(("change", "code", "field"), BAD, ids=[b[1] + "-" + b[2] for b in BAD])
def test_bad_input_is_refused_with_its_field_and_nothing_written(
    change: dict[str, Any], code: str, field: str, finance: Any, customer: Any
) -> None:
    before = _counts()
    with pytest.raises(DomainError) as refused:
        contract(by=finance, customer=customer, **change)
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, 400)
    assert _counts() == before


def test_a_taken_number_conflicts(finance: Any, customer: Any) -> None:
    contract(by=finance, customer=customer, number="HT-1")
    before = _counts()
    with pytest.raises(DomainError) as refused:
        contract(by=finance, customer=customer, number="HT-1")
    assert (refused.value.code, refused.value.status, refused.value.field) == ("number_taken", 409, "number")
    assert _counts() == before


def test_units_must_be_the_customers(finance: Any, customer: Any) -> None:
    from aftersales.installed_base.tests.factories import UnitFactory

    theirs = UnitFactory()
    with pytest.raises(DomainError) as refused:
        contract(by=finance, customer=customer, units=[theirs])
    assert (refused.value.code, refused.value.field) == ("unit_not_customers", "units")
    mine = UnitFactory(customer=customer)
    assert list(contract(by=finance, customer=customer, units=[mine]).units.all()) == [mine]


def test_exercise_after_the_deadline_twice_or_before_posting_is_refused(finance: Any, customer: Any) -> None:
    made = contract(by=finance, customer=customer)
    with pytest.raises(DomainError) as not_posted:
        services.post_exercise(by=finance, contract=made, on=DEADLINE)
    assert (not_posted.value.code, not_posted.value.status) == ("not_posted", 409)
    services.post_inception(by=finance, contract=made)
    with pytest.raises(DomainError) as twice_posted:
        services.post_inception(by=finance, contract=made)
    assert twice_posted.value.code == "already_posted"
    before = _counts()
    with pytest.raises(DomainError) as late:
        services.post_exercise(by=finance, contract=made, on=DEADLINE + datetime.timedelta(days=1))
    assert (late.value.code, late.value.field, late.value.status) == ("after_deadline", "on", 400)
    with pytest.raises(DomainError) as early:
        services.post_exercise(by=finance, contract=made, on=SOLD - datetime.timedelta(days=1))
    assert (early.value.code, early.value.field) == ("before_sale", "on")
    assert _counts() == before
    services.post_exercise(by=finance, contract=made, on=DEADLINE)
    before = _counts()
    with pytest.raises(DomainError) as twice:
        services.post_exercise(by=finance, contract=made, on=DEADLINE)
    assert (twice.value.code, twice.value.status) == ("already_settled", 409)
    assert _counts() == before


def test_a_forward_cannot_lapse_and_a_call_not_before_the_deadline(finance: Any, customer: Any) -> None:
    forward = contract(by=finance, customer=customer)
    services.post_inception(by=finance, contract=forward)
    with pytest.raises(DomainError) as refused:
        services.post_lapse(by=finance, contract=forward, on=DEADLINE)
    assert (refused.value.code, refused.value.status) == ("cannot_lapse", 409)
    call = contract(by=finance, customer=customer, example=EXAMPLES[1])
    services.post_inception(by=finance, contract=call)
    with pytest.raises(DomainError) as early:
        services.post_lapse(by=finance, contract=call, on=DEADLINE - datetime.timedelta(days=1))
    assert (early.value.code, early.value.field) == ("before_deadline", "on")


def test_a_lapse_without_a_cost_asks_for_it_then_takes_it(finance: Any, customer: Any) -> None:
    call = contract(by=finance, customer=customer, holder="seller_option", repurchase_price=wan(90))
    services.post_inception(by=finance, contract=call)
    before = _counts()
    with pytest.raises(DomainError) as refused:
        services.post_lapse(by=finance, contract=call, on=DEADLINE)
    assert (refused.value.code, refused.value.field) == ("cost_required", "cost")
    assert _counts() == before
    services.post_lapse(by=finance, contract=call, on=DEADLINE, cost=wan(60))
    call.refresh_from_db()
    assert call.cost == wan(60)
    assert same(lines_of(call, Event.LAPSE)) == same(EXAMPLES[1].lapse or [])


def test_sale_with_a_right_of_return_posts_the_sale_and_the_return(finance: Any, customer: Any) -> None:
    sale = contract(
        by=finance,
        customer=customer,
        holder="customer_option",
        repurchase_price=wan(90),
        incentive=False,
        incentive_reason="回购价低于市场价",
        cost=wan(60),
    )
    assert sale.classification == Classification.SALE_WITH_RETURN
    services.post_inception(by=finance, contract=sale)
    assert same(lines_of(sale, Event.INCEPTION)) == same(
        [
            [(Account.CASH, Side.DEBIT, wan(100)), (Account.REVENUE, Side.CREDIT, wan(100))],
            [(Account.COST_OF_SALES, Side.DEBIT, wan(60)), (Account.INVENTORY, Side.CREDIT, wan(60))],
        ]
    )
    services.post_lapse(by=finance, contract=sale, on=DEADLINE)
    assert lines_of(sale, Event.LAPSE) == []
    sale.refresh_from_db()
    assert sale.status == Status.LAPSED


def test_change_reclassifies_only_before_posting(finance: Any, customer: Any) -> None:
    made = contract(by=finance, customer=customer)
    assert made.classification == Classification.LEASE
    made = services.change_contract(by=finance, contract=made, repurchase_price=wan(100))
    assert (made.classification, made.rule) == (Classification.FINANCING, "forward_at_or_above")
    assert Activity.objects.filter(type="repurchase.changed", target_id=made.pk).exists()
    with pytest.raises(DomainError) as bad:
        services.change_contract(by=finance, contract=made, price=Decimal("0"))
    assert (bad.value.code, bad.value.field) == ("amount_not_positive", "price")
    with pytest.raises(DomainError) as unknown:
        services.change_contract(by=finance, contract=made, status="open")
    assert unknown.value.field == "status"
    services.post_inception(by=finance, contract=made)
    with pytest.raises(DomainError) as posted:
        services.change_contract(by=finance, contract=made, repurchase_price=wan(75))
    assert (posted.value.code, posted.value.status) == ("already_posted", 409)
    made.refresh_from_db()
    assert made.classification == Classification.FINANCING


def test_change_refuses_a_taken_number_and_a_blank_one(finance: Any, customer: Any) -> None:
    contract(by=finance, customer=customer, number="HT-A")
    made = contract(by=finance, customer=customer, number="HT-B")
    with pytest.raises(DomainError) as taken:
        services.change_contract(by=finance, contract=made, number="HT-A")
    assert taken.value.code == "number_taken"
    with pytest.raises(DomainError) as blank:
        services.change_contract(by=finance, contract=made, number=" ")
    assert blank.value.code == "invalid_input"
    changed = services.change_contract(by=finance, contract=made, number="HT-C", asset="装载机", units=[])
    assert (changed.number, changed.asset) == ("HT-C", "装载机")


def test_reversal_adds_opposite_entries_and_steps_back(finance: Any, customer: Any) -> None:
    made = contract(by=finance, customer=customer, example=EXAMPLES[0])
    services.post_inception(by=finance, contract=made)
    services.post_exercise(by=finance, contract=made, on=DEADLINE)
    exercise = made.entries.get(event=Event.EXERCISE)
    kept = list(exercise.lines.values_list("account", "side", "amount"))
    with pytest.raises(DomainError) as no_reason:
        services.reverse_posting(by=finance, contract=made, on=DEADLINE, reason=" ")
    assert (no_reason.value.code, no_reason.value.field) == ("reason_required", "reason")
    with pytest.raises(DomainError) as early:
        services.reverse_posting(by=finance, contract=made, on=SOLD, reason="录错")
    assert (early.value.code, early.value.field) == ("before_last_entry", "on")

    services.reverse_posting(by=finance, contract=made, on=DEADLINE, reason="回购日期录错")
    made.refresh_from_db()
    assert (made.status, made.settled_on) == (Status.OPEN, None)
    reversal = made.entries.get(event=Event.REVERSAL)
    assert reversal.reverses_id == exercise.pk
    flipped = {(a, Side.CREDIT if s == Side.DEBIT else Side.DEBIT, v) for a, s, v in kept}
    assert set(reversal.lines.values_list("account", "side", "amount")) == flipped
    assert list(exercise.lines.values_list("account", "side", "amount")) == kept  # never edited
    assert "回购日期录错" in reversal.memo

    services.post_exercise(by=finance, contract=made, on=DEADLINE)  # posted again after the reversal
    services.reverse_posting(by=finance, contract=made, on=DEADLINE, reason="重做")
    services.reverse_posting(by=finance, contract=made, on=DEADLINE, reason="合同作废")
    made.refresh_from_db()
    assert made.status == Status.DRAFT
    assert made.entries.count() == 6  # 1 inception, 2 exercises, 3 reversals
    with pytest.raises(DomainError) as nothing:
        services.reverse_posting(by=finance, contract=made, on=DEADLINE, reason="再来")
    assert nothing.value.code == "nothing_to_reverse"
    services.change_contract(by=finance, contract=made, repurchase_price=wan(80))  # editable again


def test_an_unbalanced_entry_is_refused_and_nothing_written(finance: Any, customer: Any) -> None:
    made = contract(by=finance, customer=customer)
    bad = rules.Plan("x", ((Account.CASH, Side.DEBIT, wan(100)), (Account.BORROWINGS, Side.CREDIT, wan(99))))
    before = _counts()
    for call in (services._post_all, services._post):
        with pytest.raises(DomainError) as refused:
            if call is services._post:
                services._post(contract=made, event=Event.INCEPTION, on=SOLD, plan=bad, by=finance)
            else:
                services._post_all(contract=made, event=Event.INCEPTION, on=SOLD, plans=[bad], by=finance)
        assert refused.value.code == "unbalanced_entry"
    assert _counts() == before


def test_another_centre_gets_404_and_a_manager_403(finance: Any, customer: Any, outsider: Any, users: Any) -> None:
    made = contract(by=finance, customer=customer)
    for call in (
        lambda by: services.post_inception(by=by, contract=made),
        lambda by: services.change_contract(by=by, contract=made, asset="x"),
        lambda by: services.reverse_posting(by=by, contract=made, on=DEADLINE, reason="x"),
    ):
        with pytest.raises(DomainError) as away:
            call(outsider)
        assert away.value.status == 404
        with pytest.raises(DomainError) as reader:
            call(users[Role.MANAGER])
        assert reader.value.status == 403
    with pytest.raises(DomainError) as away_customer:
        contract(by=outsider, customer=customer)
    assert away_customer.value.status == 404
    with pytest.raises(DomainError) as manager:
        contract(by=users[Role.MANAGER], customer=customer)
    assert manager.value.status == 403


def test_reminders_go_once_to_the_recorder_before_the_deadline(finance: Any, customer: Any, settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "REPURCHASE_REMIND_DAYS": 30}
    today = timezone.localdate()
    soon = contract(by=finance, customer=customer, sale_date=today, deadline=today + datetime.timedelta(days=30))
    later = contract(by=finance, customer=customer, sale_date=today, deadline=today + datetime.timedelta(days=31))
    draft = contract(by=finance, customer=customer, sale_date=today, deadline=today + datetime.timedelta(days=3))
    for made in (soon, later):
        services.post_inception(by=finance, contract=made)
    assert services.remind_deadlines() == 1
    assert services.remind_deadlines() == 0
    notice = OutboxMessage.objects.get(key=f"repurchase-deadline-{soon.pk}-in_app")
    assert notice.recipient == str(finance.pk)
    assert soon.number in notice.body
    assert not OutboxMessage.objects.filter(
        key__in=[f"repurchase-deadline-{later.pk}-in_app", f"repurchase-deadline-{draft.pk}-in_app"]
    ).exists()


def test_the_reminder_task_runs_the_service(finance: Any, customer: Any) -> None:
    from aftersales.repurchase.tasks import remind_deadlines

    assert remind_deadlines() == 0
