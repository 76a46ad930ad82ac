from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ALERT_TEXT_LENGTH, Alert


class AlertForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of warning"), choices=Alert.Kind.choices)
    text = forms.CharField(
        label=_("What the team needs to know"),
        max_length=ALERT_TEXT_LENGTH,
        help_text=_("Shown at the top of every page about the person. Keep it short."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AlertEndForm(forms.Form):
    """Nothing to fill in: the button ends the warning."""
