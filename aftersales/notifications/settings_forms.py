"""The form of the customer SMS settings section (the generic settings screens hand its data to
``customer_sms.switch_customer_sms``)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.notifications.models import CustomerSmsSwitch


class CustomerSmsSwitchForm(forms.ModelForm):
    class Meta:
        model = CustomerSmsSwitch
        fields = ["enabled"]
        labels = {"enabled": _("Send this SMS to customers")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # When it is sent, as the kind's app describes it.
        self.fields["enabled"].help_text = self.instance.description
