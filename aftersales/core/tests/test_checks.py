"""``core.validation.Checks``: a record's checks keep every field's error (an import's row shows them
all), raise the first with the others in ``errors``, and stop at once at a refusal of the whole."""

import pytest

from aftersales.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from aftersales.core.validation import Checks, require_text


def test_every_field_error_is_kept_and_the_first_raised_with_them():
    checks = Checks()

    name = checks.run(require_text, "", field="name", max_length=5)
    city = checks.run(require_text, "上海市浦东新区", field="city", max_length=5)
    kept = checks.run(require_text, " ok ", field="notes", max_length=5)
    checks.add(ConflictError("duplicate_serial", "taken", field="serial_number"))
    with pytest.raises(ValidationFailed) as exc:
        checks.done()

    assert (name, city, kept) == (None, None, "ok")
    assert (exc.value.code, exc.value.field, exc.value.status) == ("required", "name", 400)
    assert [(e.code, e.field) for e in exc.value.every()] == [
        ("required", "name"),
        ("too_long", "city"),
        ("duplicate_serial", "serial_number"),
    ]
    assert checks.failed("city") and not checks.failed("notes")


def test_a_lone_error_is_raised_as_it_was_and_a_nested_checks_errors_are_flattened():
    inner = Checks()
    inner.run(require_text, "", field="sites[0].name", max_length=5)
    inner.run(require_text, "", field="sites[0].address", max_length=5)
    outer = Checks()
    try:
        inner.done()
    except ValidationFailed as exc:
        outer.add(exc)
    alone = Checks()
    alone.add(ConflictError("duplicate_number", "exists", field="number"))

    with pytest.raises(ValidationFailed) as nested:
        outer.done()
    with pytest.raises(ConflictError) as single:
        alone.done()

    assert [e.field for e in nested.value.every()] == ["sites[0].name", "sites[0].address"]
    assert single.value.errors == [] and single.value.every() == [single.value]


def test_an_error_of_no_field_refuses_the_whole_at_once():
    checks = Checks()
    checks.run(require_text, "", field="name", max_length=5)

    with pytest.raises(PermissionDeniedError):
        checks.add(PermissionDeniedError("forbidden", "no"))
