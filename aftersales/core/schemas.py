"""Helpers for API schemas: input limits taken from the model fields, the declared error answers, and the
closed sets of values an answer declares."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core import validators
from django.db import models
from ninja import Field, Schema
from pydantic import AfterValidator, GetJsonSchemaHandler, PlainValidator, WithJsonSchema, create_model
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, PydanticUndefined

from aftersales.core.amounts import (
    AMOUNT_PATTERN,
    AMOUNT_TEXT,
    DECIMAL_TEXT,
    SIGNED_AMOUNT_PATTERN,
    SIGNED_DECIMAL_PATTERN,
)
from aftersales.core.api import ErrorOut
from aftersales.core.validation import (
    amount_negative_message,
    amount_text_message,
    in_time_range,
    number_text_message,
    time_range_message,
    time_zone_message,
)

# A list's free-text search (``q``): long enough for a name or an address line, short enough for an index.
SEARCH_MAX_LENGTH = 100


def model_field(model: type[models.Model], name: str, default: Any = PydanticUndefined, **extra: Any) -> Any:
    """A schema ``Field`` whose limits come from ``model.name``: ``max_length`` (a TextField's too),
    ``max_digits``/``decimal_places``, ``ge``/``le`` from Min/MaxValueValidators, and the help text.

    The limit lives once, on the model; the schema refuses a longer value with ``invalid_input``
    before the service sees it. A choice field is typed with its ``TextChoices`` in the schema;
    ``choices`` here is checked to be that same enum (a schema cannot drift from the model).
    """
    field = model._meta.get_field(name)
    limits: dict[str, Any] = {}
    if getattr(field, "max_length", None) and not field.choices:  # a choice is checked by its enum
        limits["max_length"] = field.max_length
    if isinstance(field, models.DecimalField):
        limits["max_digits"] = field.max_digits
        limits["decimal_places"] = field.decimal_places
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator) and not callable(validator.limit_value):
            limits["ge"] = validator.limit_value
        elif isinstance(validator, validators.MaxValueValidator) and not callable(validator.limit_value):
            limits["le"] = validator.limit_value
    choices = extra.pop("choices", None)
    if choices is not None and set(choices.values) != {value for value, _label in field.choices or ()}:
        raise ValueError(f"{model.__name__}.{name}: the schema's choices differ from the model's")
    if field.help_text and "description" not in extra:
        extra["description"] = str(field.help_text)
    return Field(default, **{**limits, **extra})


class Choice:
    """Declares an answer's ``str`` as one of a fixed set of values in the OpenAPI document:
    ``status: Annotated[str, Choice(OrderStatus)]`` documents ``{"type": "string", "enum": [...]}``, so a
    client generated from the document gets an enum, not a string. ``blank=True`` adds ``""`` for a field
    that may be empty (``ServiceOrder.waiting_for`` while the order is not waiting). A value computed from
    a few members names them: ``Choice(ContractStatus.ACTIVE, ContractStatus.EXPIRED, ...)``.

    Only the document changes: the value stays a plain ``str``, read and written as it is (the choice's
    value, the same JSON as before), and the field's annotation stays ``str``, so the order list's fast path
    writes it without a test per row (service/list_rows.py). An input types its choice with the
    ``TextChoices`` itself, which the schema checks (``model_field``); an answer's value comes from the
    database or a service and is not checked a second time. ``test_openapi_enums`` fails on an answer's
    choice field that declares no enum, or other values than its model field's.
    """

    def __init__(self, *choices: type[models.TextChoices] | str, blank: bool = False) -> None:
        values = [""] if blank else []
        for choice in choices:
            members = [choice] if isinstance(choice, str) else list(choice.values)
            values.extend(str(value) for value in members if str(value) not in values)
        self.values = values
        # A whole TextChoices is named as the input schemas name it (``OrderStatus``); another set (with
        # "", or a few members) keeps the field's title, so a generated client does not take it for that enum.
        whole = len(choices) == 1 and isinstance(choices[0], type) and not blank
        self.title = choices[0].__name__ if whole else None

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema: JsonSchemaValue = {"type": "string", "enum": self.values}
        if self.title:
            schema["title"] = self.title
        return schema


def answers(ok: Any = None, *errors: int, status: int = 200) -> dict[int, Any]:
    """``response=`` for an endpoint: ``ok`` under ``status`` and ``ErrorOut`` for each error status,
    with 401 always (every endpoint but ``POST /auth/token`` needs a session or a token)."""
    declared: dict[int, Any] = {} if ok is None else {status: ok}
    for code in sorted({401, *errors}):
        declared[code] = ErrorOut
    return declared


def file_answer(description: str, *content_types: str) -> dict[str, Any]:
    """``openapi_extra=`` for an endpoint that answers a file: its 200 with each content type, as binary
    (Ninja's ``response=`` describes JSON only)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": dict.fromkeys(content_types, binary)}}}


def page_schema(item: type[Schema], name: str = "") -> type[Schema]:
    """The answer of a keyset-paged list of ``item``: ``{"items": [...], "next_cursor": ...}``, named
    ``<Item>Page`` (``ClaimOut`` -> ``ClaimPage``) unless ``name`` says otherwise."""
    name = name or f"{item.__name__.removesuffix('Out')}Page"
    return create_model(name, __base__=Schema, items=(list[item], ...), next_cursor=(str | None, ...))  # type: ignore[call-overload, valid-type]


def _in_time_range[D: datetime.date](value: D) -> D:
    if not in_time_range(value):
        raise PydanticCustomError("date_out_of_range", time_range_message())
    return value


def _with_zone(value: datetime.datetime) -> datetime.datetime:
    if value.utcoffset() is None:
        raise PydanticCustomError("time_without_zone", time_zone_message())
    return value


# Every date and time an input schema takes: the years of core.validation.EARLIEST_DAY–LATEST_DAY, or a
# 400 ``date_out_of_range`` on the field; a time also says its zone (``+08:00`` or ``Z``), or 400
# ``time_without_zone`` (core.api's handler turns the error type into the code).
Day = Annotated[datetime.date, AfterValidator(_in_time_range)]
Moment = Annotated[datetime.datetime, AfterValidator(_with_zone), AfterValidator(_in_time_range)]


def _amount(value: Any) -> Decimal:
    # A JSON number is refused, not converted: 0.1 as a float is not 0.10, and true would be 1.
    if isinstance(value, str) and value.startswith("-") and AMOUNT_TEXT.fullmatch(value[1:]):
        raise PydanticCustomError("amount_not_positive", amount_negative_message())
    return _signed_amount(value)


def _signed_amount(value: Any) -> Decimal:
    if not isinstance(value, str) or not AMOUNT_TEXT.fullmatch(value.removeprefix("-")):
        raise PydanticCustomError("invalid_amount", amount_text_message())
    return Decimal(value)


def _money(check: Any, pattern: str, example: str) -> Any:
    return Annotated[
        Decimal, PlainValidator(check), WithJsonSchema({"type": "string", "pattern": pattern, "examples": [example]})
    ]


# An amount of money (CNY, zero or more) an input schema takes: a decimal text with at most two places
# ("128.50"), read as a Decimal; a number, a boolean, "1e3" or full-width digits answer 400
# ``invalid_amount`` on the field, a negative amount ``amount_not_positive``. (Found by hand, 2026-12-06:
# ``"amount": true`` booked an expense of 1.00 and JSON floats were taken as prices.)
Money = _money(_amount, AMOUNT_PATTERN, "128.50")
# An amount that may be below zero (a correction, a deduction): Money's text with an optional "-".
SignedMoney = _money(_signed_amount, SIGNED_AMOUNT_PATTERN, "-128.50")

DECIMAL_TEXT_MAX_LENGTH = 16


def _decimal_text(code: str, message: Any) -> Any:
    def check(value: Any) -> str:
        if (
            not isinstance(value, str)
            or len(value) > DECIMAL_TEXT_MAX_LENGTH
            or not DECIMAL_TEXT.fullmatch(value.removeprefix("-"))
        ):
            raise PydanticCustomError(code, message())
        return value

    return check


def _text(code: str, message: Any, example: str) -> Any:
    schema = {"type": "string", "pattern": SIGNED_DECIMAL_PATTERN, "maxLength": DECIMAL_TEXT_MAX_LENGTH}
    return Annotated[
        str, PlainValidator(_decimal_text(code, message)), WithJsonSchema({**schema, "examples": [example]})
    ]


# A decimal the service reads and checks further (its sign, places and range, with its own codes: the
# money app's ``negative_amount``, ``too_many_decimals``, ``invalid_quantity``), kept as the text sent:
# ASCII digits, an optional "-" and point only. A JSON number, ``true``, "1e3" or full-width digits answer
# 400 ``invalid_amount`` (AmountText) or ``invalid_number`` (NumberText: quantities, rates, hours) on the
# field. (Found by an API probe, 2026-12-06: the money schemas matched ``\d``, which takes any Unicode
# digit, and booked "１００" as 100.00.)
AmountText = _text("invalid_amount", amount_text_message, "128.50")
NumberText = _text("invalid_number", number_text_message, "1.5")
