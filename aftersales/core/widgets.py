"""Form widgets shared by every app's screens."""

from typing import Any

from django import forms

ISO_DAY = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">``, whose value is always ISO (``2027-01-05``) whatever the language: a browser
    drops any other, so a day filled in by the server in Chinese (``2027/01/05``) showed as empty (found by a
    helper's probe, 2026-12-06)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:  # noqa: A002
        super().__init__(attrs, format=format or ISO_DAY)
