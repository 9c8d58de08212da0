"""Forms of the workforce's settings sections (the generic settings screens hand their data to the
services in ``services/settings.py``)."""

from django import forms

from aftersales.workforce.models import ApprovalStep, WorkingPattern


class ApprovalStepForm(forms.ModelForm):
    class Meta:
        model = ApprovalStep
        fields = ["position", "role", "min_total", "active"]


class WorkingPatternForm(forms.ModelForm):
    class Meta:
        model = WorkingPattern
        fields = ["service_center", "day_start", "day_end", "absence_notice_hours"]
        widgets = {
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
