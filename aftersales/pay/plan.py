"""The pay plan as data: its document's shape, and the checks run when a plan is saved.

A plan is one JSON document (``PayPlan.document``), read through :class:`PlanDoc`. ``None`` where the
source leaves a value blank: the plan lists it under ``asked`` and a statement that needs it says so
(docs/pay.md). :func:`check_plan` refuses, with the field it is about, a formula that does not parse,
reads an unknown name or may divide by zero; tiers with a gap or an overlap; a coefficient range upside
down; a post on a level the plan does not have.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aftersales.core.errors import ValidationFailed
from aftersales.pay.formulas import Formula, FormulaError, compile_formula

Amount = Decimal | None


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Labelled(Part):
    label: str = Field(max_length=100)
    amount: Amount = None


class Seniority(Part):
    rate: Decimal = Field(ge=0, description="CNY a month for each full year of service counted")
    from_years: int = Field(1, ge=0, le=50, description="Counted only once this many full years are served")
    cap_years: int = Field(ge=0, le=60, description="At most this many years are counted")


class Coefficient(Part):
    min: Amount = Field(None, ge=0)
    max: Amount = Field(None, ge=0)
    default: Amount = Field(None, ge=0)


class Post(Part):
    label: str = Field(max_length=100)
    level: int | None = None
    coefficient: Coefficient = Coefficient()
    formula: str | None = Field(None, max_length=500)
    scope: Literal["own", "centre"] = "own"
    quarterly_bonus: Amount = Field(None, ge=0, description="Paid at the quarter's end, times the weighted score")
    quarterly_share: Amount = Field(None, ge=0, le=1, description="Or a share of the quarter's performance pay")
    holdback: bool = True


class Tier(Part):
    start: Decimal = Field(alias="from", ge=0)
    end: Decimal | None = Field(None, alias="to")
    rate: Decimal


class TierTable(Part):
    label: str = Field(max_length=100)
    figure: str
    mode: Literal["marginal", "whole"] = "marginal"
    tiers: list[Tier] = Field(min_length=1, max_length=20)


class Entered(Part):
    label: str = Field(max_length=100)


class Average(Part):
    label: str = Field(max_length=100)
    post: str


class FigureRule(Part):
    kinds: list[str] = Field(default_factory=list, description="Order kinds that count (empty: every kind)")
    statuses: list[str] = Field(default_factory=list, description="Statuses that count (empty: every status)")
    counted_on: Literal["received_at", "completed_at", "closed_at"] = "received_at"


class Bands(Part):
    """Score bands: ``[at least, points]``, highest first; below the last band the points are 0."""

    weight: Decimal = Field(ge=0, le=100)
    bands: list[tuple[Decimal, Decimal]] = Field(min_length=1, max_length=10)


class Completion(Part):
    """How the quarter's target completion is measured: the sum of ``figures`` over the quarter (the
    centre's) against ``targets[quarter][target]``. The manager may enter a person's own instead."""

    figures: list[str] = Field(min_length=1, max_length=10)
    target: str = Field(max_length=40)


class Quarterly(Part):
    target: Bands
    service: Bands
    training: Bands
    targets: dict[str, dict[str, Amount]] = Field(default_factory=dict)
    completion: Completion | None = None


class AttendanceRule(Part):
    """Bonuses (quarterly, year-end) only for a rate of attendance at least ``men`` / ``women`` per cent
    (the quarter's, the year's): days attended (``figure``) over the calendar's working days."""

    figure: str = "attendance_days"
    men: Decimal = Field(ge=0, le=100)
    women: Decimal = Field(ge=0, le=100)


class Award(Part):
    """A year-end award: ``each`` holder of the posts gets ``amount``; ``equal``: the holders share it;
    ``shares``: each post takes its per cent of it (``shares``), shared by that post's holders."""

    label: str = Field(max_length=100)
    amount: Amount = Field(None, ge=0)
    posts: list[str] = Field(min_length=1, max_length=20)
    split: Literal["each", "equal", "shares"] = "each"
    shares: dict[str, Decimal] = Field(default_factory=dict)


class YearEnd(Part):
    """The year-end awards (第四章), paid in ``month`` when the manager enters that the year's task is met."""

    month: int = Field(12, ge=1, le=12)
    awards: dict[str, Award] = Field(default_factory=dict)


class Holdback(Part):
    percent: Decimal = Field(ge=0, le=100)
    release_month: int = Field(12, ge=1, le=12)
    release_rule: str = Field("", max_length=2000)


class PlanDoc(Part):
    name: str = Field(max_length=200)
    education: dict[str, Labelled] = Field(min_length=1)
    levels: dict[int, Decimal] = Field(min_length=1)
    seniority: Seniority
    posts: dict[str, Post] = Field(min_length=1)
    tiers: dict[str, TierTable] = Field(default_factory=dict)
    allowances: dict[str, Labelled] = Field(default_factory=dict)
    entered: dict[str, Entered] = Field(default_factory=dict)
    averages: dict[str, Average] = Field(default_factory=dict)
    figures: dict[str, FigureRule] = Field(default_factory=dict)
    quarterly: Quarterly
    holdback: Holdback
    attendance: AttendanceRule | None = None
    year_end: YearEnd | None = None
    notes: list[str] = Field(default_factory=list)

    def asked(self) -> list[str]:
        """Where the plan has no value yet (the source leaves it blank): the paths to fill in."""
        return list(_blanks(self))

    def describe(self, path: str) -> str:
        """A path of this plan (``education.college``, ``posts.deputy_gm.formula``) as its reader knows it:
        the labels the plan gives, in the reader's language where they are the app's words. A path the
        plan no longer has stays as it is."""
        head, _sep, rest = path.partition(".")
        code, _sep, field = rest.partition(".")
        if head == "education" and code in self.education:
            return f"{gettext('Education pay')} · {self.education[code].label}"
        if head == "posts" and not rest:
            return gettext("Posts")
        if head == "posts" and code in self.posts:
            what = {"level": gettext("level"), "coefficient": gettext("coefficient"), "formula": gettext("formula")}
            return f"{self.posts[code].label} · {what.get(field, field)}" if field else self.posts[code].label
        if head == "allowances" and code in self.allowances:
            return self.allowances[code].label
        named = {
            "profile.sex": gettext("Sex (pay profile)"),
            "attendance": gettext("Attendance rate"),
            "quarterly.completion": gettext("Quarterly target done"),
        }
        if path in named:
            return named[path]
        awards = self.year_end.awards if self.year_end else {}
        if path.startswith("year_end.awards.") and path.removeprefix("year_end.awards.") in awards:
            return awards[path.removeprefix("year_end.awards.")].label
        return path

    def known_names(self, figure_keys: set[str]) -> set[str]:
        return (
            figure_keys
            | set(self.tiers)
            | set(self.allowances)
            | set(self.entered)
            | set(self.averages)
            | {"coefficient"}
        )

    def formulas(self, figure_keys: set[str]) -> dict[str, Formula]:
        """Every post's formula, checked (the plan was checked when saved)."""
        known = self.known_names(figure_keys)
        return {code: compile_formula(post.formula, known) for code, post in self.posts.items() if post.formula}


def _blanks(plan: PlanDoc) -> Iterator[str]:
    for code, row in plan.education.items():
        if row.amount is None:
            yield f"education.{code}"
    for code, post in plan.posts.items():
        if post.level is None:
            yield f"posts.{code}.level"
        if post.coefficient.max is None:
            yield f"posts.{code}.coefficient"
        if not post.formula:
            yield f"posts.{code}.formula"
    for code, row in plan.allowances.items():
        if row.amount is None:
            yield f"allowances.{code}"
    for code, award in (plan.year_end.awards if plan.year_end else {}).items():
        if award.amount is None:
            yield f"year_end.awards.{code}"


def read_plan(document: Any) -> PlanDoc:
    """The document as a :class:`PlanDoc` (its shape checked), or ``plan_invalid`` on the first field wrong."""
    try:
        return PlanDoc.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ValidationFailed("plan_invalid", f"{where}: {error['msg']}", field=where) from None


def check_plan(document: Any, *, figure_keys: set[str]) -> PlanDoc:
    """Read and check a plan before it is saved; raise ``ValidationFailed`` on the first fault."""
    plan = read_plan(document)
    known = plan.known_names(figure_keys)
    for code, table in plan.tiers.items():
        if table.figure not in figure_keys:
            raise ValidationFailed(
                "formula_unknown_figure", f"Unknown figure “{table.figure}”.", field=f"tiers.{code}.figure"
            )
        _check_tiers(code, table)
    for code, average in plan.averages.items():
        if average.post not in plan.posts:
            raise ValidationFailed("plan_invalid", f"Unknown post “{average.post}”.", field=f"averages.{code}.post")
    for code, post in plan.posts.items():
        if post.level is not None and post.level not in plan.levels:
            raise ValidationFailed(
                "plan_invalid", f"The plan has no position level {post.level}.", field=f"posts.{code}.level"
            )
        low, high = post.coefficient.min, post.coefficient.max
        if low is not None and high is not None and low > high:
            raise ValidationFailed(
                "coefficient_range", "The lowest coefficient is above the highest.", field=f"posts.{code}.coefficient"
            )
        if post.formula:
            try:
                compile_formula(post.formula, known)
            except FormulaError as exc:
                raise ValidationFailed(exc.code, exc.detail, field=f"posts.{code}.formula") from None
    for code in plan.figures:
        if code not in figure_keys:
            raise ValidationFailed("formula_unknown_figure", f"Unknown figure “{code}”.", field=f"figures.{code}")
    completion = plan.quarterly.completion
    for figure in completion.figures if completion else []:
        if figure not in figure_keys:
            raise ValidationFailed(
                "formula_unknown_figure", f"Unknown figure “{figure}”.", field="quarterly.completion.figures"
            )
    if plan.attendance is not None and plan.attendance.figure not in figure_keys:
        raise ValidationFailed(
            "formula_unknown_figure", f"Unknown figure “{plan.attendance.figure}”.", field="attendance.figure"
        )
    for code, award in (plan.year_end.awards if plan.year_end else {}).items():
        _check_award(plan, code, award)
    return plan


def _check_award(plan: PlanDoc, code: str, award: Award) -> None:
    field = f"year_end.awards.{code}"
    for post in award.posts:
        if post not in plan.posts:
            raise ValidationFailed("plan_invalid", f"Unknown post “{post}”.", field=f"{field}.posts")
    if award.split == "shares":
        if set(award.shares) != set(award.posts):
            raise ValidationFailed(
                "plan_invalid", "Give a share for each post, and only for them.", field=f"{field}.shares"
            )
        if sum(award.shares.values(), Decimal(0)) > 100:
            raise ValidationFailed("plan_invalid", "The shares add up to more than 100 %.", field=f"{field}.shares")


def _check_tiers(code: str, table: TierTable) -> None:
    """Tiers run from 0 upwards, each starting where the one before ends; only the last is open."""
    field = f"tiers.{code}.tiers"
    expected = Decimal(0)
    for number, tier in enumerate(table.tiers, start=1):
        if tier.start > expected:
            raise ValidationFailed(
                "tiers_gap", f"Tier {number} starts at {tier.start}, leaving a gap from {expected}.", field=field
            )
        if tier.start < expected:
            raise ValidationFailed(
                "tiers_overlap", f"Tier {number} starts at {tier.start}, inside the tier before it.", field=field
            )
        last = number == len(table.tiers)
        if tier.end is None:
            if not last:
                raise ValidationFailed(
                    "tiers_overlap", f"Tier {number} is open-ended but more tiers follow.", field=field
                )
            return
        if tier.end <= tier.start:
            raise ValidationFailed("tiers_overlap", f"Tier {number} ends before it starts.", field=field)
        expected = tier.end
    raise ValidationFailed(
        "tiers_gap", f"The last tier ends at {expected}: nothing covers what lies above.", field=field
    )
