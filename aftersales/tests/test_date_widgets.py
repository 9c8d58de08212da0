"""Every ``<input type="date">`` of the console is written in ISO (``2027-01-05``): a browser drops any
other value, so a day the server filled in Chinese (``2027/01/05``) showed as an empty field (the loan's
due-back day, the repurchase forms' days; found by a helper's probe, 2026-12-06)."""

import datetime
import importlib
import pkgutil

from django import forms
from django.utils import translation

import aftersales


def _form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(aftersales.__path__, "aftersales."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "forms_field"}:
            importlib.import_module(module.name)
    found, todo = [], [forms.Form, forms.ModelForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("aftersales."):
                found.append(sub)
    return found


def test_every_date_field_of_every_form_writes_its_day_in_iso():
    day = datetime.date(2027, 1, 5)
    checked, wrong = 0, []
    with translation.override("zh-hans"):
        for form_class in _form_classes():
            for name, field in form_class.base_fields.items():
                widget = field.widget
                if not (isinstance(widget, forms.DateInput) and widget.input_type == "date"):
                    continue
                checked += 1
                html = widget.render(name, day)
                if 'value="2027-01-05"' not in html:
                    wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}: {html}")

    assert checked > 15
    assert wrong == [], "use aftersales.core.widgets.DateInput"
