"""Forms of the calendar screen. They parse input only; ``calendars.services`` validates and writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.calendars.choices import DayKind
from aftersales.calendars.services import NAME_MAX_LENGTH, NOTE_MAX_LENGTH
from aftersales.core.widgets import DateInput


class CalendarDayForm(BootstrapFormMixin, forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=NAME_MAX_LENGTH,
        help_text=_("E.g. Spring Festival, or National Day make-up working day."),
    )


class CalendarYearForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("E.g. the State Council notice the days were taken from."),
    )
