"""The ``detail`` of an ``invalid_input`` error in the user's language.

Pydantic words its messages in English only ("Input should be a valid integer, unable to parse string
as an integer"). The API answers with a sentence of our own for each error ``type``, translated like
every other message; the ``type`` itself stays in ``errors[].type`` for programs. A type without a
sentence of its own gets a general one, never pydantic's English.
"""

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.core.validation import choice_labels, time_range_message


def _limit(ctx: Mapping[str, Any], key: str) -> Any:
    return ctx.get(key, "")


def _quoted_values(expected: str) -> str:
    # pydantic lists the values as "'repair', 'installation' or 'exchange'": keep the values, drop its "or".
    return ", ".join(re.findall(r"'([^']*)'", expected)) or expected


def _allowed(expected: str) -> str:
    """The allowed values with what each means when they are a set of choices: "low (低), normal (普通)"
    rather than bare codes inside a Chinese sentence (found by hand, 2026-12-06)."""
    values = re.findall(r"'([^']*)'", expected)
    choices = _choices_by_values().get(frozenset(values))
    if choices is None:
        return _quoted_values(expected)
    return choice_labels(choices, values, with_codes=True)


@functools.cache
def _choices_by_values() -> dict[frozenset[str], type[models.TextChoices]]:
    # Every TextChoices of the project, by its set of values (pydantic's error names the values, not the
    # enum). Two enums with the same values and different labels would be ambiguous: neither is used.
    found: dict[frozenset[str], type[models.TextChoices]] = {}
    ambiguous: set[frozenset[str]] = set()
    todo = list(models.TextChoices.__subclasses__())
    while todo:
        choices = todo.pop()
        todo.extend(choices.__subclasses__())
        key = frozenset(choices.values)
        if key in found and dict(found[key].choices) != dict(choices.choices):
            ambiguous.add(key)
        found.setdefault(key, choices)
    return {key: value for key, value in found.items() if key not in ambiguous}


def _counted(message: str, ctx: Mapping[str, Any], key: str) -> str:
    return message % {"count": _n(ctx, key)}


def _n(ctx: Mapping[str, Any], key: str) -> int:
    return int(ctx.get(key, 0) or 0)


# error type -> the sentence (a function of pydantic's ``ctx``), translated when the error is answered.
MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    # Our own schema types (core.schemas Day/Moment); the type is also the answer's code (core.api).
    "date_out_of_range": lambda ctx: time_range_message(),
    "missing": lambda ctx: _("This field is required."),
    "missing_argument": lambda ctx: _("This field is required."),
    "extra_forbidden": lambda ctx: _("This field is not known here; leave it out."),
    "unexpected_keyword_argument": lambda ctx: _("This field is not known here; leave it out."),
    "none_required": lambda ctx: _("This field must be empty."),
    "string_type": lambda ctx: _("Enter text."),
    "string_unicode": lambda ctx: _("Enter text."),
    "string_too_short": lambda ctx: _counted(
        ngettext("At least %(count)d character.", "At least %(count)d characters.", _n(ctx, "min_length")),
        ctx,
        "min_length",
    ),
    "string_too_long": lambda ctx: _counted(
        ngettext("At most %(count)d character.", "At most %(count)d characters.", _n(ctx, "max_length")),
        ctx,
        "max_length",
    ),
    "string_pattern_mismatch": lambda ctx: _("The text does not have the expected form."),
    "too_short": lambda ctx: _counted(
        ngettext("At least %(count)d item.", "At least %(count)d items.", _n(ctx, "min_length")), ctx, "min_length"
    ),
    "too_long": lambda ctx: _counted(
        ngettext("At most %(count)d item.", "At most %(count)d items.", _n(ctx, "max_length")), ctx, "max_length"
    ),
    "int_type": lambda ctx: _("Enter a whole number."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_parsing_size": lambda ctx: _("The number is too large."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "float_type": lambda ctx: _("Enter a number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "finite_number": lambda ctx: _("Enter a finite number."),
    "decimal_type": lambda ctx: _("Enter a number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "decimal_max_digits": lambda ctx: _counted(
        ngettext("At most %(count)d digit.", "At most %(count)d digits.", _n(ctx, "max_digits")), ctx, "max_digits"
    ),
    "decimal_max_places": lambda ctx: _counted(
        ngettext("At most %(count)d decimal place.", "At most %(count)d decimal places.", _n(ctx, "decimal_places")),
        ctx,
        "decimal_places",
    ),
    "decimal_whole_digits": lambda ctx: _counted(
        ngettext(
            "At most %(count)d digit before the decimal point.",
            "At most %(count)d digits before the decimal point.",
            _n(ctx, "whole_digits"),
        ),
        ctx,
        "whole_digits",
    ),
    "greater_than": lambda ctx: _("Must be greater than %(limit)s.") % {"limit": _limit(ctx, "gt")},
    "greater_than_equal": lambda ctx: _("Must be at least %(limit)s.") % {"limit": _limit(ctx, "ge")},
    "less_than": lambda ctx: _("Must be less than %(limit)s.") % {"limit": _limit(ctx, "lt")},
    "less_than_equal": lambda ctx: _("Must be at most %(limit)s.") % {"limit": _limit(ctx, "le")},
    "multiple_of": lambda ctx: _("Must be a multiple of %(limit)s.") % {"limit": _limit(ctx, "multiple_of")},
    "bool_type": lambda ctx: _("Enter true or false."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "enum": lambda ctx: _("Must be one of: %(allowed)s.") % {"allowed": _allowed(str(ctx.get("expected", "")))},
    "literal_error": lambda ctx: (
        _("Must be one of: %(allowed)s.") % {"allowed": _allowed(str(ctx.get("expected", "")))}
    ),
    "date_type": lambda ctx: _("Enter a date, e.g. 2026-02-12."),
    "date_parsing": lambda ctx: _("Enter a date, e.g. 2026-02-12."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a date, e.g. 2026-02-12."),
    "date_from_datetime_inexact": lambda ctx: _("Enter a date without a time, e.g. 2026-02-12."),
    "datetime_type": lambda ctx: _("Enter a time with its time zone, e.g. 2026-02-12T23:00:00+08:00."),
    "datetime_parsing": lambda ctx: _("Enter a time with its time zone, e.g. 2026-02-12T23:00:00+08:00."),
    "datetime_from_date_parsing": lambda ctx: _("Enter a time with its time zone, e.g. 2026-02-12T23:00:00+08:00."),
    "datetime_object_invalid": lambda ctx: _("Enter a time with its time zone, e.g. 2026-02-12T23:00:00+08:00."),
    "timezone_naive": lambda ctx: _("Enter a time with its time zone, e.g. 2026-02-12T23:00:00+08:00."),
    "time_type": lambda ctx: _("Enter a time of day, e.g. 09:30."),
    "time_parsing": lambda ctx: _("Enter a time of day, e.g. 09:30."),
    "list_type": lambda ctx: _("Enter a list."),
    "tuple_type": lambda ctx: _("Enter a list."),
    "set_type": lambda ctx: _("Enter a list."),
    "iterable_type": lambda ctx: _("Enter a list."),
    "dict_type": lambda ctx: _("Enter an object."),
    "model_type": lambda ctx: _("Enter an object."),
    "model_attributes_type": lambda ctx: _("Enter an object."),
    "json_invalid": lambda ctx: _("This is not valid JSON."),
    "json_type": lambda ctx: _("This is not valid JSON."),
    "uuid_type": lambda ctx: _("Enter a UUID."),
    "uuid_parsing": lambda ctx: _("Enter a UUID."),
    "url_type": lambda ctx: _("Enter a web address."),
    "url_parsing": lambda ctx: _("Enter a web address."),
    "url_scheme": lambda ctx: _("Enter a web address."),
    "bytes_type": lambda ctx: _("Upload a file."),
}


# Error types raised by our own schema validators (core.schemas): their type is the answer's code, and
# their message is already our sentence in the reader's language.
SCHEMA_CODES = ("date_out_of_range", "time_without_zone", "invalid_amount", "amount_not_positive", "invalid_number")


def input_error_message(error: Mapping[str, Any]) -> str:
    """The translated sentence for one pydantic error (``{"type", "ctx", "msg", ...}``)."""
    kind = str(error.get("type", ""))
    if kind in SCHEMA_CODES and error.get("msg"):
        # Found by a probe, 2026-12-06: a time without its zone answered "该值无效" (the fallback
        # below) instead of the sentence the validator raised.
        return str(error["msg"])
    message = MESSAGES.get(kind)
    if message is None:
        return _("This value is not valid.")
    return message(error.get("ctx") or {})
