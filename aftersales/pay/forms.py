"""Forms of the pay screens. They parse input only; ``pay.services`` validates and writes."""

import datetime
import json
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.core.widgets import DateInput
from aftersales.pay.choices import Release, Sex, YearEndDecision
from aftersales.pay.engine import QUARTER_ENDS
from aftersales.pay.plan import PlanDoc
from aftersales.pay.selectors import figure_keys


def styled(field: forms.Field) -> forms.Field:
    """A field added after ``BootstrapFormMixin.__init__`` styled as the mixin styles the others."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if css not in widget.attrs.get("class", ""):
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return field


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
    """A plan's values as fields, prefilled from the version edited: the name and month, education pay,
    the levels, seniority, each post's level, coefficient range, formula and quarterly bonus, each tier
    table's tiers (one ``from–to: rate`` a line), the allowances and the holdback. Saved as a new
    version from the month given (months before keep theirs). The rest of the document (figure rules,
    score bands, quarter targets, notes, which posts exist) is kept from the version edited; the API
    takes the whole document. ``field_for`` places a service error (``posts.x.formula``) on its field."""

    effective_from = MonthField(
        label=_("In force from"), help_text=_("Months before keep the plan they were paid under.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args: Any, base: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base = base
        self.groups: list[tuple[str, list[str]]] = []
        self.post_rows: list[tuple[str, str, list[str]]] = []
        self.initial.setdefault("name", base.get("name", ""))
        amount = {"required": False, "max_digits": 12, "decimal_places": 2, "min_value": 0}
        names = []
        for code, row in base["education"].items():
            names.append(
                self._add(f"education__{code}", forms.DecimalField(label=row["label"], **amount), row["amount"])
            )
        self.groups.append((str(_("Education pay")), names))
        names = []
        for level, value in sorted(base["levels"].items(), key=lambda item: int(item[0])):
            field = forms.DecimalField(label=_("Level %(n)s") % {"n": level}, **{**amount, "required": True})
            names.append(self._add(f"level__{level}", field, value))
        self.groups.append((str(_("Position-skill pay (levels)")), names))
        seniority = base["seniority"]
        names = [
            self._add(
                "seniority__rate",
                forms.DecimalField(label=_("Seniority: a month per full year"), **{**amount, "required": True}),
                seniority["rate"],
            ),
            self._add(
                "seniority__from_years",
                forms.IntegerField(label=_("Counted from full year"), min_value=0, max_value=50),
                seniority["from_years"],
            ),
            self._add(
                "seniority__cap_years",
                forms.IntegerField(label=_("At most years"), min_value=0, max_value=60),
                seniority["cap_years"],
            ),
        ]
        self.groups.append((str(_("Seniority")), names))
        names = []
        for code, row in base["allowances"].items():
            names.append(
                self._add(f"allowance__{code}", forms.DecimalField(label=row["label"], **amount), row["amount"])
            )
        holdback = base["holdback"]
        names.append(
            self._add(
                "holdback__percent",
                forms.DecimalField(
                    label=_("Held back (per cent of monthly gross)"),
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                ),
                holdback["percent"],
            )
        )
        names.append(
            self._add(
                "holdback__release_month",
                forms.IntegerField(label=_("Released in month"), min_value=1, max_value=12),
                holdback["release_month"],
            )
        )
        self.groups.append((str(_("Allowances and holdback")), names))
        levels = [("", _("asked for"))] + [(str(n), str(n)) for n in sorted(base["levels"], key=int)]
        coefficient = {"required": False, "max_digits": 6, "decimal_places": 3, "min_value": 0}
        for code, post in base["posts"].items():
            names = [
                self._add(
                    f"post__{code}__level",
                    forms.ChoiceField(label=_("Level"), choices=levels, required=False),
                    "" if post["level"] is None else str(post["level"]),
                ),
                self._add(
                    f"post__{code}__coefficient_min",
                    forms.DecimalField(label=_("Lowest coefficient"), **coefficient),
                    post["coefficient"]["min"],
                ),
                self._add(
                    f"post__{code}__coefficient_max",
                    forms.DecimalField(label=_("Highest coefficient"), **coefficient),
                    post["coefficient"]["max"],
                ),
                self._add(
                    f"post__{code}__coefficient_default",
                    forms.DecimalField(label=_("Default coefficient"), **coefficient),
                    post["coefficient"]["default"],
                ),
                self._add(
                    f"post__{code}__formula",
                    forms.CharField(label=_("Performance formula"), required=False, max_length=500),
                    post["formula"] or "",
                ),
                self._add(
                    f"post__{code}__quarterly_bonus",
                    forms.DecimalField(label=_("Quarterly bonus"), **amount),
                    post["quarterly_bonus"],
                ),
                self._add(
                    f"post__{code}__quarterly_share",
                    forms.DecimalField(
                        label=_("Or a share of the quarter's commission"),
                        required=False,
                        max_digits=4,
                        decimal_places=3,
                        min_value=0,
                        max_value=1,
                    ),
                    post["quarterly_share"],
                ),
                self._add(
                    f"post__{code}__holdback",
                    forms.BooleanField(label=_("Part held back"), required=False),
                    post["holdback"],
                ),
            ]
            self.post_rows.append((code, post["label"], names))
        self.tier_rows: list[tuple[str, str, list[str]]] = []
        for code, table in base["tiers"].items():
            text = "\n".join(
                f"{tier['from']}–{'' if tier['to'] is None else tier['to']}: {tier['rate']}" for tier in table["tiers"]
            )
            names = [
                self._add(
                    f"tiers__{code}__mode", forms.ChoiceField(label=_("Applies"), choices=TIER_MODES), table["mode"]
                ),
                self._add(
                    f"tiers__{code}__tiers",
                    forms.CharField(
                        label=_("Tiers"),
                        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
                        max_length=2000,
                        help_text=_("One tier a line: from–to: rate; the last tier open (300–: 2)."),
                    ),
                    text,
                ),
            ]
            self.tier_rows.append((code, table["label"], names))

    @property
    def bound_groups(self) -> list[tuple[str, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in self.groups]

    @property
    def bound_posts(self) -> list[tuple[str, str, list[Any]]]:
        return [(code, label, [self[name] for name in names]) for code, label, names in self.post_rows]

    @property
    def bound_tiers(self) -> list[tuple[str, str, list[Any]]]:
        return [(code, label, [self[name] for name in names]) for code, label, names in self.tier_rows]

    def _add(self, name: str, field: forms.Field, initial: Any) -> str:
        self.fields[name] = styled(field)
        self.initial.setdefault(name, initial)
        return name

    def document(self) -> dict[str, Any]:
        """The version edited with the values entered (``None`` where a value is left empty)."""
        data, doc = self.cleaned_data, json.loads(json.dumps(self.base))

        def text(value: Any) -> str | None:
            return None if value is None or value == "" else str(value)

        doc["name"] = data["name"]
        for code in doc["education"]:
            doc["education"][code]["amount"] = text(data[f"education__{code}"])
        for level in doc["levels"]:
            doc["levels"][level] = text(data[f"level__{level}"])
        for key in ("rate", "from_years", "cap_years"):
            value = data[f"seniority__{key}"]
            doc["seniority"][key] = text(value) if key == "rate" else value
        for code in doc["allowances"]:
            doc["allowances"][code]["amount"] = text(data[f"allowance__{code}"])
        doc["holdback"]["percent"] = text(data["holdback__percent"])
        doc["holdback"]["release_month"] = data["holdback__release_month"]
        for code, post in doc["posts"].items():
            level = data[f"post__{code}__level"]
            post["level"] = int(level) if level else None
            for bound in ("min", "max", "default"):
                post["coefficient"][bound] = text(data[f"post__{code}__coefficient_{bound}"])
            post["formula"] = data[f"post__{code}__formula"].strip() or None
            post["quarterly_bonus"] = text(data[f"post__{code}__quarterly_bonus"])
            post["quarterly_share"] = text(data[f"post__{code}__quarterly_share"])
            post["holdback"] = data[f"post__{code}__holdback"]
        for code, table in doc["tiers"].items():
            table["mode"] = data[f"tiers__{code}__mode"]
            table["tiers"] = data[f"tiers__{code}__tiers"]
        return doc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for code in self.base["tiers"]:
            name = f"tiers__{code}__tiers"
            if name in data:
                try:
                    data[name] = parse_tiers(data[name])
                except ValueError as exc:
                    self.add_error(name, str(exc))
        return data

    def field_for(self, path: str | None) -> str | None:
        """The field a plan error's path names (``posts.x.formula``, ``education.college``, ``tiers.t.tiers``)."""
        parts = (path or "").split(".")
        candidates = {
            "education": lambda p: f"education__{p[1]}",
            "levels": lambda p: f"level__{p[1]}",
            "seniority": lambda p: f"seniority__{p[1]}",
            "allowances": lambda p: f"allowance__{p[1]}",
            "holdback": lambda p: f"holdback__{p[1]}",
            "tiers": lambda p: f"tiers__{p[1]}__tiers",
            "name": lambda p: "name",
            "effective_from": lambda p: "effective_from",
        }
        if parts[0] == "posts" and len(parts) >= 3:
            name = f"post__{parts[1]}__{parts[2]}"
            if parts[2] == "coefficient":
                name += "_max"
            return name if name in self.fields else None
        make = candidates.get(parts[0])
        if make is None:
            return None
        try:
            name = make(parts)
        except IndexError:
            return None
        return name if name in self.fields else None


TIER_MODES = [("marginal", _("each tier on the part inside it")), ("whole", _("the whole figure at its tier's rate"))]
_TIER_LINE = re.compile(r"^\s*([\d.]+)\s*[–—-]\s*([\d.]*)\s*[:：]\s*([\d.]+)\s*$")


def parse_tiers(text: str) -> list[dict[str, str | None]]:
    """``0–200: 0.5`` lines as tiers (``300–: 2``: open-ended); the plan's check finds gaps and overlaps."""
    tiers: list[dict[str, str | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        match = _TIER_LINE.match(raw)
        if match is None:
            raise ValueError(_("Line %(n)s: write from–to: rate, e.g. 0–200: 0.5.") % {"n": number})
        start, end, rate = match.groups()
        tiers.append({"from": start, "to": end or None, "rate": rate})
    if not tiers:
        raise ValueError(_("Give at least one tier."))
    return tiers


class EntriesForm(BootstrapFormMixin, forms.Form):
    """The manager's entries on one statement: a coefficient per post, the plan's entered values, and
    the quarterly scores and the release where the month has them."""

    def __init__(
        self, *args: Any, plan: PlanDoc, posts: list[str], period: datetime.date, entries: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the entered values this person's formulas read (the driver's 救急补贴 is not a manager's),
        # and any entered before (so it can be cleared).
        formulas = plan.formulas(figure_keys())
        read = {name for post in posts if post in formulas for name in formulas[post].names}
        kept = entries.get("values", {})
        self.posts = posts
        self.entered = [code for code in plan.entered if code in read or code in kept]
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
        for code in self.entered:
            self.fields[f"value_{code}"] = forms.DecimalField(
                label=plan.entered[code].label,
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
        self.award_month = plan.year_end is not None and period.month == plan.year_end.month
        if self.award_month:
            self.fields["award"] = forms.ChoiceField(
                label=_("Year-end awards"),
                choices=YearEndDecision.choices,
                required=False,
                initial=entries.get("award", ""),
                help_text=_("Whether the department met the year's task (chapter 4)."),
            )
        self.attendance_spans = [
            span
            for span, wanted in (("quarter", self.quarter_end), ("year", self.award_month))
            if wanted and plan.attendance is not None
        ]
        for span in self.attendance_spans:
            self.fields[f"attendance_{span}"] = forms.DecimalField(
                label=_("Attendance this quarter (%)") if span == "quarter" else _("Attendance this year (%)"),
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=entries.get("attendance", {}).get(span),
                help_text=_("Where the days are kept outside the check-ins (office staff); empty: measured."),
            )
        for field in self.fields.values():
            styled(field)

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
        if self.award_month:
            result["award"] = data.get("award", "")
        if self.attendance_spans:
            result["attendance"] = {
                span: data[f"attendance_{span}"]
                for span in self.attendance_spans
                if data.get(f"attendance_{span}") is not None
            }
        return result

    def field_for(self, service_field: str | None) -> str | None:
        """The form field a service error's field (``coefficients.<post>``) is about."""
        if not service_field:
            return None
        head, _dot, tail = service_field.partition(".")
        name = {
            "coefficients": f"coefficient_{tail}",
            "values": f"value_{tail}",
            "scores": f"score_{tail}",
            "attendance": f"attendance_{tail}",
        }.get(head, head)
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
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("Not given")), *Sex.choices],
        required=False,
        help_text=_("For the attendance rule of the bonuses (in the default plan men 96, women 94 per cent)."),
    )
    active = forms.BooleanField(label=_("Paid in pay runs"), required=False, initial=True)

    def __init__(self, *args: Any, plan: PlanDoc, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["education"].choices = [(code, row.label) for code, row in plan.education.items()]
        self.fields["posts"].choices = [(code, post.label) for code, post in plan.posts.items()]
        self.fields["allowances"].choices = [(code, row.label) for code, row in plan.allowances.items()]
