"""``core.validation.require_text``: the one check every service's free text goes through."""

import pytest

from aftersales.core.errors import ValidationFailed
from aftersales.core.validation import require_text


def test_text_is_stripped_and_kept():
    assert require_text("  网关已恢复 ", field="reason", max_length=20) == "网关已恢复"
    assert require_text(None, field="note", max_length=5, required=False) == ""


@pytest.mark.parametrize(
    ("value", "required", "code"),
    [("", True, "required"), ("abcdef", True, "too_long"), ("a\x00b", False, "null_character")],
)
def test_refusals_name_the_field_and_the_reason(value, required, code):
    """A NUL among them: PostgreSQL cannot store it, and a screen without a form field (the outbox's
    reason, a stock-take decision's note) let it through to a 500 (review, 2026-12-07)."""
    with pytest.raises(ValidationFailed) as caught:
        require_text(value, field="note", max_length=5, required=required)

    assert caught.value.code == code
    assert caught.value.field == "note"
