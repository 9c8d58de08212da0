"""Visit rules in RFC 5545 form (``FREQ=MONTHLY;BYMONTHDAY=5``) and the days they give over a term.

A plan's kind gives its rule when none is typed: a monthly visit (月访) on the start day's date each
month, a quarterly inspection (季度巡检) every third month (days after the 28th fall on the 28th, so
no month is skipped)."""

import datetime
import itertools

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _

from aftersales.contracts import config
from aftersales.contracts.choices import PlanKind
from aftersales.core.errors import ValidationFailed


def default_rule(kind: str, *, starts_on: datetime.date) -> str:
    day = min(starts_on.day, 28)
    if kind == PlanKind.MONTHLY_VISIT:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    if kind == PlanKind.QUARTERLY_INSPECTION:
        return f"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY={day}"
    raise ValidationFailed("rule_required", _("Give the rule of a custom plan."), field="rule")


def clean_rule(text: str) -> str:
    rule = (text or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if not rule or "\n" in rule or ":" in rule or len(rule) > 300:
        raise ValidationFailed(
            "invalid_rule", _("Give one RFC 5545 rule, e.g. FREQ=MONTHLY;BYMONTHDAY=5."), field="rule"
        )
    return rule.upper()


def rule_days(rule: str, *, starts_on: datetime.date, ends_on: datetime.date) -> list[datetime.date]:
    """The days ``rule`` gives from ``starts_on`` to ``ends_on`` (both included), one per occurrence:
    400 ``invalid_rule`` when it does not parse, ``rule_empty`` when it gives none, ``too_many_visits``
    when it gives more than the configured number over the term."""
    try:
        parsed = rrulestr(rule, dtstart=datetime.datetime.combine(starts_on, datetime.time()), ignoretz=True)
    except (ValueError, TypeError) as exc:
        # Not the parser's words: they are English inside the Chinese sentence ("not enough values to unpack").
        raise ValidationFailed(
            "invalid_rule", _("The rule is not valid RFC 5545, e.g. FREQ=MONTHLY;BYMONTHDAY=5."), field="rule"
        ) from exc
    limit = config.max_visits_per_plan()
    end = datetime.datetime.combine(ends_on, datetime.time.max)
    moments = list(itertools.islice(itertools.takewhile(lambda m: m <= end, parsed), limit + 1))
    if len(moments) > limit:
        raise ValidationFailed(
            "too_many_visits",
            _("The rule gives more than %(limit)d visits over the term.") % {"limit": limit},
            field="rule",
        )
    if not moments:
        raise ValidationFailed("rule_empty", _("The rule gives no visit within the contract's term."), field="rule")
    return [m.date() for m in moments]


def describe_rule(rule: str) -> str:
    """``rule`` in words for the contract screen ("每 3 个月的 9 日" for ``FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=9``):
    the screen showed the raw RFC 5545 text. The kinds' own rules and the plain ones typed by hand are
    described; any other rule is given back as it is."""
    parts = dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)
    freq, interval = parts.pop("FREQ", ""), parts.pop("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        return rule
    n = int(interval)
    day, month = parts.pop("BYMONTHDAY", None), parts.pop("BYMONTH", None)
    if parts or (day is not None and not day.isdigit()) or (month is not None and not month.isdigit()):
        return rule
    if freq == "MONTHLY" and day is not None and month is None:
        if n == 1:
            return _("Monthly on day %(day)s") % {"day": day}
        return _("Every %(n)s months on day %(day)s") % {"n": n, "day": day}
    if freq == "YEARLY" and day is not None and month is not None:
        if n == 1:
            return _("Yearly on %(month)s/%(day)s") % {"month": month, "day": day}
        return _("Every %(n)s years on %(month)s/%(day)s") % {"n": n, "month": month, "day": day}
    if freq == "WEEKLY" and day is None and month is None:
        return _("Weekly") if n == 1 else _("Every %(n)s weeks") % {"n": n}
    if freq == "DAILY" and day is None and month is None:
        return _("Daily") if n == 1 else _("Every %(n)s days") % {"n": n}
    return rule
