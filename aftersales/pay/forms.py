"""Forms of the pay screens. They parse input only; ``pay.services`` validates and writes."""

import datetime
import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.pay.choices import Release
from aftersales.pay.engine import QUARTER_ENDS
from aftersales.pay.plan import PlanDoc


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (``<input type="month">``), read as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]


class RunForm(BootstrapFormMixin, forms.Form):
    centre = forms.ModelChoiceField(label=_("Service centre"), queryset=None, empty_label=None)
    period = MonthField(label=_("Month"))

    def __init__(self, *args: Any, centres: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres


class PlanForm(BootstrapFormMixin, forms.Form):
    effective_from = MonthField(
        label=_("In force from"), help_text=_("Months before keep the plan they were paid under.")
    )
    document = forms.CharField(
        label=_("Plan (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace small"}),
        max_length=200_000,
    )

    def clean_document(self) -> Any:
        try:
            return json.loads(self.cleaned_data["document"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not JSON: %(error)s") % {"error": exc.msg}) from None


class EntriesForm(BootstrapFormMixin, forms.Form):
    """The manager's entries on one statement: a coefficient per post, the plan's entered values, and
    the quarterly scores and the release where the month has them."""

    def __init__(
        self, *args: Any, plan: PlanDoc, posts: list[str], period: datetime.date, entries: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.posts, self.entered = posts, list(plan.entered)
        for post in posts:
            spec = plan.posts[post].coefficient
            self.fields[f"coefficient_{post}"] = forms.DecimalField(
                label=_("Coefficient: %(post)s") % {"post": plan.posts[post].label},
                required=False,
                max_digits=6,
                decimal_places=3,
                initial=entries.get("coefficients", {}).get(post),
                help_text=_("From %(low)s to %(high)s; empty: %(default)s")
                % {
                    "low": spec.min if spec.min is not None else 0,
                    "high": spec.max if spec.max is not None else "—",
                    "default": spec.default if spec.default is not None else 1,
                },
            )
        for code, entered in plan.entered.items():
            self.fields[f"value_{code}"] = forms.DecimalField(
                label=entered.label,
                required=False,
                max_digits=12,
                decimal_places=2,
                initial=entries.get("values", {}).get(code),
            )
        self.quarter_end = period.month in QUARTER_ENDS
        if self.quarter_end:
            for name, label in (
                ("target", _("Quarterly target done (%)")),
                ("service", _("Service assessment score")),
                ("training", _("Training score")),
            ):
                self.fields[f"score_{name}"] = forms.DecimalField(
                    label=label,
                    required=False,
                    max_digits=6,
                    decimal_places=2,
                    initial=entries.get("scores", {}).get(name),
                )
        self.release_month = period.month == plan.holdback.release_month
        if self.release_month:
            self.fields["release"] = forms.ChoiceField(
                label=_("Year's holdback"), choices=Release.choices, required=False, initial=entries.get("release", "")
            )

    def entries(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {
            "coefficients": {
                p: data[f"coefficient_{p}"] for p in self.posts if data.get(f"coefficient_{p}") is not None
            },
            "values": {c: data[f"value_{c}"] for c in self.entered if data.get(f"value_{c}") is not None},
        }
        if self.quarter_end:
            result["scores"] = {
                n: data[f"score_{n}"] for n in ("target", "service", "training") if data.get(f"score_{n}") is not None
            }
        if self.release_month:
            result["release"] = data.get("release", "")
        return result

    def field_for(self, service_field: str | None) -> str | None:
        """The form field a service error's field (``coefficients.<post>``) is about."""
        if not service_field:
            return None
        head, _dot, tail = service_field.partition(".")
        name = {"coefficients": f"coefficient_{tail}", "values": f"value_{tail}", "scores": f"score_{tail}"}.get(
            head, head
        )
        return name if name in self.fields else None


class ProfileForm(BootstrapFormMixin, forms.Form):
    """A person's pay profile, with the codes of the plan in force as the choices."""

    education = forms.ChoiceField(label=_("Education"))
    posts = forms.MultipleChoiceField(
        label=_("Posts"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Holding two posts: paid at the higher level, and the performance pay of each."),
    )
    allowances = forms.MultipleChoiceField(label=_("Allowances"), widget=forms.CheckboxSelectMultiple, required=False)
    joined_on = forms.DateField(label=_("Joined on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    active = forms.BooleanField(label=_("Paid in pay runs"), required=False, initial=True)

    def __init__(self, *args: Any, plan: PlanDoc, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["education"].choices = [(code, row.label) for code, row in plan.education.items()]
        self.fields["posts"].choices = [(code, post.label) for code, post in plan.posts.items()]
        self.fields["allowances"].choices = [(code, row.label) for code, row in plan.allowances.items()]
