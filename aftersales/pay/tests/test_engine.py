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


def test_a_warning_is_shown_in_the_readers_language():
    """Found by a helper's probe, 2026-12-06: the API answered a Chinese reader in English."""
    from django.utils import translation

    from aftersales.pay.engine import describe_warning

    stored = statement(["storekeeper"], education="college").warnings

    with translation.override("zh-hans"):
        shown = [describe_warning(warning) for warning in stored]
    with translation.override("en"):
        english = [describe_warning(warning) for warning in stored]

    assert "education.college：待填写（来源表中为空）" in shown
    assert english == stored


def test_a_warning_names_the_plans_labels_not_its_paths():
    """Left by the 18th session: a statement said ``education.college``, which its reader cannot place."""
    from django.utils import translation

    from aftersales.pay.engine import describe_warning

    stored = statement(["storekeeper"], education="college").warnings
    with translation.override("zh-hans"):
        shown = [describe_warning(warning, PLAN) for warning in stored]
    assert "学历工资 · 大专（初级职称、（职高）高技）：待填写（来源表中为空）" in shown
    assert not any("education." in text for text in shown)


def test_every_path_the_plan_asks_for_has_a_label():
    from django.utils import translation

    with translation.override("zh-hans"):
        described = {path: PLAN.describe(path) for path in [*PLAN.asked(), "posts"]}
    assert described["posts"] == "岗位"
    assert described["posts.deputy_gm.formula"] == f"{PLAN.posts['deputy_gm'].label} · 公式"
    assert all(text != path for path, text in described.items()), described
    assert PLAN.describe("posts.no_such_post.level") == "posts.no_such_post.level"  # a plan since changed


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


def test_technical_director_quality_inspector_and_accident_adviser():
    centre = figures(labour_revenue="200000", valid_receptions="300")
    # (200000 × 0.01 + 300 × 0.5 + 350) × 1.1 = (2000 + 150 + 350) × 1.1 = 2750
    assert line(statement(["technical_director"], centre=centre), "performance", "technical_director") == D("2750.00")
    # (200000 × 0.008 + 300 × 0.4) × 1.1 = (1600 + 120) × 1.1 = 1892
    assert line(statement(["quality_inspector"], centre=centre), "performance", "quality_inspector") == D("1892.00")
    own = figures(receptions="85", labour_revenue="63412.35", parts_revenue="41230.08")
    # (85 × 2 + 63412.35 × 0.02 + 41230.08 × 0.01) × 1.2 = (170 + 1268.247 + 412.3008) × 1.2 = 2220.65776
    assert line(statement(["accident_adviser"], own=own), "performance", "accident_adviser") == D("2220.66")


def test_driver_and_painter_formulas():
    centre = figures(labour_revenue="300000", parts_revenue="120000", repairs="412", paint_sales="8000")
    # (300000 + 120000) × 0.1 % + 救急补贴 150 (entered) = 570, no coefficient in the source
    driver = statement(["driver"], centre=centre, entries=Entries(values={"emergency_allowance": D("150")}))
    assert line(driver, "performance", "driver") == D("570.00")
    # (412 × 0.3 + 8000 × 15 %) × 1.4 = (123.6 + 1200) × 1.4 = 1853.04
    assert line(statement(["painter_tool_keeper"], centre=centre), "performance", "painter_tool_keeper") == D("1853.04")


def test_adviser_commission_over_the_top_tiers_to_the_fen():
    # receptions 312: 100 + 100 + 12 × 2 = 224; revenue 135,000.55: 160 + 360 + 270 + 5000.55 × 0.01 = 840.0055
    # (224 + 840.0055) × 1.3 = 1383.20715 → 1383.21
    result = statement(["service_adviser"], own=figures(receptions="312", labour_revenue="135000.55"))
    assert line(result, "performance", "service_adviser") == D("1383.21")


def test_quarterly_target_is_the_measured_completion_unless_entered():
    june = datetime.date(2026, 6, 1)
    scores = {"service": D(85), "training": D(75)}
    measured = statement(
        ["service_manager"], period=june, quarter_completion=D("95.40"), entries=Entries(scores=scores)
    )
    # 95.40 % → 90 points: 0.4 × 90 + 0.3 × 80 + 0.3 × 80 = 84 → 2500 × 84 % = 2100
    assert line(measured, "quarterly", "service_manager") == D("2100.00")
    quarterly = next(ln for ln in measured.lines if ln["section"] == "quarterly")
    assert (quarterly["completion"], quarterly["completion_from"]) == ("95.40", "measured")
    entered = statement(
        ["service_manager"],
        period=june,
        quarter_completion=D("95.40"),
        entries=Entries(scores={**scores, "target": D(100)}),
    )
    assert line(entered, "quarterly", "service_manager") == D("2200.00")  # 0.4 × 100 + 24 + 24 = 88 %
    unknown = statement(["service_manager"], period=june, entries=Entries(scores=scores))
    assert line(unknown, "quarterly", "service_manager") == D(0)
    assert "quarterly.completion: not measured (enter the target's completion)" in unknown.warnings


@pytest.mark.parametrize(
    ("sex", "rate", "paid"),
    [
        ("male", "96.00", True),
        ("male", "95.99", False),
        ("female", "94.00", True),
        ("female", "93.50", False),
        ("", "95.00", False),
        ("", "96.00", True),
    ],
)
def test_bonuses_need_the_attendance_of_the_persons_sex(sex, rate, paid):
    june = datetime.date(2026, 6, 1)
    result = compute_statement(
        plan=PLAN,
        formulas=FORMULAS,
        person=Person(user_id=1, education="bachelor", posts=("service_manager",), joined_on=MAY, sex=sex),
        period=june,
        entries=Entries(scores={"target": D(100), "service": D(90), "training": D(80)}),
        ctx=Context(own=figures(), centre=figures(), quarter_attendance=D(rate)),
    )
    assert line(result, "quarterly", "service_manager") == (D("2500.00") if paid else D(0))
    quarterly = next(ln for ln in result.lines if ln["section"] == "quarterly")
    assert ("refused" in quarterly) is not paid
    assert ("profile.sex: not given (the higher attendance threshold applies)" in result.warnings) is (sex == "")


def year_end(posts, *, holders, award="met", attendance="100", sex="male"):
    return compute_statement(
        plan=PLAN,
        formulas=FORMULAS,
        person=Person(user_id=1, education="bachelor", posts=tuple(posts), joined_on=MAY, sex=sex),
        period=datetime.date(2026, 12, 1),
        entries=Entries(award=award),
        ctx=Context(own=figures(), centre=figures(), year_attendance=D(attendance), holders=holders),
    )


def test_year_end_awards_each_equal_and_by_shares():
    assert line(year_end(["service_manager"], holders={"service_manager": 1}), "year_end", "service_manager") == D(
        "5000.00"
    )
    # 事故车服务顾问 9000 shared by the 3 who hold the post
    accident = year_end(["accident_adviser"], holders={"accident_adviser": 3})
    assert line(accident, "year_end", "accident_advisers") == D("3000.00")
    # 配件部 10000: 库管员 26 % (库管1 14 % + 库管2 12 %) shared by 2 storekeepers = 1300 each
    keeper = year_end(["storekeeper"], holders={"storekeeper": 2, "parts_supervisor": 1})
    assert line(keeper, "year_end", "parts_department") == D("1300.00")
    supervisor = year_end(["parts_supervisor"], holders={"storekeeper": 2, "parts_supervisor": 1})
    assert line(supervisor, "year_end", "parts_department") == D("2600.00")
    # both posts of one award: the two shares
    both = year_end(["parts_supervisor", "storekeeper"], holders={"storekeeper": 1, "parts_supervisor": 1})
    assert line(both, "year_end", "parts_department") == D("5200.00")
    # the award is not monthly pay: not held back
    held = -line(keeper, "holdback", "holdback")
    assert held == (keeper.total("base", "allowance", "performance") * D("0.1")).quantize(D("0.01"))


def test_no_year_end_award_without_the_task_met_or_below_the_attendance():
    assert not [ln for ln in year_end(["service_manager"], holders={}, award="").lines if ln["section"] == "year_end"]
    assert not [
        ln for ln in year_end(["service_manager"], holders={}, award="not_met").lines if ln["section"] == "year_end"
    ]
    low = year_end(["service_manager"], holders={"service_manager": 1}, attendance="95.5")
    assert line(low, "year_end", "service_manager") == D(0)
    assert not [ln for ln in year_end(["storekeeper"], holders={}).lines if ln["code"] == "service_manager"]


def test_the_attendance_entered_wins_and_each_warning_is_given_once():
    """December is a quarter's end and the year-end month: both bonuses ask for the attendance and the
    profile's sex, and the statement says each once."""
    december = datetime.date(2026, 12, 1)
    scores = {"target": D(100), "service": D(90), "training": D(80)}

    def compute(**entered):
        return compute_statement(
            plan=PLAN,
            formulas=FORMULAS,
            person=Person(user_id=1, education="bachelor", posts=("service_manager",), joined_on=MAY),
            period=december,
            entries=Entries(scores=scores, award="met", **entered),
            ctx=Context(
                own=figures(), centre=figures(), quarter_attendance=D(0), year_attendance=D(0), holders={"x": 1}
            ),
        )

    measured = compute()
    assert line(measured, "quarterly", "service_manager") == D(0) and line(measured, "year_end", "service_manager") == 0
    assert measured.warnings.count("profile.sex: not given (the higher attendance threshold applies)") == 1
    unrecorded = "attendance: no day recorded (enter the person's attendance if kept elsewhere)"
    assert measured.warnings.count(unrecorded) == 1
    entered = compute(attendance={"quarter": D("96.5"), "year": D(96)})
    assert line(entered, "quarterly", "service_manager") == D("2500.00")
    assert line(entered, "year_end", "service_manager") == D("5000.00")
    assert unrecorded not in entered.warnings
    quarterly = next(ln for ln in entered.lines if ln["section"] == "quarterly")
    assert (quarterly["attendance"], quarterly["attendance_from"]) == ("96.5", "entered")
