from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.accounts.permissions import users_visible_to
from aftersales.reports.periods import KINDS


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=list(KINDS.items()))
    recipients = forms.ModelMultipleChoiceField(label=_("Recipients"), queryset=User.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        field.queryset = users_visible_to(user).filter(is_active=True).exclude(email="").order_by("username")
        field.widget.attrs.update({"size": 8, "class": "form-select"})
