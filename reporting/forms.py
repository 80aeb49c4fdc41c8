from django import forms

from sunshine.forms import DATE

from .models import Pairing


class PairingForm(forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["unit", "region", "since", "until", "responsibilities"]
        widgets = {"since": DATE, "until": DATE, "responsibilities": forms.Textarea(attrs={"rows": 3})}
