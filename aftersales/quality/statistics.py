"""Failure statistics (domain.md Quality feedback §13 3.7), every figure computed in the database.

A **failure** is a service order of kind repair, exchange or return to factory, on a unit, not cancelled
and not found to be damage by misuse (人为损坏 is not a design fault). It counts in the period its call was
received (``received_at``, local days of the business time zone). Every figure reads the failures of
``failures(user, window)``: the orders the user may see (``service.permissions.orders_visible_to``)
filtered by the window's period, centre, product model and customer; the click-through list of a figure
is ``figure_orders(...)`` over the same queryset, so it shows exactly the count the figure shows.

Definitions and decisions: docs/quality.md.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Lag, Length, Substr, TruncDate
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.calendars.selectors import business_timezone
from aftersales.catalog.models import ProductModel
from aftersales.devices.models import Trigger
from aftersales.installed_base.models import Unit
from aftersales.parts.models import Part, VisitPart
from aftersales.quality.choices import AGE_BANDS, AgeBucket, Breakdown
from aftersales.reports.filters import Filters
from aftersales.service.choices import OrderKind, OrderStatus
from aftersales.service.models import ServiceOrder
from aftersales.service.permissions import orders_visible_to

FAILURE_KINDS = (OrderKind.REPAIR, OrderKind.EXCHANGE, OrderKind.RETURN_TO_FACTORY)
FAILURE = Q(kind__in=FAILURE_KINDS, unit__isnull=False, misuse_found=False) & ~Q(status=OrderStatus.CANCELLED)


# What the fault table calls the failures no device rule opened (key ""): orders record no code of their own.
def no_fault_code_label() -> str:
    return _("No fault code (not opened by a device)")


REPEAT_DAYS = {Breakdown.REPEAT_30: 30, Breakdown.REPEAT_90: 90}
FAULT_PREFIX = "fault:"  # devices' Trigger.cause of a fault-code rule


def batch_suffix_length() -> int:
    """How many trailing characters of a serial number are the unit's own sequence; the rest is its
    production batch (the demo's serials: model prefix + yymm of production + 4 digits)."""
    return int(settings.AFTERSALES.get("QUALITY_BATCH_SUFFIX", 4))


def failures(user: User, window: Filters) -> QuerySet[ServiceOrder]:
    """The failures ``user`` may see, received in the window, with its filters."""
    qs = orders_visible_to(user).filter(FAILURE, received_at__gte=window.since, received_at__lt=window.until)
    return window.on_orders(qs)


# ---- annotations shared by the figures and their click-through lists --------------------------------------
def _fault_code() -> Any:
    """The fault code of an order: the code of the device rule that opened it ("" when none did)."""
    codes = Trigger.objects.filter(order_id=OuterRef("pk"), cause__startswith=FAULT_PREFIX).order_by("pk")
    return Coalesce(Subquery(codes.values("cause")[:1]), Value(""))


def _batch() -> Any:
    serial = F("unit__serial_number")
    keep = Length(serial) - batch_suffix_length()
    return Case(When(Q(serial_length__gt=batch_suffix_length()), then=Substr(serial, 1, keep)), default=serial)


def _age_months() -> Any:
    """Whole calendar months from installation (else purchase) to the call's local day."""
    start = Coalesce("unit__installed_on", "unit__purchase_date")
    tz = business_timezone()
    months = (ExtractYear("received_at", tzinfo=tz) - ExtractYear(start)) * 12 + (
        ExtractMonth("received_at", tzinfo=tz) - ExtractMonth(start)
    )
    short = Case(When(Q(received_day__lt=ExtractDay(start)), then=Value(1)), default=Value(0))
    return months - short


def _age_bucket() -> Any:
    whens = [When(Q(start_day__isnull=True) | Q(age_months__lt=0), then=Value(AgeBucket.UNKNOWN.value))]
    whens += [When(Q(age_months__lt=upper), then=Value(bucket.value)) for upper, bucket in AGE_BANDS]
    return Case(*whens, default=Value(AgeBucket.M36.value))


def _with_age(qs: QuerySet[ServiceOrder]) -> QuerySet[ServiceOrder]:
    """``qs`` annotated with ``age_months``: whole months from installation (else purchase) to the call."""
    return qs.annotate(
        start_day=Coalesce("unit__installed_on", "unit__purchase_date"),
        received_day=ExtractDay("received_at", tzinfo=business_timezone()),
    ).annotate(age_months=_age_months())


def with_dimensions(qs: QuerySet[ServiceOrder], dimension: str) -> QuerySet[ServiceOrder]:
    """``qs`` annotated with ``key``, the value a figure groups by."""
    if dimension == Breakdown.MODEL:
        return qs.annotate(key=F("unit__product_model_id"))
    if dimension == Breakdown.FAULT:
        return qs.annotate(cause=_fault_code()).annotate(
            key=Case(
                When(cause__startswith=FAULT_PREFIX, then=Substr("cause", len(FAULT_PREFIX) + 1)), default=Value("")
            )
        )
    if dimension == Breakdown.BATCH:
        return qs.annotate(serial_length=Length("unit__serial_number")).annotate(key=_batch())
    if dimension == Breakdown.AGE:
        return _with_age(qs).annotate(key=_age_bucket())
    raise ValueError(f"no dimension {dimension!r}")


def _grouped(qs: QuerySet[ServiceOrder], dimension: str) -> list[dict[str, Any]]:
    rows = with_dimensions(qs, dimension).order_by().values("key").annotate(failures=Count("pk"))
    return sorted(rows, key=lambda row: (-row["failures"], str(row["key"])))


# ---- the figures --------------------------------------------------------------------------------------------
def model_counts(user: User, window: Filters) -> list[dict[str, Any]]:
    """Failures and units that failed per product model (``key``), most failures first: one statement
    for the model table and the headline (a unit is of one model, so the units that failed add up)."""
    rows = failures(user, window).order_by().values(key=F("unit__product_model_id"))
    rows = rows.annotate(failures=Count("pk"), units_failed=Count("unit_id", distinct=True))
    return sorted(rows, key=lambda row: (-row["failures"], str(row["key"])))


def by_model(
    user: User,
    window: Filters,
    *,
    counts: list[dict[str, Any]] | None = None,
    mtbf: dict[int, Decimal] | None = None,
) -> list[dict[str, Any]]:
    """Failures per product model, with the units in the field, the rate per 1,000 and the MTBF
    (``counts``: ``model_counts``, ``mtbf``: ``mean_days_between_failures``, when the caller has them)."""
    counts = model_counts(user, window) if counts is None else counts
    rows = [{"key": row["key"], "failures": row["failures"]} for row in counts]
    models = ProductModel.objects.in_bulk([row["key"] for row in rows])
    field = units_in_field(window, model_ids=[row["key"] for row in rows])
    mtbf = mean_days_between_failures(user, window) if mtbf is None else mtbf
    for row in rows:
        model = models[row["key"]]
        row.update(label=f"{model.code} {model.name}", code=model.code, units=field.get(row["key"], 0))
        row["rate"] = rate_per_thousand(row["failures"], row["units"])
        row["mtbf_days"] = mtbf.get(row["key"])
    return rows


def by_part(user: User, window: Filters) -> list[dict[str, Any]]:
    """The parts fitted on failures: how many failure orders used each part and how many were fitted."""
    lines = VisitPart.objects.filter(order__in=failures(user, window).values("pk"))
    rows = (
        lines.order_by()
        .values("part_id", "part__number", "part__name")
        .annotate(failures=Count("order_id", distinct=True), quantity=Sum("quantity"))
    )
    result = [
        {
            "key": row["part_id"],
            "label": f"{row['part__number']} {row['part__name']}",
            "failures": row["failures"],
            "quantity": row["quantity"],
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row["failures"], row["label"]))


def by_fault_code(user: User, window: Filters, *, total: int | None = None) -> list[dict[str, Any]]:
    """Failures per fault code: the first fault-code trigger of each failure (by id, as ``_fault_code``),
    read from the triggers' side (few orders are opened by a device), the rest without a code (key "").
    ``total``: the window's failures, when the caller has them."""
    first = Trigger.objects.filter(order_id=OuterRef("order_id"), cause__startswith=FAULT_PREFIX, pk__lt=OuterRef("pk"))
    coded = (
        Trigger.objects.filter(cause__startswith=FAULT_PREFIX, order_id__in=failures(user, window).values("pk"))
        .filter(~Exists(first))
        .order_by()
        .values("cause")
        .annotate(failures=Count("order_id"))
    )
    counts: dict[str, int] = {}
    for row in coded:
        key = row["cause"][len(FAULT_PREFIX) :]
        counts[key] = counts.get(key, 0) + row["failures"]
    if total is None:
        total = failures(user, window).count()
    without = total - sum(counts.values())
    if without or "" in counts:
        counts[""] = counts.get("", 0) + without
    rows = [{"key": key, "failures": n} for key, n in counts.items() if n]
    rows.sort(key=lambda row: (-row["failures"], str(row["key"])))
    for row in rows:
        row["label"] = row["key"] or no_fault_code_label()
    return rows


def by_batch(user: User, window: Filters) -> list[dict[str, Any]]:
    rows = _grouped(failures(user, window), Breakdown.BATCH)
    for row in rows:
        row["label"] = row["key"]
    return rows


def age_bucket(months: int | None) -> str:
    """The band of an age in whole months (``_age_bucket`` in Python: no age or a negative one is unknown)."""
    if months is None or months < 0:
        return AgeBucket.UNKNOWN.value
    return next((bucket.value for upper, bucket in AGE_BANDS if months < upper), AgeBucket.M36.value)


def by_age(user: User, window: Filters) -> list[dict[str, Any]]:
    """Every band in order, empty ones with 0 (a histogram). Counted per age in months (a few dozen
    rows; the age computed once per failure, where the bands' ``CASE`` computed it once per band) and
    banded here; the click-through filters by the bands' ``CASE`` (``with_dimensions``)."""
    ages = _with_age(failures(user, window)).order_by().values("age_months")
    counts: dict[str, int] = {}
    for row in ages.annotate(failures=Count("pk")):
        bucket = age_bucket(row["age_months"])
        counts[bucket] = counts.get(bucket, 0) + row["failures"]
    return [{"key": b.value, "label": str(b.label), "failures": counts.get(b.value, 0)} for b in AgeBucket]


# ---- repeats and intervals: the unit's failures in order (LAG) ------------------------------------------------
def _history(user: User, window: Filters, *, since: datetime.datetime | None) -> QuerySet[ServiceOrder]:
    """Every failure (of any centre: a unit's previous failure counts wherever it was repaired) of the
    units that failed in the window, up to the window's end, each with the local day of the unit's
    previous failure (``previous_day``, LAG over the unit's failures by time of call)."""
    tz = business_timezone()
    qs = ServiceOrder.objects.filter(
        FAILURE, received_at__lt=window.until, unit_id__in=failures(user, window).values("unit_id")
    )
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    return qs.annotate(
        day=TruncDate("received_at", tzinfo=tz),
        previous_day=Window(
            Lag(TruncDate("received_at", tzinfo=tz)),
            partition_by=[F("unit_id")],
            order_by=[F("received_at").asc(), F("id").asc()],
        ),
    )


def repeat_failures(user: User, window: Filters, *, days: int) -> QuerySet[ServiceOrder]:
    """The window's failures whose unit had failed before within ``days`` days (call day to call day)."""
    history = _history(user, window, since=window.since - datetime.timedelta(days=days)).annotate(
        gap=ExpressionWrapper(F("day") - F("previous_day"), output_field=DurationField())
    )
    repeats = history.filter(gap__lte=datetime.timedelta(days=days)).values("pk")
    return failures(user, window).filter(pk__in=repeats)


def repeats(user: User, window: Filters) -> dict[str, int]:
    return {key: repeat_failures(user, window, days=days).count() for key, days in REPEAT_DAYS.items()}


def mean_days_between_failures(user: User, window: Filters) -> dict[int, Decimal]:
    """Per product model: the mean of the days from each failure of the window back to the unit's
    previous failure, or, for its first, to its installation (else purchase); failures with neither
    are left out."""
    return history_figures(user, window).mtbf_days


@dataclass(frozen=True)
class HistoryFigures:
    """What the units' failures in order give: the window's repeats within 30 and 90 days, and the
    MTBF per product model."""

    repeats: dict[str, int]
    mtbf_days: dict[int, Decimal]


def history_figures(user: User, window: Filters) -> HistoryFigures:
    """The repeats (``repeats``) and the MTBF (``mean_days_between_failures``) in one pass over the
    units' failures in order (one ``LAG``, where each took its own): a failure of the window repeats
    within ``days`` when its unit's previous failure (over the unit's whole history) is at most ``days``
    days before it, which is what ``repeat_failures`` counts over the history since ``days`` before
    the window (a previous failure within ``days`` days of a failure in the window is in both)."""
    history = _history(user, window, since=None).annotate(
        model_id=F("unit__product_model_id"),
        start_day=Coalesce("unit__installed_on", "unit__purchase_date", output_field=DateField()),
        selected=Case(When(pk__in=failures(user, window).values("pk"), then=Value(1)), default=Value(0)),
    )
    inner, params = history.values("model_id", "day", "previous_day", "start_day", "selected").query.sql_with_params()
    if connection.vendor == "postgresql":
        days = "(h.day - COALESCE(h.previous_day, h.start_day))"
        gap = "(h.day - h.previous_day)"
    else:
        days = "(julianday(h.day) - julianday(COALESCE(h.previous_day, h.start_day)))"
        gap = "(julianday(h.day) - julianday(h.previous_day))"
    keys = list(REPEAT_DAYS.items())
    counts = ", ".join(f"COUNT(CASE WHEN {gap} <= {int(n)} THEN 1 END)" for _key, n in keys)
    sql = (
        f"SELECT h.model_id, AVG(CASE WHEN COALESCE(h.previous_day, h.start_day) IS NOT NULL THEN {days} END), "  # noqa: S608 - the ORM compiled the inner query; the day counts are ints
        f"{counts} FROM ({inner}) h WHERE h.selected = 1 GROUP BY h.model_id"
    )
    repeats_ = dict.fromkeys(REPEAT_DAYS, 0)
    mtbf: dict[int, Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for model_id, average, *repeated in cursor.fetchall():
            if average is not None:
                mtbf[model_id] = _one_decimal(average)
            for (key, _n), n in zip(keys, repeated, strict=True):
                repeats_[key] += n
    return HistoryFigures(repeats=repeats_, mtbf_days=mtbf)


def _one_decimal(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---- the field ----------------------------------------------------------------------------------------------
def units_in_field(window: Filters, *, model_ids: list[int] | None = None) -> dict[int, int]:
    """Units in the field per model at the period's end: registered units installed (else bought, else
    registered) on or before it; of the filtered customer when there is one. The installed base is
    not a centre's: the denominator is the whole field whatever the user's centre."""
    qs = Unit.objects.annotate(
        in_service=Coalesce("installed_on", "purchase_date", TruncDate("created_at", tzinfo=business_timezone()))
    ).filter(in_service__lte=window.end)
    if window.customer is not None:
        qs = qs.filter(customer_id=window.customer)
    if window.product_model is not None:
        qs = qs.filter(product_model_id=window.product_model)
    if model_ids is not None:
        qs = qs.filter(product_model_id__in=model_ids)
    return dict(qs.order_by().values("product_model_id").annotate(n=Count("pk")).values_list("product_model_id", "n"))


def rate_per_thousand(failures_: int, units: int) -> Decimal | None:
    if not units:
        return None
    return (Decimal(failures_) * 1000 / units).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---- the click-through ---------------------------------------------------------------------------------------
def figure_orders(user: User, window: Filters, *, figure: str, key: str = "") -> QuerySet[ServiceOrder]:
    """The orders behind one figure: exactly those it counts. The headline's units that failed list one
    order per unit, its latest failure in the window (so the list counts the units)."""
    qs = failures(user, window)
    if figure == Breakdown.ALL:
        return qs
    if figure == Breakdown.UNITS:
        latest = qs.filter(unit_id=OuterRef("unit_id")).order_by("-received_at", "-pk").values("pk")[:1]
        return qs.filter(pk=Subquery(latest))
    if figure in REPEAT_DAYS:
        return repeat_failures(user, window, days=REPEAT_DAYS[figure])
    if figure == Breakdown.PART:
        return qs.filter(pk__in=VisitPart.objects.filter(part_id=_int(key)).values("order_id"))
    if figure == Breakdown.MODEL:
        return qs.filter(unit__product_model_id=_int(key))
    if figure in (Breakdown.FAULT, Breakdown.BATCH, Breakdown.AGE):
        return with_dimensions(qs, figure).filter(key=key)
    raise ValueError(f"no figure {figure!r}")


def key_label(figure: str, key: str) -> str:
    """What a click-through's key names, as the statistics' tables name it: a model's code and name, a
    part's number and name, a sentence for failures with no fault code, an age band's label (found by a helper's
    probe, 2026-12-06: "产品型号 3", "故障时机龄 0-3")."""
    if figure == Breakdown.MODEL:
        model = ProductModel.objects.filter(pk=_int(key)).only("code", "name").first()
        return f"{model.code} {model.name}" if model else key
    if figure == Breakdown.PART:
        part = Part.objects.filter(pk=_int(key)).only("number", "name").first()
        return f"{part.number} {part.name}" if part else key
    if figure == Breakdown.FAULT:
        return key or no_fault_code_label()
    if figure == Breakdown.AGE and key in AgeBucket.values:
        return str(AgeBucket(key).label)
    return key


def _int(key: str) -> int:
    try:
        return int(key)
    except (TypeError, ValueError):
        return 0


def totals(
    user: User,
    window: Filters,
    *,
    counts: list[dict[str, Any]] | None = None,
    repeats_: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The headline: failures, units failed, and the repeats (``counts``: ``model_counts``,
    ``repeats_``: ``repeats``, when the caller has them)."""
    if counts is None:
        head = failures(user, window).aggregate(failures=Count("pk"), units=Count("unit_id", distinct=True))
    else:
        head = {"failures": sum(r["failures"] for r in counts), "units": sum(r["units_failed"] for r in counts)}
    return {**head, **(repeats(user, window) if repeats_ is None else repeats_)}
