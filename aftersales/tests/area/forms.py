from django import forms

from aftersales.tests.area.models import Area


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["code", "name"]
