"""The forms of a dispute: raising one (`dispute_actions.dispute_raise`) and the decision at a
step (`dispute_actions.dispute_decide`)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import ModelChoiceField, set_queryset
from helhet.core.models import Organisation

from .models import Dispute


def _text(label, *, rows: int = 4, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limits.TEXT_LENGTH,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class DisputeForm(forms.Form):
    """A dispute against another party of the unit's agreement (OPPONENTS); about a person,
    which of the PARTIES acts for the person meanwhile and what it does (`about_person`)."""

    against = ModelChoiceField(label=_("Against"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("About"), choices=Dispute.Kind.choices)
    question = _text(_("What the dispute is about"), rows=5)
    meanwhile_party = ModelChoiceField(
        label=_("Acts meanwhile"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The party that gives the person the help in question while the dispute runs."),
    )
    meanwhile = _text(_("What it does meanwhile"), rows=3, required=False)

    def __init__(self, *args, parties=None, opponents=None, about_person: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        none = Organisation.objects.none()
        set_queryset(self.fields["against"], opponents if opponents is not None else none)
        set_queryset(self.fields["meanwhile_party"], parties if parties is not None else none)
        if about_person:
            self.fields["meanwhile_party"].required = True
            self.fields["meanwhile"].required = True
        else:  # a dispute about no one person: the party's help is not in question
            del self.fields["meanwhile_party"], self.fields["meanwhile"]


SETTLED = [
    ("yes", _("Settled: the dispute is closed with this decision")),
    ("no", _("Not settled: the dispute moves up to the next step")),
]


class DecisionForm(forms.Form):
    """The decision at the dispute's current step (`step`: the step the page showed, so that a
    second decision at the same step is refused rather than moving the dispute up twice)."""

    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=99)
    settled = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=SETTLED,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decision = _text(_("Decision"))
    reasons = _text(_("Reasons"))

    def __init__(self, *args, last: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if last:  # the last step can only settle
            cast(forms.ChoiceField, self.fields["settled"]).choices = SETTLED[:1]
            self.fields["settled"].initial = "yes"
