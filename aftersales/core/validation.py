"""Small shared checks that raise ``ValidationFailed`` with the field's name."""

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import DomainError, ValidationFailed

# The largest id a column holds (a PostgreSQL bigint). A larger number is no record's id, and the database
# cannot even be asked about it: SQLite raises OverflowError binding it, PostgreSQL SQLSTATE 22003.
ID_MAX = 2**63 - 1


def is_record_id(value: object) -> bool:
    """Whether ``value`` as a form or query string sends it (``"42"``) can be a record's id: ASCII digits,
    from 1 to ``ID_MAX``. Checked before a forged or overlong id reaches a query."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= ID_MAX


def require_text(value: str | None, *, field: str, max_length: int, required: bool = True) -> str:
    """The text stripped; refused when required and empty, longer than ``max_length``, or holding a NUL
    (U+0000, which PostgreSQL cannot store: the write failed with a 500 after every check had passed)."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationFailed("null_character", _("Text cannot contain the NUL character (U+0000)."), field=field)
    if required and not text:
        raise ValidationFailed("required", _("This field is required."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            "too_long",
            _("At most %(max)d characters (got %(got)d).") % {"max": max_length, "got": len(text)},
            field=field,
        )
    return text


def require_yes_no(value: object, *, field: str, yes: str, no: str) -> bool:
    """One of a screen's two buttons (approve/refuse, restock/scrap, resume/stop): ``yes`` or ``no``,
    nothing else. Read as ``value == yes``, a missing or unknown answer was a refusal, recorded (the API
    refuses the same answers: ``core.api.TextBool``)."""
    if value == yes:
        return True
    if value == no:
        return False
    raise ValidationFailed("invalid_choice", _("Choose one of the answers offered."), field=field)


def filter_not_understood(name: str, value: object, reason: str = "") -> str:
    """What a list screen says above its list for a filter in its address it refuses, every screen in
    the same words: "…not understood: status=bogus." and, when there is one, the reason."""
    text = _("This address has a filter that is not understood: %(name)s=%(value)s.") % {
        "name": name,
        "value": str(value)[:40],
    }
    return f"{text} {reason}" if reason else text


def query_flag(params: Mapping[str, str], name: str) -> bool:
    """A screen's on/off filter in its address, ``?waiting=1`` as the docs write it (``0``, empty or
    absent: off). Anything else is refused, 400 with the reason: it was read as off without a word."""
    value = params.get(name)
    if value in (None, "", "0"):
        return False
    if value == "1":
        return True
    raise ValidationFailed("invalid_filter", filter_not_understood(name, value), field=name)


def query_choice(params: Mapping[str, str], name: str, choices: type) -> str:
    """A screen's choice filter in its address (``?status=draft``): a code of ``choices``, or "" when empty or
    absent (every row). Anything else is refused, 400 naming the filter and the codes it takes: it was read
    as "every row" without a word."""
    value = params.get(name)
    if value in (None, ""):
        return ""
    if _is_code(value, choices):
        return str(value)
    allowed = _("Must be one of: %(allowed)s.") % {"allowed": choice_labels(choices, choices.values, with_codes=True)}
    raise ValidationFailed("invalid_filter", filter_not_understood(name, value, allowed), field=name)


@functools.cache
def _codes(choices: type) -> frozenset[object]:
    # ``choices.values`` builds the list of (value, label) pairs again on every call: a fixed set per class.
    return frozenset(choices.values)  # type: ignore[attr-defined]


def _is_code(value: object, choices: type) -> bool:
    try:
        return value in _codes(choices)
    except TypeError:  # an unhashable value (a list, a dict) is no code
        return False


def choice_label(choices: type, value: str) -> str:
    """The label of a stored code in the active language, for a sentence a person reads (状态为“新建”,
    not “new”); a value that is not one of the choices is returned as given."""
    return str(choices(value).label) if _is_code(value, choices) else value


def code_and_label(code: str, label: object) -> str:
    """“repair (维修)”: the code a client sends with what it means, in the active language."""
    return _("%(code)s (%(label)s)") % {"code": code, "label": label}


def choice_labels(choices: type, values: Iterable[str], *, with_codes: bool = False) -> str:
    """Labels joined for a sentence; ``with_codes`` adds the code a client sends: “repair (维修)”."""
    if with_codes:
        return ", ".join(code_and_label(value, choice_label(choices, value)) for value in values)
    return ", ".join(choice_label(choices, value) for value in values)


def require_choice(value: str, *, field: str, choices: type) -> str:
    if not _is_code(value, choices):
        allowed = choice_labels(choices, choices.values, with_codes=True)
        raise ValidationFailed("invalid_choice", _("Must be one of: %(allowed)s.") % {"allowed": allowed}, field=field)
    return value


# Every date and time the product accepts lies in these years. Nothing it serves was bought, installed or
# called about before 1970, and a year after 2099 is a slip of the keyboard. Outside them the tools
# disagree: 0001-01-01T00:00:00+14:00 is 1 BC in UTC, which PostgreSQL stores and Python cannot read
# back (every page of that order then failed), and SQLite cannot store at all.
EARLIEST_DAY = datetime.date(1970, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)


def in_time_range(value: datetime.date) -> bool:
    """``value`` (a date, or a time by the date it names in its own zone) lies in EARLIEST_DAY–LATEST_DAY."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    return EARLIEST_DAY <= day <= LATEST_DAY


def time_range_message() -> str:
    return _("Give a date between %(first)s and %(last)s.") % {
        "first": EARLIEST_DAY.isoformat(),
        "last": LATEST_DAY.isoformat(),
    }


def require_in_range[D: datetime.date](value: D | None, *, field: str) -> D | None:
    """Refuse (400 ``date_out_of_range``) a date or time outside EARLIEST_DAY–LATEST_DAY."""
    if value is not None and not in_time_range(value):
        raise ValidationFailed("date_out_of_range", time_range_message(), field=field)
    return value


def not_in_future(day: datetime.date | None, *, field: str) -> datetime.date | None:
    """A past day (a purchase, an installation): inside the years the product accepts, not in the
    future, and not more than ``AFTERSALES["DATES_WITHIN_YEARS"]`` years ago, which is a mistyped year
    (1972 for 2022) rather than a machine still in service."""
    require_in_range(day, field=field)
    if day is None:
        return day
    today = timezone.localdate()
    if day > today:
        raise ValidationFailed("date_in_future", _("The date cannot be in the future."), field=field)
    years = int(str(settings.AFTERSALES["DATES_WITHIN_YEARS"]))
    if day < today.replace(year=today.year - years, day=min(today.day, 28)):
        raise ValidationFailed(
            "date_too_old", _("The date cannot be more than %(years)d years ago.") % {"years": years}, field=field
        )
    return day


def require_aware(moment: datetime.datetime | None, *, field: str) -> datetime.datetime | None:
    """A time must say which zone it is in (``+08:00`` or ``Z``): a bare date or a time without an offset
    could be read as Beijing time or as UTC, eight hours apart, so it is refused rather than guessed.
    It must also lie in the years every time does (``require_in_range``)."""
    if moment is not None and timezone.is_naive(moment):
        raise ValidationFailed("time_without_zone", time_zone_message(), field=field)
    return require_in_range(moment, field=field)


def amount_negative_message() -> str:
    return _("The amount cannot be negative.")


def amount_text_message() -> str:
    return _('Give the amount as text with at most two decimal places, e.g. "128.50".')


def number_text_message() -> str:
    return _('Give the number as text, e.g. "1.5".')


def time_zone_message() -> str:
    return _("Give the time with its time zone, e.g. 2026-02-12T23:00:00+08:00.")


def field_max_length(model: type[models.Model], name: str) -> int:
    """The model field's ``max_length``: services and API schemas check the limit the column has."""
    max_length = model._meta.get_field(name).max_length
    if max_length is None:
        raise ValueError(f"{model.__name__}.{name} has no max_length")
    return int(max_length)


class Checks:
    """Runs a record's checks one after another and keeps every field error, so that whoever fixes the
    record (a 500-row spreadsheet in an import's preview) sees each problem at once, not the first.
    ``done()`` raises the first error found, carrying all of them in ``errors`` (its type, code and
    status unchanged: a form or an API call that shows one error still shows that one). An error that
    names no field refuses the record as a whole (a role that may not) and stops the check at once.
    Found by hand, 2026-12-07: a customer row with a bad mobile, a site without address and a name
    too long showed the mobile only; fixed, it showed the next one."""

    def __init__(self) -> None:
        self.found: list[DomainError] = []

    def run[T](self, check: Callable[..., T], *args: object, **kwargs: object) -> T | None:
        """``check(*args, **kwargs)``'s result, or None when it refused a field (kept for ``done``)."""
        try:
            return check(*args, **kwargs)
        except DomainError as exc:
            self.add(exc)
            return None

    def add(self, error: DomainError) -> None:
        if not error.field:
            raise error
        self.found.extend(error.every())

    def failed(self, *fields: str) -> bool:
        """Whether any of ``fields`` has an error already (a later check that needs it waits)."""
        return any(error.field in fields for error in self.found)

    def done(self) -> None:
        if self.found:
            first = self.found[0]
            first.errors = list(self.found) if len(self.found) > 1 else []
            raise first
