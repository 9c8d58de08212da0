"""One person's monthly statement, computed from the plan, the measured figures and what the manager
entered. Pure functions over plain values (no database), so each rule of the source is tested by hand.

Every amount is a ``Decimal`` in CNY; each line is rounded to the fen (half up) and the totals add the
rounded lines, so the statement adds up as printed. docs/pay.md says what each line means.
"""

import calendar
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop

from aftersales.core.amounts import FEN
from aftersales.core.text import label_colon
from aftersales.pay.plan import Bands, PlanDoc, TierTable

ZERO = Decimal(0)
QUARTER_ENDS = (3, 6, 9, 12)


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def warning(path: str, reason: str) -> str:
    """A statement's warning as stored: where in the plan (``education.college``), then why, as its English
    text (a message id: ``describe_warning`` translates it when shown)."""
    return f"{path}: {reason}"


def describe_warning(stored: str, plan: PlanDoc | None = None) -> str:
    """A stored warning in the reader's language: the reason translated, and the plan's path named by the
    plan's labels when the plan is given (the API keeps the path, which a program can follow). Stored
    warnings keep ": "; the reader's colon is ``label_colon`` (full width in Chinese)."""
    path, sep, reason = stored.partition(": ")
    if not sep:
        return gettext(stored)
    return f"{plan.describe(path) if plan else path}{label_colon()}{gettext(reason)}"


@dataclass(frozen=True)
class Measured:
    """A figure's value for one person (or their centre), with the records behind it."""

    value: Decimal = ZERO
    records: tuple[tuple[int, str, Decimal], ...] = ()  # (order id, number, amount)
    missing: str = ""
    unit: str = "amount"  # "score": the value is the rows' average, not their sum
    record_kind: str = "order"  # what the records are: orders (linked on screen), or days


@dataclass(frozen=True)
class Person:
    user_id: int
    education: str
    posts: tuple[str, ...]
    joined_on: datetime.date
    allowances: tuple[str, ...] = ()
    sex: str = ""  # "male" / "female" / "" (the attendance rule's higher threshold applies)


@dataclass(frozen=True)
class Entries:
    """What the manager entered on the statement."""

    coefficients: Mapping[str, Decimal] = field(default_factory=dict)
    values: Mapping[str, Decimal] = field(default_factory=dict)
    scores: Mapping[str, Decimal] = field(default_factory=dict)  # target, service, training
    release: str = ""  # "met" | "not_met" | "" at the release month
    award: str = ""  # "met" | "not_met" | "" at the year-end month: the department met the year's task
    # The person's attendance (%) as the manager entered it, over the "quarter" or the "year": wins over
    # the measured rate (check-ins), for those whose days are recorded elsewhere (office staff, a clock).
    attendance: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the run knows beyond the person: the figures by scope, the run's averages, the quarter's
    earlier performance per post and the year's earlier holdbacks (from approved statements)."""

    own: Mapping[str, Measured]
    centre: Mapping[str, Measured]
    averages: Mapping[str, Decimal] = field(default_factory=dict)
    # Who each average is taken over: [[name, amount without the coefficient], ...]
    averaged: Mapping[str, Sequence[tuple[str, Decimal]]] = field(default_factory=dict)
    quarter_before: Mapping[str, Decimal] = field(default_factory=dict)
    year_holdback_before: Decimal = ZERO
    adjustments: Sequence[tuple[Decimal, str]] = ()
    # At a quarter's end: the centre's completion of the quarter's target (%), None when not measured.
    quarter_completion: Decimal | None = None
    completion_detail: Mapping[str, str] = field(default_factory=dict)
    # Attendance (%) over the quarter and the year so far; None when the plan has no rule.
    quarter_attendance: Decimal | None = None
    year_attendance: Decimal | None = None
    # How many of the run's people hold each post (year-end awards shared among holders).
    holders: Mapping[str, int] = field(default_factory=dict)


@dataclass
class Result:
    lines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)

    def total(self, *sections: str) -> Decimal:
        return sum((Decimal(line["amount"]) for line in self.lines if line["section"] in sections), ZERO)

    def warn(self, path: str, reason: str) -> None:
        """Add a warning once: the quarterly bonus and the year-end award both ask for the same profile."""
        text = warning(path, reason)
        if text not in self.warnings:
            self.warnings.append(text)

    def add(self, section: str, code: str, label: str, amount: Decimal, **detail: Any) -> Decimal:
        amount = fen(amount)
        self.lines.append({"section": section, "code": code, "label": label, "amount": str(amount), **detail})
        return amount


def full_years(joined_on: datetime.date, on: datetime.date) -> int:
    years = on.year - joined_on.year - ((on.month, on.day) < (joined_on.month, joined_on.day))
    return max(years, 0)


def month_end(period: datetime.date) -> datetime.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def tier_amount(table: TierTable, value: Decimal) -> tuple[Decimal, list[dict[str, str]]]:
    """A tier table applied to ``value``: ``marginal`` pays each tier's rate on the part of the value
    inside it (0–200 at 0.5, 200–300 at 1 …); ``whole`` pays the rate of the tier the value falls in on
    the whole value. Returns the amount and one row per tier used (the statement shows them)."""
    rows: list[dict[str, str]] = []
    total = ZERO
    for tier in table.tiers:
        inside = value > tier.start and (tier.end is None or value <= tier.end)
        if table.mode == "whole":
            if inside or (value == 0 and tier.start == 0):
                part = value * tier.rate
                rows.append(_tier_row(tier.start, tier.end, tier.rate, value, part))
                return part, rows
            continue
        if value <= tier.start:
            break
        base = (value if tier.end is None else min(value, tier.end)) - tier.start
        part = base * tier.rate
        total += part
        rows.append(_tier_row(tier.start, tier.end, tier.rate, base, part))
    return total, rows


def _tier_row(start: Decimal, end: Decimal | None, rate: Decimal, base: Decimal, part: Decimal) -> dict[str, str]:
    return {
        "from": str(start),
        "to": "" if end is None else str(end),
        "rate": str(rate),
        "base": str(base),
        "amount": str(fen(part)),
    }


def coefficient_for(plan: PlanDoc, post: str, entries: Entries) -> tuple[Decimal, bool]:
    """The coefficient entered for ``post``, else the plan's default (1 where the plan has none)."""
    entered = entries.coefficients.get(post)
    if entered is not None:
        return entered, True
    default = plan.posts[post].coefficient.default
    return (default if default is not None else Decimal(1)), False


def performance_values(
    plan: PlanDoc, post: str, ctx: Context, entries: Entries, coefficient: Decimal, result: Result | None = None
) -> tuple[dict[str, Decimal], list[dict[str, Any]]]:
    """The values of every name a post's formula may read, and the tier tables' rows."""
    figures = ctx.centre if plan.posts[post].scope == "centre" else ctx.own
    values: dict[str, Decimal] = {code: m.value for code, m in figures.items()}
    tiers: list[dict[str, Any]] = []
    for code, table in plan.tiers.items():
        measured = figures.get(table.figure, Measured())
        amount, rows = tier_amount(table, measured.value)
        values[code] = amount
        tiers.append(
            {
                "code": code,
                "label": table.label,
                "figure": table.figure,
                "mode": table.mode,
                "rows": rows,
                "amount": str(fen(amount)),
            }
        )
    for code, allowance in plan.allowances.items():
        values[code] = allowance.amount if allowance.amount is not None else ZERO
    for code in plan.entered:
        values[code] = entries.values.get(code, ZERO)
    for code in plan.averages:
        values[code] = ctx.averages.get(code, ZERO)
    values["coefficient"] = coefficient
    return values, tiers


def commission_without_coefficient(plan: PlanDoc, formulas: Mapping[str, Any], post: str, ctx: Context) -> Decimal:
    """A post's formula with the coefficient at 1 (the source's 提成平均工资（未乘系数）)."""
    values, _tiers = performance_values(plan, post, ctx, Entries(), Decimal(1))
    return fen(formulas[post].evaluate(values))


def compute_statement(
    *, plan: PlanDoc, formulas: Mapping[str, Any], person: Person, period: datetime.date, entries: Entries, ctx: Context
) -> Result:
    result = Result()
    _base(plan, person, period, result)
    for code in person.allowances:
        allowance = plan.allowances.get(code)
        if allowance is None:
            result.warn(f"allowances.{code}", gettext_noop("not in this plan"))
            continue
        if allowance.amount is None:
            result.warn(f"allowances.{code}", gettext_noop("asked for (blank in the source)"))
        result.add("allowance", code, allowance.label, allowance.amount or ZERO)
    performance: dict[str, Decimal] = {}
    for post in person.posts:
        performance[post] = _performance(plan, formulas, post, ctx, entries, result)
    _quarterly(plan, person, period, entries, ctx, performance, result)
    _year_end(plan, person, period, entries, ctx, result)
    for amount, reason in ctx.adjustments:
        result.add("adjustment", "adjustment", reason, amount)
    gross = result.total("base", "allowance", "performance", "quarterly", "adjustment")  # monthly pay: held back
    percent = plan.holdback.percent if any(plan.posts[p].holdback for p in person.posts) else ZERO
    holdback = result.add("holdback", "holdback", f"预留 {percent}%", -(gross * percent / 100))
    if period.month == plan.holdback.release_month and entries.release:
        if entries.release == "met":
            released = ctx.year_holdback_before - holdback
            result.add("release", "release", "年终返还预留工资", released, note="conditions met")
        else:
            result.add("release", "release", "年终返还预留工资", ZERO, note="conditions not met")
    for figures, scope in ((ctx.own, "own"), (ctx.centre, "centre")):
        for code, measured in figures.items():
            if code in _names_used(plan, formulas, person, scope):
                result.figures[f"{scope}:{code}"] = {
                    "code": code,
                    "scope": scope,
                    "value": str(measured.value),
                    "missing": measured.missing,
                    "unit": measured.unit,
                    "record_kind": measured.record_kind,
                    "records": [[rid, ref, str(amount)] for rid, ref, amount in measured.records],
                }
    return result


def _names_used(plan: PlanDoc, formulas: Mapping[str, Any], person: Person, scope: str) -> set[str]:
    names: set[str] = set()
    for post in person.posts:
        if plan.posts[post].scope != scope or post not in formulas:
            continue
        names |= formulas[post].names
        names |= {plan.tiers[name].figure for name in formulas[post].names if name in plan.tiers}
    return names


def _base(plan: PlanDoc, person: Person, period: datetime.date, result: Result) -> None:
    education = plan.education.get(person.education)
    if education is None or education.amount is None:
        result.warn(f"education.{person.education}", gettext_noop("asked for (blank in the source)"))
    result.add(
        "base",
        "education",
        "学历工资" + (f"（{education.label}）" if education else ""),
        (education and education.amount) or ZERO,
    )
    levels = [(plan.posts[p].level, p) for p in person.posts if plan.posts[p].level is not None]
    if levels:
        level, post = max(levels)
        result.add(
            "base",
            "position",
            f"岗技工资（第{level}级，{plan.posts[post].label}）",
            plan.levels[level],
            level=level,
            post=post,
        )
    else:
        result.warn("posts", gettext_noop("no post of this person has a level in the plan (asked for)"))
        result.add("base", "position", "岗技工资", ZERO)
    years = full_years(person.joined_on, month_end(period))
    counted = min(years, plan.seniority.cap_years) if years >= plan.seniority.from_years else 0
    result.add(
        "base",
        "seniority",
        f"司龄工资（{years}年，计{counted}年）",
        plan.seniority.rate * counted,
        years=years,
        counted=counted,
    )


def _performance(
    plan: PlanDoc, formulas: Mapping[str, Any], post: str, ctx: Context, entries: Entries, result: Result
) -> Decimal:
    label = f"考评薪资（{plan.posts[post].label}）"
    if post not in formulas:
        result.warn(f"posts.{post}.formula", gettext_noop("asked for (the source gives none)"))
        return result.add("performance", post, label, ZERO, formula="")
    coefficient, entered = coefficient_for(plan, post, entries)
    values, tiers = performance_values(plan, post, ctx, entries, coefficient)
    formula = formulas[post]
    used = {name: str(values[name]) for name in sorted(formula.names)}
    read = {
        code: m
        for code, m in (ctx.centre if plan.posts[post].scope == "centre" else ctx.own).items()
        if code in formula.names or any(plan.tiers[t].figure == code for t in formula.names if t in plan.tiers)
    }
    missing = sorted({m.missing for m in read.values() if m.missing})
    orders = sorted({(rid, ref) for m in read.values() if m.record_kind == "order" for rid, ref, _amount in m.records})
    return result.add(
        "performance",
        post,
        label,
        formula.evaluate(values),
        formula=formula.text,
        values=used,
        coefficient=str(coefficient),
        coefficient_entered=entered,
        tiers=[t for t in tiers if t["code"] in formula.names],
        averages={
            code: [[name, str(amount)] for name, amount in ctx.averaged.get(code, ())]
            for code in sorted(formula.names & set(plan.averages))
        },
        missing=missing,
        orders=[[rid, ref] for rid, ref in orders],
    )


def points(bands: Bands, score: Decimal) -> Decimal:
    for at_least, earned in bands.bands:
        if score >= at_least:
            return earned
    return ZERO


def attendance_bar(plan: PlanDoc, person: Person) -> Decimal | None:
    """The attendance (%) a bonus needs for ``person`` (the higher threshold when the sex is not given)."""
    rule = plan.attendance
    if rule is None:
        return None
    if person.sex == "female":
        return rule.women
    if person.sex == "male":
        return rule.men
    return max(rule.men, rule.women)


def _attendance_refuses(
    plan: PlanDoc, person: Person, measured: Decimal | None, entered: Decimal | None, result: Result, what: str
) -> dict[str, str] | None:
    """``None`` when the bonus may be paid; else the note why not. Without a rule nothing is refused. The
    rate the manager entered wins over the measured one (check-ins): office staff do not check in, their
    days are kept elsewhere. A measured 0 % asks for the entry: a quarter without one day recorded is
    more often unrecorded than absent."""
    bar = attendance_bar(plan, person)
    if bar is None:
        return None
    rate, source = (entered, "entered") if entered is not None else (measured, "measured")
    if rate is None:
        result.warn("attendance", gettext_noop("not measured (the rule is not applied)"))
        return None
    if not person.sex:
        result.warn("profile.sex", gettext_noop("not given (the higher attendance threshold applies)"))
    if source == "measured" and rate == 0:
        result.warn("attendance", gettext_noop("no day recorded (enter the person's attendance if kept elsewhere)"))
    note = {"attendance": str(rate), "attendance_needed": str(bar), "attendance_from": source}
    return {**note, "refused": what} if rate < bar else note


def _quarterly(
    plan: PlanDoc,
    person: Person,
    period: datetime.date,
    entries: Entries,
    ctx: Context,
    performance: Mapping[str, Decimal],
    result: Result,
) -> None:
    """At a quarter's end, once the manager entered the scores: each post's bonus (fixed, or a share of
    the quarter's performance pay) times the weighted score. The target's completion is the centre's,
    measured, unless the manager entered the person's own; under 90 % it earns no bonus at all, and
    neither does attendance under the plan's threshold."""
    if period.month not in QUARTER_ENDS or not entries.scores:
        return
    q = plan.quarterly
    scores = dict(entries.scores)
    target_from = "entered"
    if "target" not in scores:
        target_from = "measured" if ctx.quarter_completion is not None else "missing"
        scores["target"] = ctx.quarter_completion if ctx.quarter_completion is not None else ZERO
        if ctx.quarter_completion is None:
            result.warn("quarterly.completion", gettext_noop("not measured (enter the target's completion)"))
    parts = {name: points(getattr(q, name), scores.get(name, ZERO)) for name in ("target", "service", "training")}
    score = sum((parts[name] * getattr(q, name).weight for name in parts), ZERO) / 100
    attendance = _attendance_refuses(
        plan, person, ctx.quarter_attendance, entries.attendance.get("quarter"), result, "quarterly"
    )
    for post in person.posts:
        spec = plan.posts[post]
        if spec.quarterly_share is not None:
            base = spec.quarterly_share * (ctx.quarter_before.get(post, ZERO) + performance.get(post, ZERO))
        elif spec.quarterly_bonus is not None:
            base = spec.quarterly_bonus
        else:
            continue
        paid = parts["target"] > 0 and not (attendance and "refused" in attendance)
        result.add(
            "quarterly",
            post,
            f"季度奖励（{spec.label}）",
            base * score / 100 if paid else ZERO,
            base=str(fen(base)),
            score=str(score),
            points={name: str(value) for name, value in parts.items()},
            completion=str(scores["target"]),
            completion_from=target_from,
            completion_detail=dict(ctx.completion_detail) if target_from == "measured" else {},
            **(attendance or {}),
        )


def _year_end(
    plan: PlanDoc, person: Person, period: datetime.date, entries: Entries, ctx: Context, result: Result
) -> None:
    """第四章: at the year-end month, once the manager entered that the year's task was met, each award
    of a post the person holds: the amount (``each``), the holders' equal part (``equal``) or the post's
    share divided among its holders (``shares``); none below the year's attendance threshold."""
    year_end = plan.year_end
    if year_end is None or period.month != year_end.month or entries.award != "met":
        return
    attendance = _attendance_refuses(
        plan, person, ctx.year_attendance, entries.attendance.get("year"), result, "year_end"
    )
    for code, award in year_end.awards.items():
        held = [post for post in award.posts if post in person.posts]
        if not held:
            continue
        if award.amount is None:
            result.warn(f"year_end.awards.{code}", gettext_noop("asked for (blank in the source)"))
        total = award.amount or ZERO
        if award.split == "each":
            amount, how = total, "each"
        elif award.split == "equal":
            sharing = sum(ctx.holders.get(post, 0) for post in award.posts) or 1
            amount, how = total / sharing, f"1/{sharing}"
        else:
            amount = sum((total * award.shares[post] / 100 / (ctx.holders.get(post, 0) or 1) for post in held), ZERO)
            how = "、".join(f"{award.shares[post]}%/{ctx.holders.get(post, 0) or 1}" for post in held)
        refused = attendance is not None and "refused" in attendance
        result.add(
            "year_end", code, award.label, ZERO if refused else amount, split=award.split, how=how, **(attendance or {})
        )
