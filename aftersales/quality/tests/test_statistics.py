"""Every statistic against values computed by hand from dataset.py (the arithmetic in the comments)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from aftersales.quality import statistics as stats
from aftersales.quality.choices import Breakdown
from aftersales.quality.tests.dataset import NOVEMBER

pytestmark = pytest.mark.django_db


def test_failures_count_only_failure_kinds_in_the_local_period(data):
    # o2 o3 o4 o5 o8 o10: o6 maintenance, o7 cancelled, o9 misuse, o0/o1 before, o11 after (00:10 local on 1 Dec)
    assert set(stats.failures(data.people["gm"], NOVEMBER).values_list("pk", flat=True)) == data.ids(
        "o2", "o3", "o4", "o5", "o8", "o10"
    )


def test_by_model_counts_rate_and_mtbf(data):
    rows = {row["code"]: row for row in stats.by_model(data.people["gm"], NOVEMBER)}

    # QA: o2 o3 o4 o5 = 4 failures; in the field on 30 Nov: u1 u2 u3 u6 = 4 (u7 installed 1 Dec)
    assert (rows["QA-100"]["failures"], rows["QA-100"]["units"]) == (4, 4)
    assert rows["QA-100"]["rate"] == Decimal("1000.0")  # 4 / 4 × 1000
    # QB: o8 o10 = 2; field u4 u5 u8 = 3 (u5 has no dates: registered 2026-05-01)
    assert (rows["QB-200"]["failures"], rows["QB-200"]["units"]) == (2, 3)
    assert rows["QB-200"]["rate"] == Decimal("666.7")  # 2 / 3 × 1000 = 666.67
    # QA intervals: o2 16 d (20 Oct → 5 Nov: 11 + 5), o3 20 d (5 → 25 Nov), o4 87 d (15 Aug → 10 Nov:
    # 16 + 30 + 31 + 10), o5 first failure of u3: 10 Jun 2024 → 30 Nov 2026 = 730 + 173 = 903 d;
    # (16 + 20 + 87 + 903) / 4 = 1026 / 4 = 256.5
    assert rows["QA-100"]["mtbf_days"] == Decimal("256.5")
    # QB: o8 first failure of u4: 1 Oct → 3 Nov = 33 d; o10 (u5) has no start date: left out
    assert rows["QB-200"]["mtbf_days"] == Decimal("33.0")
    assert [row["code"] for row in stats.by_model(data.people["gm"], NOVEMBER)] == ["QA-100", "QB-200"]


def test_by_part_counts_failure_orders_and_quantity(data):
    rows = {row["label"]: row for row in stats.by_part(data.people["gm"], NOVEMBER)}

    # BRG-1 on o2 (×2) and o3 (×1); its o1 line is before the period
    assert (rows["BRG-1 轴承"]["failures"], rows["BRG-1 轴承"]["quantity"]) == (2, Decimal("3"))
    # PCB-9 on o5 only: o6 is maintenance, o7 cancelled
    assert (rows["PCB-9 控制板"]["failures"], rows["PCB-9 控制板"]["quantity"]) == (1, Decimal("1"))
    assert len(rows) == 2


def test_by_fault_code_from_the_device_rule_that_opened_the_order(data):
    rows = {row["key"]: row["failures"] for row in stats.by_fault_code(data.people["gm"], NOVEMBER)}

    assert rows == {"E101": 2, "": 4}  # o8 o10 by the E101 rule; o2 o3 o4 o5 without a code


def test_by_batch_is_the_serial_without_its_last_four_characters(data):
    rows = {row["key"]: row["failures"] for row in stats.by_batch(data.people["gm"], NOVEMBER)}

    # QA2401: o2 o3 (u1) + o4 (u2); QA2405: o5 (u3); QB2501: o8 (u4) + o10 (u5)
    assert rows == {"QA2401": 3, "QA2405": 1, "QB2501": 2}


def test_by_age_in_whole_months_since_installation_else_purchase(data):
    rows = {row["key"]: row["failures"] for row in stats.by_age(data.people["gm"], NOVEMBER)}

    # o2: 15 Jan → 5 Nov = 9 months (10, the 5th before the 15th); o3: 15 Jan → 25 Nov = 10;
    # o4: bought 20 Nov 2025 → 10 Nov 2026 = 11; o5: 10 Jun 2024 → 30 Nov 2026 = 29; o8: 1 Oct → 3 Nov = 1;
    # o10: no date → unknown
    assert rows == {"0-3": 1, "3-6": 0, "6-12": 3, "12-24": 0, "24-36": 1, "36+": 0, "unknown": 1}


def test_repeats_within_30_and_90_days_look_back_before_the_period_and_across_centres(data):
    # o2: 16 d after o1 (BJ, October); o3: 20 d after o2; o4: 87 d after o0 (90 only); o5: u3's o6/o7 are
    # no failures; o8, o10: first failures
    assert stats.repeats(data.people["gm"], NOVEMBER) == {"repeat30": 2, "repeat90": 3}
    assert set(stats.repeat_failures(data.people["gm"], NOVEMBER, days=30).values_list("pk", flat=True)) == data.ids(
        "o2", "o3"
    )
    # SH's manager sees o2 o3 o4; o1 at BJ still counts as o2's previous failure
    assert stats.repeats(data.people["manager_sh"], NOVEMBER) == {"repeat30": 2, "repeat90": 3}
    assert stats.repeats(data.people["manager_bj"], NOVEMBER) == {"repeat30": 0, "repeat90": 0}


def test_the_headline_totals_list_exactly_their_orders(data):
    gm, sh = data.people["gm"], data.people["manager_sh"]

    assert set(stats.figure_orders(gm, NOVEMBER, figure="all").values_list("pk", flat=True)) == data.ids(
        "o2", "o3", "o4", "o5", "o8", "o10"
    )
    # one order per unit that failed, its latest failure: u1 → o3 (not o2)
    units = stats.figure_orders(gm, NOVEMBER, figure="units")
    assert set(units.values_list("pk", flat=True)) == data.ids("o3", "o4", "o5", "o8", "o10")
    assert units.count() == stats.totals(gm, NOVEMBER)["units"]
    assert stats.figure_orders(sh, NOVEMBER, figure="units").count() == stats.totals(sh, NOVEMBER)["units"] == 3


def test_scope_a_manager_sees_only_their_centres_failures(data):
    sh = stats.totals(data.people["manager_sh"], NOVEMBER)
    bj = stats.totals(data.people["manager_bj"], NOVEMBER)

    assert (sh["failures"], sh["units"]) == (4, 3)  # o2 o3 o4 o5 on u1 u2 u3
    assert (bj["failures"], bj["units"]) == (2, 2)  # o8 o10 on u4 u5
    assert stats.by_part(data.people["manager_bj"], NOVEMBER) == []


def test_filters_centre_model_customer(data):
    gm = data.people["gm"]

    assert stats.totals(gm, replace(NOVEMBER, centre=data.bj.pk))["failures"] == 2  # o8 o10
    assert stats.totals(gm, replace(NOVEMBER, product_model=data.qb.pk))["failures"] == 2
    c1 = replace(NOVEMBER, customer=data.customers["c1"].pk)
    rows = stats.by_model(gm, c1)
    # c1: o2 o3 o4 on QA; c1's QA units in the field: u1 u2 u6 = 3 (u7 not yet) → 3 / 3 × 1000
    assert [(row["code"], row["failures"], row["units"], row["rate"]) for row in rows] == [
        ("QA-100", 3, 3, Decimal("1000.0"))
    ]
    # c1's MTBF: (16 + 20 + 87) / 3 = 41.0
    assert rows[0]["mtbf_days"] == Decimal("41.0")


@pytest.mark.parametrize(
    ("figure", "key", "expected"),
    [
        (Breakdown.MODEL, "qa", {"o2", "o3", "o4", "o5"}),
        (Breakdown.PART, "p1", {"o2", "o3"}),
        (Breakdown.FAULT, "E101", {"o8", "o10"}),
        (Breakdown.FAULT, "", {"o2", "o3", "o4", "o5"}),
        (Breakdown.BATCH, "QA2401", {"o2", "o3", "o4"}),
        (Breakdown.AGE, "6-12", {"o2", "o3", "o4"}),
        (Breakdown.AGE, "unknown", {"o10"}),
        (Breakdown.REPEAT_90, "", {"o2", "o3", "o4"}),
    ],
)
def test_figure_orders_are_the_records_behind_each_figure(data, figure, key, expected):
    key = {"qa": str(data.qa.pk), "p1": str(data.parts["p1"].pk)}.get(key, key)

    orders = stats.figure_orders(data.people["gm"], NOVEMBER, figure=figure, key=key)

    assert set(orders.values_list("pk", flat=True)) == data.ids(*expected)


def test_rate_without_units_is_none():
    assert stats.rate_per_thousand(3, 0) is None


def test_unknown_figure_is_refused(data):
    with pytest.raises(ValueError):
        stats.figure_orders(data.people["gm"], NOVEMBER, figure="colour")
    with pytest.raises(ValueError):
        stats.with_dimensions(stats.failures(data.people["gm"], NOVEMBER), "colour")


def test_report_section_carries_the_same_figures(data):
    from aftersales.quality.report import section, sees_section

    tables = section(data.people["gm"], NOVEMBER)

    assert tables[0].rows == [[6, 5, 2, 3]]  # failures, units, repeats 30 and 90 (as above)
    assert [row[:3] for row in tables[1].rows] == [["QA-100 空压机 QA", 4, 4], ["QB-200 发电机组 QB", 2, 3]]
    assert len(tables) == 6
    assert sees_section(data.people["gm"]) and not sees_section(data.people["agent_sh"])


def test_the_monthly_report_carries_the_failure_section(data):
    from aftersales.reports.periodic import build_report
    from aftersales.reports.periods import Period

    november = Period(kind="monthly", start=NOVEMBER.start, end=NOVEMBER.end, label="2026-11")

    gm = {built.section.key: built for built in build_report(user=data.people["gm"], period=november)}
    agent = {built.section.key for built in build_report(user=data.people["agent_sh"], period=november)}

    assert gm["quality"].tables[0].rows == [[6, 5, 2, 3]]
    assert "quality" not in agent
