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


def _meanwhile_fields() -> tuple[forms.Field, forms.Field]:
    party = ModelChoiceField(
        label=_("Acts meanwhile"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The party that gives the person the help in question while the dispute runs."),
    )
    return party, _text(_("What it does meanwhile"), rows=3, required=False)


class DisputeForm(forms.Form):
    """A dispute against another party of the unit's agreement (OPPONENTS); about a person,
    which of the PARTIES acts for the person meanwhile and what it does (`about_person`)."""

    against = ModelChoiceField(label=_("Against"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("About"), choices=Dispute.Kind.choices)
    question = _text(_("What the dispute is about"), rows=5)
    meanwhile_party, meanwhile = _meanwhile_fields()

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


SETTLED = ("yes", _("Settled: the dispute is closed with this decision"))
PROPOSED = ("yes", _("Settled: proposed to the other party, who confirms it"))
NOT_SETTLED = ("no", _("Not settled: the dispute moves up to the next step"))


class DecisionForm(forms.Form):
    """The decision at the dispute's current step (`step`: the step the page showed, so that a
    second decision at the same step is refused rather than moving the dispute up twice). The
    outcomes are those the user may record (`disputes.say`); with "not settled", who acts
    meanwhile from then on (starting from the dispute's)."""

    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=99)
    settled = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[SETTLED, NOT_SETTLED],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decision = _text(_("Decision"))
    reasons = _text(_("Reasons"))
    meanwhile_party, meanwhile = _meanwhile_fields()

    def __init__(self, data=None, *, dispute: Dispute, outcomes: list):
        initial = {"step": dispute.step, "meanwhile_party": dispute.meanwhile_party_id}
        super().__init__(data, initial=initial | {"meanwhile": dispute.meanwhile})
        cast(forms.ChoiceField, self.fields["settled"]).choices = outcomes
        if len(outcomes) == 1:
            self.fields["settled"].initial = outcomes[0][0]
        if NOT_SETTLED in outcomes:
            parties = Organisation.objects.filter(
                pk__in=[dispute.raising_party_id, dispute.against_id]
            ).order_by("name")
            set_queryset(self.fields["meanwhile_party"], parties)
        else:  # the dispute ends here: who acts meanwhile is no longer in question
            del self.fields["meanwhile_party"], self.fields["meanwhile"]


def outcomes(say, dispute: Dispute) -> list:
    """The outcomes SAY (`disputes.say`) lets its user record at DISPUTE's current step: a
    settlement of the parties is proposed, and not while one waits for an answer."""
    chosen = []
    if say.settles:
        chosen.append(SETTLED)
    elif dispute.proposed_party_id is None:
        chosen.append(PROPOSED)
    if say.escalates:
        chosen.append(NOT_SETTLED)
    return chosen


class SettlementAnswerForm(forms.Form):
    """The other party's answer to a proposed settlement (`proposal`: the number of the one the
    page showed)."""

    proposal = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    answer = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])

    def action_data(self) -> dict:
        return {
            "proposal": self.cleaned_data["proposal"],
            "confirm": self.cleaned_data["answer"] == "confirm",
        }
