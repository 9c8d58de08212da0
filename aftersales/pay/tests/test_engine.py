"""The source's formulas, computed by hand, against the engine (no database)."""

import datetime
from decimal import Decimal as D

import pytest

from aftersales.pay.default_plan import DEFAULT_PLAN
from aftersales.pay.engine import Context, Entries, Measured, Person, compute_statement, tier_amount
from aftersales.pay.figures import ORDER_SOURCES, STAND_INS
from aftersales.pay.plan import check_plan

KEYS = {s.key for s in (*ORDER_SOURCES, *STAND_INS)}
PLAN = check_plan(DEFAULT_PLAN, figure_keys=KEYS)
FORMULAS = PLAN.formulas(KEYS)
MAY = datetime.date(2026, 5, 1)


def figures(**values: str) -> dict[str, Measured]:
    return {key: Measured(D(values.get(key, "0"))) for key in KEYS}


def statement(
    posts,
    *,
    own=None,
    centre=None,
    joined=datetime.date(2020, 1, 1),
    education="bachelor",
    entries=None,
    period=MAY,
    **ctx,
):
    return compute_statement(
        plan=PLAN,
        formulas=FORMULAS,
        person=Person(user_id=1, education=education, posts=tuple(posts), joined_on=joined),
        period=period,
        entries=entries or Entries(),
        ctx=Context(own=own or figures(), centre=centre or figures(), **ctx),
    )


def line(result, section, code):
    return D(next(ln for ln in result.lines if ln["section"] == section and ln["code"] == code)["amount"])


def test_service_manager_formula_times_the_coefficient():
    # (300,000 × 0.6 % + 120,000 × 0.15 % + 412 × 0.2) × 0.85 = (1800 + 180 + 82.4) × 0.85 = 1753.04
    result = statement(
        ["service_manager"],
        centre=figures(labour_revenue="300000", parts_revenue="120000", repairs="412"),
        entries=Entries(coefficients={"service_manager": D("0.85")}),
    )
    assert line(result, "performance", "service_manager") == D("1753.04")
    assert line(result, "base", "position") == D("550")


def test_adviser_commission_crosses_tiers_of_receptions_and_revenue():
    # receptions 260: 200 × 0.5 + 60 × 1 = 160; revenue 120,000: 40,000 × 0.004 + 60,000 × 0.006 + 20,000 × 0.009 = 700
    # (160 + 700) × 1.3 = 1118
    result = statement(["service_adviser"], own=figures(receptions="260", labour_revenue="120000"))
    assert line(result, "performance", "service_adviser") == D("1118.00")
    perf = next(ln for ln in result.lines if ln["section"] == "performance")
    assert [row["amount"] for row in perf["tiers"][0]["rows"]] == ["100.00", "60.00"]
    assert [row["amount"] for row in perf["tiers"][1]["rows"]] == ["160.00", "360.00", "180.00"]


def test_tiers_applied_to_the_whole_figure_when_the_plan_says_whole():
    table = PLAN.tiers["adviser_receptions"].model_copy(update={"mode": "whole"})
    assert tier_amount(table, D(260))[0] == D(260)  # all 260 at the 200–300 rate of 1
    assert tier_amount(table, D(200))[0] == D(100)  # the end of a tier belongs to it
    assert tier_amount(table, D(301))[0] == D(602)


def test_parts_roles_are_a_share_of_parts_sales():
    centre = figures(parts_sales="250000")
    assert line(statement(["parts_supervisor"], centre=centre), "performance", "parts_supervisor") == D(
        "718.75"
    )  # 250000×0.25%×1.15
    assert line(statement(["parts_planner"], centre=centre), "performance", "parts_planner") == D(
        "300.00"
    )  # ×0.12%×1 (no coefficient in the source)
    assert line(statement(["chief_parts_clerk"], centre=centre), "performance", "chief_parts_clerk") == D(
        "540.00"
    )  # ×0.12%×1.8


@pytest.mark.parametrize(
    ("joined", "years", "amount"),
    [
        (datetime.date(2026, 1, 10), 0, "0"),  # not a full year yet
        (datetime.date(2025, 5, 31), 1, "20"),  # a full year on the month's last day
        (datetime.date(2016, 5, 1), 10, "200"),  # at the cap
        (datetime.date(2009, 3, 1), 17, "200"),  # over the cap: still 10 years
    ],
)
def test_seniority_20_a_year_after_the_first_full_year_at_most_10(joined, years, amount):
    result = statement(["storekeeper"], joined=joined)
    seniority = next(ln for ln in result.lines if ln["code"] == "seniority")
    assert seniority["years"] == years
    assert D(seniority["amount"]) == D(amount)


def test_two_posts_paid_at_the_higher_level_and_both_formulas():
    result = statement(
        ["storekeeper", "quality_inspector"], centre=figures(labour_revenue="100000", valid_receptions="300")
    )
    assert line(result, "base", "position") == D("340")  # level 4 (质检员) over level 2 (库管员)
    assert line(result, "performance", "quality_inspector") == D("1012.00")  # (800 + 120) × 1.1
    assert "posts.storekeeper.formula: asked for (the source gives none)" in result.warnings


def test_holdback_is_ten_percent_of_gross_and_totals_add_up():
    result = statement(["service_manager"], centre=figures(repairs="100"), education="postgraduate")
    # base 200 + 550 + seniority (2020-01 → 6 years) 120 = 870; performance 100 × 0.2 × 0.9 = 18 → gross 888
    assert result.total("base", "allowance", "performance", "quarterly", "adjustment") == D("888.00")
    assert line(result, "holdback", "holdback") == D("-88.80")


def test_blank_education_is_asked_for_and_counts_zero():
    result = statement(["storekeeper"], education="college")
    assert line(result, "base", "education") == D(0)
    assert "education.college: asked for (blank in the source)" in result.warnings


def test_front_desk_is_the_advisers_average_commission_times_coefficient():
    result = statement(["front_desk_assistant"], averages={"adviser_average_commission": D("860")})
    assert line(result, "performance", "front_desk_assistant") == D("688.00")  # 860 × 0.8


def test_quarterly_bonus_weighs_target_service_and_training():
    june = datetime.date(2026, 6, 1)
    # scores 96 % (90 points), 85 (80), 75 (80): 0.4×90 + 0.3×80 + 0.3×80 = 84 → 2500 × 84 % = 2100
    result = statement(
        ["service_manager"], period=june, entries=Entries(scores={"target": D(96), "service": D(85), "training": D(75)})
    )
    assert line(result, "quarterly", "service_manager") == D("2100.00")
    below = statement(
        ["service_manager"],
        period=june,
        entries=Entries(scores={"target": D(89), "service": D(100), "training": D(100)}),
    )
    assert line(below, "quarterly", "service_manager") == D(0)  # under 90 % of the target: no bonus


def test_adviser_quarterly_bonus_is_40_percent_of_the_quarters_commission():
    june = datetime.date(2026, 6, 1)
    result = statement(
        ["service_adviser"],
        period=june,
        own=figures(receptions="100"),  # 50 × 1.3 = 65 this month
        quarter_before={"service_adviser": D("935")},
        entries=Entries(scores={"target": D(100), "service": D(95), "training": D(90)}),
    )
    assert line(result, "quarterly", "service_adviser") == D("400.00")  # (935 + 65) × 40 % × 100 %


def test_release_month_pays_back_the_years_holdback_when_met():
    december = datetime.date(2026, 12, 1)
    result = statement(
        ["storekeeper"], period=december, year_holdback_before=D("550.00"), entries=Entries(release="met")
    )
    held = -line(result, "holdback", "holdback")
    assert line(result, "release", "release") == D("550.00") + held
    kept = statement(
        ["storekeeper"], period=december, year_holdback_before=D("550.00"), entries=Entries(release="not_met")
    )
    assert line(kept, "release", "release") == D(0)
