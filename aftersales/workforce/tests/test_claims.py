"""Expense claims: the chain (manager → finance → general manager) with stand-ins and send-backs, the
Tuesday and one-week rules on the calendar, materials confirmed by purchasing, and bad input that
writes nothing."""

import datetime
from decimal import Decimal

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.services import create_stand_in
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailed
from aftersales.workforce.choices import Decision, ExpenseClaimStatus
from aftersales.workforce.models import ApprovalStep, ClaimDecision, ExpenseClaim, ExpenseLine
from aftersales.workforce.services import claims
from aftersales.workforce.signals import claim_approved
from aftersales.workforce.tests.factories import TUESDAY, at, job_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def gm(users):
    return users[Role.GENERAL_MANAGER]


@pytest.fixture
def tech(users):
    return users[Role.TECHNICIAN]


def claim_with(users, *, amount="120.50", kind="transport", spent_on=TUESDAY - datetime.timedelta(days=2)):
    tech = users[Role.TECHNICIAN]
    order = job_for(users)
    claim = claims.create_claim(by=tech)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind=kind,
        spent_on=spent_on,
        amount=amount,
        description="出租车",
        order_id=order.pk,
        today=TUESDAY,
    )
    claim.refresh_from_db()
    return claim, order


def submitted(users, **kwargs):
    claim, order = claim_with(users, **kwargs)
    return claims.submit_claim(claim_id=claim.pk, by=users[Role.TECHNICIAN], now=at(TUESDAY)), order


def approve(claim, by, **kwargs):
    return claims.decide_claim(claim_id=claim.pk, by=by, decision=Decision.APPROVED, **kwargs)


def test_a_claim_goes_through_the_three_approvals_in_order(users, gm):
    claim, _order = submitted(users)
    assert (claim.status, claim.step, claim.step_role) == (ExpenseClaimStatus.SUBMITTED, 1, "manager")
    seen = []
    claim_approved.connect(lambda **kw: seen.append(kw["claim"].pk), weak=False, dispatch_uid="test-claim-approved")
    try:
        claim = approve(claim, users[Role.MANAGER])
        assert (claim.step, claim.step_role) == (2, "finance")
        claim = approve(claim, users[Role.FINANCE])
        assert (claim.step, claim.step_role) == (3, "general_manager")
        assert seen == []
        claim = approve(claim, gm)
    finally:
        claim_approved.disconnect(dispatch_uid="test-claim-approved")

    assert claim.status == ExpenseClaimStatus.APPROVED and claim.step == 0
    assert seen == [claim.pk]
    decisions = list(ClaimDecision.objects.filter(claim=claim).values_list("decision", "role"))
    assert decisions == [
        ("submitted", ""),
        ("approved", "manager"),
        ("approved", "finance"),
        ("approved", "general_manager"),
    ]


def test_no_step_is_skipped_the_general_manager_approves_last(users, gm):
    claim, _order = submitted(users)

    with pytest.raises(ConflictError) as error:
        approve(claim, gm)
    assert error.value.code == "step_not_reached"
    with pytest.raises(ConflictError) as error:
        approve(claim, users[Role.FINANCE])
    assert error.value.code == "step_not_reached"
    with pytest.raises(ConflictError) as error:
        approve(claim, users[Role.MANAGER], step=2)
    assert error.value.code == "step_not_reached"

    claim.refresh_from_db()
    assert (claim.step, ClaimDecision.objects.filter(claim=claim).count()) == (1, 1)


def test_no_one_approves_their_own_claim(users, centre):
    manager = users[Role.MANAGER]
    UserFactory(username="claimer-mgr", role=Role.MANAGER, service_center=centre)
    # A manager who also works jobs (an extra role) hands in a claim and cannot approve it.
    from aftersales.accounts.services import set_roles

    set_roles(user=manager, roles=[Role.TECHNICIAN], by=users[Role.ADMIN])
    manager.refresh_from_db()
    order = job_for(users, technician=manager)
    claim = claims.create_claim(by=manager)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=manager,
        kind="meals",
        spent_on=TUESDAY,
        amount="30",
        description="午餐",
        order_id=order.pk,
        today=TUESDAY,
    )
    claims.submit_claim(claim_id=claim.pk, by=manager, now=at(TUESDAY))

    with pytest.raises(PermissionDeniedError) as error:
        approve(claim, manager)

    assert error.value.code == "own_claim"
    assert ClaimDecision.objects.filter(claim=claim).count() == 1


def test_a_stand_in_approves_for_the_absent_manager_and_is_named(users, centre):
    claim, _order = submitted(users)
    manager, deputy = users[Role.MANAGER], users[Role.DISPATCHER]
    with pytest.raises(PermissionDeniedError):
        approve(claim, deputy)
    create_stand_in(
        from_user=manager,
        to_user=deputy,
        starts_on=datetime.date.today(),
        ends_on=datetime.date.today(),
        reason="年假",
        by=manager,
    )
    deputy.refresh_from_db()

    claim = approve(claim, deputy)

    assert claim.step_role == "finance"
    row = ClaimDecision.objects.filter(claim=claim, decision="approved").get()
    assert (row.actor_id, row.on_behalf_of_id) == (deputy.pk, manager.pk)


def test_send_back_returns_a_draft_and_the_chain_starts_over(users, tech):
    claim, order = submitted(users)
    claim = approve(claim, users[Role.MANAGER])

    with pytest.raises(ValidationFailed) as error:
        claims.decide_claim(claim_id=claim.pk, by=users[Role.FINANCE], decision=Decision.SENT_BACK)
    assert error.value.code == "reason_required" or error.value.code == "required"
    claim = claims.decide_claim(claim_id=claim.pk, by=users[Role.FINANCE], decision=Decision.SENT_BACK, reason="缺发票")

    assert (claim.status, claim.step) == (ExpenseClaimStatus.DRAFT, 0)
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="other",
        spent_on=TUESDAY,
        amount="5",
        description="停车",
        order_id=order.pk,
        today=TUESDAY,
    )
    claim = claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY, 16))
    assert (claim.step_role, claim.total) == ("manager", Decimal("125.50"))


def test_reject_is_final(users):
    claim, _order = submitted(users)
    claim = claims.decide_claim(
        claim_id=claim.pk, by=users[Role.MANAGER], decision=Decision.REJECTED, reason="重复报销"
    )
    assert claim.status == ExpenseClaimStatus.REJECTED
    with pytest.raises(ConflictError) as error:
        approve(claim, users[Role.FINANCE])
    assert error.value.code == "claim_not_in_approval"


def test_materials_are_confirmed_by_purchasing_before_finance_approves(users):
    claim, _order = submitted(users, kind="materials")
    claim = approve(claim, users[Role.MANAGER])

    with pytest.raises(ConflictError) as error:
        approve(claim, users[Role.FINANCE])
    assert error.value.code == "materials_unconfirmed"
    line = claim.lines.get()
    with pytest.raises(PermissionDeniedError):
        claims.confirm_materials(line_id=line.pk, by=users[Role.FINANCE])

    claims.confirm_materials(line_id=line.pk, by=users[Role.PARTS_KEEPER])
    claim = approve(claim, users[Role.FINANCE])
    assert claim.step_role == "general_manager"


def test_a_step_above_a_limit_applies_only_to_large_claims(users, gm):
    ApprovalStep.objects.create(position=4, role="general_manager", min_total=Decimal("1000"))
    small, _ = submitted(users, amount="999.99")
    for by in (users[Role.MANAGER], users[Role.FINANCE], gm):
        small = approve(small, by)
    assert small.status == ExpenseClaimStatus.APPROVED

    large, _ = submitted(users, amount="1000.01")
    for by in (users[Role.MANAGER], users[Role.FINANCE], gm):
        large = approve(large, by)
    assert (large.status, large.step) == (ExpenseClaimStatus.SUBMITTED, 4)


# --- the Tuesday and one-week rules --------------------------------------------------------------


def test_claims_are_handed_in_on_tuesdays(users, tech):
    claim, _order = claim_with(users)
    wednesday = TUESDAY + datetime.timedelta(days=1)

    with pytest.raises(ValidationFailed) as error:
        claims.submit_claim(claim_id=claim.pk, by=tech, now=at(wednesday))

    assert error.value.code == "not_claim_day"
    claim.refresh_from_db()
    assert claim.status == ExpenseClaimStatus.DRAFT
    assert not ClaimDecision.objects.filter(claim=claim).exists()


def test_another_hand_in_day_is_flagged_when_the_rules_say_so(users, tech, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "WORKFORCE": {"OFF_DAY_CLAIMS": "flag"}}
    claim, _order = claim_with(users)

    claim = claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY + datetime.timedelta(days=1)))

    assert claim.status == ExpenseClaimStatus.SUBMITTED
    assert "星期二" in ClaimDecision.objects.get(claim=claim).reason


def test_an_expense_older_than_a_week_is_refused(users, tech):
    claim, order = claim_with(users)
    eight_days = TUESDAY - datetime.timedelta(days=8)

    with pytest.raises(ValidationFailed) as error:
        claims.add_expense_line(
            claim_id=claim.pk,
            by=tech,
            kind="meals",
            spent_on=eight_days,
            amount="20",
            description="x",
            order_id=order.pk,
            today=TUESDAY,
        )

    assert (error.value.code, error.value.field) == ("expense_too_old", "spent_on")
    assert claim.lines.count() == 1
    # Exactly a week old is still in time.
    claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="meals",
        spent_on=TUESDAY - datetime.timedelta(days=7),
        amount="20",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )


def test_a_line_that_turned_late_before_hand_in_is_refused_then(users, tech):
    claim, _order = claim_with(users, spent_on=TUESDAY - datetime.timedelta(days=6))

    with pytest.raises(ValidationFailed) as error:
        claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY + datetime.timedelta(days=7)))

    assert error.value.code == "expense_too_old"
    assert ExpenseClaim.objects.get(pk=claim.pk).status == ExpenseClaimStatus.DRAFT


def test_late_lines_are_flagged_when_the_rules_say_so(users, tech, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "WORKFORCE": {"LATE_LINES": "flag"}}
    claim, order = claim_with(users)

    line = claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="meals",
        spent_on=TUESDAY - datetime.timedelta(days=20),
        amount="20",
        description="x",
        order_id=order.pk,
        today=TUESDAY,
    )

    assert line.late is True
    claim = claims.submit_claim(claim_id=claim.pk, by=tech, now=at(TUESDAY))
    assert claim.status == ExpenseClaimStatus.SUBMITTED


# --- bad input writes nothing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (-5, "amount_not_positive"),
        ("0", "amount_not_positive"),
        (12.5, "invalid_amount"),
        ("1.234", "invalid_amount"),
        ("abc", "invalid_amount"),
        ("1e9", "invalid_amount"),  # the console took it as 1,000,000,000.00 (found by hand, 2026-12-06)
        ("１２", "invalid_amount"),
        ("-5", "amount_not_positive"),
    ],
)
def test_bad_amounts_are_refused(users, tech, amount, code):
    claim, order = claim_with(users)
    before = list(ExpenseLine.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationFailed) as error:
        claims.add_expense_line(
            claim_id=claim.pk,
            by=tech,
            kind="meals",
            spent_on=TUESDAY,
            amount=amount,
            description="x",
            order_id=order.pk,
            today=TUESDAY,
        )

    assert (error.value.code, error.value.field) == (code, "amount")
    assert list(ExpenseLine.objects.values_list("pk", flat=True)) == before


def test_a_claim_for_someone_elses_order_is_refused(users, tech, centre):
    other = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_center=centre)
    not_mine = job_for(users, technician=other)
    claim = claims.create_claim(by=tech)

    with pytest.raises(ValidationFailed) as error:
        claims.add_expense_line(
            claim_id=claim.pk,
            by=tech,
            kind="meals",
            spent_on=TUESDAY,
            amount="20",
            description="x",
            order_id=not_mine.pk,
            today=TUESDAY,
        )

    assert (error.value.code, error.value.field) == ("not_your_order", "order_id")
    assert not ExpenseLine.objects.exists()


def test_an_expense_dated_before_its_order_was_received_is_refused(users, tech):
    order = job_for(users, received_at=at(TUESDAY - datetime.timedelta(days=1), 16))
    claim = claims.create_claim(by=tech)

    with pytest.raises(ValidationFailed) as error:
        claims.add_expense_line(
            claim_id=claim.pk,
            by=tech,
            kind="transport",
            spent_on=TUESDAY - datetime.timedelta(days=2),
            amount="20",
            description="出租车",
            order_id=order.pk,
            today=TUESDAY,
        )

    assert (error.value.code, error.value.field) == ("spent_before_order", "spent_on")
    assert order.number in error.value.detail and "2026-12-07" in error.value.detail
    assert not ExpenseLine.objects.exists()
    same_day = claims.add_expense_line(
        claim_id=claim.pk,
        by=tech,
        kind="transport",
        spent_on=TUESDAY - datetime.timedelta(days=1),
        amount="20",
        description="出租车",
        order_id=order.pk,
        today=TUESDAY,
    )
    assert same_day.order_id == order.pk


def test_a_claim_for_someone_else_is_refused(users, tech, centre):
    other = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_center=centre)
    with pytest.raises(PermissionDeniedError) as error:
        claims.create_claim(by=tech, person=other)
    assert error.value.code == "not_yourself"
    assert not ExpenseClaim.objects.exists()


def test_someone_else_cannot_add_to_a_claim(users, tech, centre):
    claim, order = claim_with(users)
    other = UserFactory(username="tech-other", role=Role.TECHNICIAN, service_center=centre)
    with pytest.raises(DomainError) as error:
        claims.add_expense_line(
            claim_id=claim.pk,
            by=other,
            kind="meals",
            spent_on=TUESDAY,
            amount="20",
            description="x",
            order_id=order.pk,
            today=TUESDAY,
        )
    assert error.value.status == 404


def test_export_marks_approved_claims_only(users, gm):
    claim, _ = submitted(users)
    with pytest.raises(ConflictError):
        claims.mark_claims_exported(claim_ids=[claim.pk], by=users[Role.FINANCE])
    for by in (users[Role.MANAGER], users[Role.FINANCE], gm):
        claim = approve(claim, by)
    [exported] = claims.mark_claims_exported(claim_ids=[claim.pk], by=users[Role.FINANCE])
    assert exported.status == ExpenseClaimStatus.EXPORTED


def test_the_claim_day_is_named_in_the_readers_language(users, tech):
    """Found by a helper's probe, 2026-12-06: the weekdays were written 周二 in English too."""
    from django.utils import translation

    claim, _order = claim_with(users)
    wednesday = TUESDAY + datetime.timedelta(days=1)
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        claims.submit_claim(claim_id=claim.pk, by=tech, now=at(wednesday))
    assert error.value.detail == "Claims are handed in on Tuesday."
