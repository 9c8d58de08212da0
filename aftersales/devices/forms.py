"""Forms of the connected-equipment screens."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.widgets import DateInput
from aftersales.devices.choices import LinkState
from aftersales.devices.models import Rule
from aftersales.devices.services.rule_settings import RULE_FIELDS


class HealthFilterForm(forms.Form):
    serial = forms.CharField(label=_("Device id"), max_length=64, required=False)
    link_state = forms.ChoiceField(label=_("Link"), choices=[("", _("All"))] + LinkState.choices, required=False)


class DayForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput(), required=False)

    def clean_day(self) -> datetime.date:
        day = self.cleaned_data.get("day") or timezone.localdate()
        if not datetime.date(2000, 1, 1) <= day <= timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError(_("Choose a day up to today."))
        return day


class RuleForm(forms.ModelForm):
    """The settings screen's form; ``rule_settings.clean_rule`` checks what each kind needs."""

    class Meta:
        model = Rule
        fields = list(RULE_FIELDS)
