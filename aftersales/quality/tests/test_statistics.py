"""Every statistic against values computed by hand from dataset.py (the arithmetic in the comments)."""

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db.models import Count

from aftersales.devices.models import Device, Rule, Trigger
from aftersales.quality import statistics as stats
from aftersales.quality.choices import Breakdown
from aftersales.quality.selectors import failure_report
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


WINDOWS = {
    "november": NOVEMBER,
    "a day": replace(NOVEMBER, start=datetime.date(2026, 11, 25), end=datetime.date(2026, 11, 25)),
    "two months": replace(NOVEMBER, start=datetime.date(2026, 10, 1)),
    "a year": replace(NOVEMBER, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)),
}


@pytest.mark.parametrize("reader", ["gm", "manager_sh", "manager_bj"])
@pytest.mark.parametrize("window", list(WINDOWS))
def test_the_report_gives_each_figure_as_computed_alone(data, reader, window):
    # The page's report reads the headline and the model table from shared statements (counts per model;
    # one LAG for the repeats and the MTBF): the same figures as the figures computed on their own.
    user, filters = data.people[reader], WINDOWS[window]

    report = failure_report(user, filters)

    head = stats.failures(user, filters).aggregate(failures=Count("pk"), units=Count("unit_id", distinct=True))
    assert report.totals == {**head, **stats.repeats(user, filters)}  # repeats: repeat_failures' own LAG each
    assert stats.history_figures(user, filters).repeats == stats.repeats(user, filters)
    assert report.totals == stats.totals(user, filters)
    assert report.by_model == stats.by_model(user, filters)
    # The fault codes counted from the triggers' side, the ages per month then banded: each row is the
    # count of its click-through list (the per-order CASE of ``with_dimensions``).
    assert report.by_fault_code == stats.by_fault_code(user, filters)
    for breakdown, rows in ((Breakdown.FAULT, report.by_fault_code), (Breakdown.AGE, report.by_age)):
        for row in rows:
            assert stats.figure_orders(user, filters, figure=breakdown, key=row["key"]).count() == row["failures"]
    assert sum(row["failures"] for row in report.by_age) == report.totals["failures"]
    for figure, days in stats.REPEAT_DAYS.items():
        assert stats.figure_orders(user, filters, figure=figure).count() == report.totals[figure]
        assert stats.repeat_failures(user, filters, days=days).count() == report.totals[figure]


def test_the_report_of_a_customer_and_of_a_centre(data):
    gm = data.people["gm"]
    for filters in (replace(NOVEMBER, customer=data.customers["c1"].pk), replace(NOVEMBER, centre=data.bj.pk)):
        report = failure_report(gm, filters)
        assert report.totals == stats.totals(gm, filters)
        assert report.by_model == stats.by_model(gm, filters)
    assert failure_report(gm, replace(NOVEMBER, customer=data.customers["c1"].pk)).totals == {
        "failures": 3,  # o2 o3 o4
        "units": 2,  # u1 u2
        "repeat30": 2,  # o2 (o1 16 d before, at BJ), o3 (o2 20 d before)
        "repeat90": 3,  # o4 (o0 87 d before)
    }


def test_a_failure_with_several_device_triggers_counts_under_its_first_fault_code(data):
    # o8 (E101) fires again with E202 and with a threshold rule: it stays one E101 failure; o4 gets only a
    # later non-fault trigger: no fault code.
    o8, o4 = data.orders["o8"], data.orders["o4"]
    device = Device.objects.get(serial="DEV-Q1")
    for order, cause in ((o8, "fault:E202"), (o8, "threshold:temperature"), (o4, "threshold:temperature")):
        rule = Rule.objects.create(name=cause, kind="fault", fault_code=cause[-4:])
        Trigger.objects.create(
            rule=rule, device=device, unit=order.unit, cause=cause, order=order, fired_at=o8.received_at
        )

    rows = stats.by_fault_code(data.people["gm"], NOVEMBER)

    assert [(row["key"], row["failures"]) for row in rows] == [("", 4), ("E101", 2)]
    assert failure_report(data.people["gm"], NOVEMBER).by_fault_code == rows
    for row in rows:
        assert (
            stats.figure_orders(data.people["gm"], NOVEMBER, figure="fault", key=row["key"]).count() == row["failures"]
        )
