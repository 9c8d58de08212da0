"""The forms of the workforce screens: they only parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.widgets import DateInput
from aftersales.service.forms_field import ConsoleForm
from aftersales.workforce.choices import Audience, ExpenseKind

DAY = DateInput(attrs={"class": "form-control"})


def _text(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


class PositionForm(ConsoleForm):
    """Filled by workforce.js from the browser's position when it gives one."""

    latitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput)


class ReportForm(ConsoleForm):
    text = forms.CharField(label=_("Today's report"), max_length=4000, widget=_area(4))


class TripForm(ConsoleForm):
    destination = forms.CharField(label=_("Destination"), max_length=200, widget=_text())
    starts_on = forms.DateField(label=_("From"), widget=DAY)
    ends_on = forms.DateField(label=_("Planned return"), widget=DAY)
    order_ids = forms.MultipleChoiceField(label=_("Orders"), required=False, widget=forms.CheckboxSelectMultiple)


class ReturnForm(ConsoleForm):
    note = forms.CharField(label=_("Return note"), required=False, max_length=1000, widget=_text())


class OvertimeForm(ConsoleForm):
    day = forms.DateField(label=_("Day"), widget=DAY)
    note = forms.CharField(label=_("What was done"), required=False, max_length=500, widget=_text())


class AbsenceForm(ConsoleForm):
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"})
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=_text())


class SummaryForm(ConsoleForm):
    week_start = forms.DateField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("Weekly summary"), max_length=8000, widget=_area(12))


class LineForm(ConsoleForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ExpenseKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    spent_on = forms.DateField(label=_("Spent on"), widget=DAY)
    amount = forms.CharField(
        label=_("Amount (CNY)"), max_length=14, widget=_text(inputmode="decimal", placeholder="128.50")
    )
    description = forms.CharField(label=_("Description"), max_length=200, widget=_text())
    link = forms.ChoiceField(label=_("Order or trip"), widget=forms.Select(attrs={"class": "form-select"}))
    receipt = forms.ImageField(
        label=_("Receipt photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment", "class": "form-control"}),
    )


class DecideForm(ConsoleForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, widget=_text())


class CourseForm(ConsoleForm):
    code = forms.CharField(label=_("Code"), max_length=30, widget=_text())
    name = forms.CharField(label=_("Name"), max_length=200, widget=_text())
    audience = forms.ChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    category = forms.CharField(
        label=_("Product category it certifies"), required=False, max_length=100, widget=_text(placeholder="空压机")
    )
    syllabus = forms.CharField(label=_("Syllabus"), required=False, max_length=8000, widget=_area(3))
    pass_score = forms.DecimalField(
        label=_("Pass score"), initial=60, max_digits=4, decimal_places=1, widget=_text(inputmode="decimal")
    )
    valid_months = forms.IntegerField(
        label=_("Certificate valid (months)"), initial=24, widget=_text(inputmode="numeric")
    )


class SessionForm(ConsoleForm):
    course = forms.ChoiceField(label=_("Course"), widget=forms.Select(attrs={"class": "form-select"}))
    held_on = forms.DateField(label=_("Held on"), widget=DAY)
    place = forms.CharField(label=_("Place"), required=False, max_length=200, widget=_text())
    trainer = forms.ChoiceField(label=_("Trainer"), required=False, widget=forms.Select(attrs={"class": "form-select"}))


class AttendeeForm(ConsoleForm):
    person = forms.ChoiceField(
        label=_("Member of staff"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    name = forms.CharField(label=_("Or the operator's name"), required=False, max_length=100, widget=_text())
    attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
    score = forms.DecimalField(
        label=_("Exam score"), required=False, max_digits=4, decimal_places=1, widget=_text(inputmode="decimal")
    )


class CertificateForm(ConsoleForm):
    person = forms.ChoiceField(label=_("Member of staff"), widget=forms.Select(attrs={"class": "form-select"}))
    category = forms.CharField(label=_("Product category"), max_length=100, widget=_text())
    issued_on = forms.DateField(label=_("Issued on"), widget=DAY)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=DAY)
    number = forms.CharField(label=_("Certificate number"), required=False, max_length=40, widget=_text())
