"""The governance forms: a proposed version, a checklist item, a position, a cost, the key and
the year shown. Choices of organisations are the agreement's parties (`set_queryset`)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput, IdMultipleChoiceField, ModelChoiceField, set_queryset
from helhet.core.models import Organisation, User
from helhet.core.versions import BasedOnVersion

from .models import ChecklistItem, Cost, CostKey, Deviation

STEPS = 4  # the ladder's steps on the form (unit managers … the county's body)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ProposalForm(BasedOnVersion):
    change = forms.CharField(
        label=_("What changes and why"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parties = IdMultipleChoiceField(
        label=_("Parties"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    decided_by = forms.CharField(
        label=_("Decided by"),
        max_length=limits.NAME_LENGTH,
        required=False,
        help_text=_("The body of each party that decided, e.g. the social welfare board."),
    )
    decided_on = forms.DateField(
        label=_("Decided on"), required=False, widget=DateInput(), validators=[limits.PAST]
    )
    starts_on = forms.DateField(
        label=_("Valid from"), widget=DateInput(), validators=[limits.AGREEMENT_RANGE]
    )
    ends_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        validators=[limits.AGREEMENT_RANGE],
    )
    renews_yearly = forms.BooleanField(label=_("Renewed a year at a time"), required=False)
    signatories = forms.CharField(
        label=_("Signatories"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name and title."),
    )
    mission = forms.CharField(
        label=_("Mission"), max_length=limits.GOAL_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    target_group = forms.CharField(
        label=_("Target group"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goals = forms.CharField(
        label=_("Goals"),
        max_length=limits.GOAL_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One goal per line."),
    )
    deviation_answer_days = forms.IntegerField(
        label=_("Days to answer a deviation"), min_value=1, max_value=limits.MAX_DAYS, initial=14
    )
    consultation_answer_days = forms.IntegerField(
        label=_("Days to answer a consultation"),
        min_value=1,
        max_value=limits.MAX_DAYS,
        initial=5,
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["parties"], parties or Organisation.objects.none())
        for n in range(1, STEPS + 1):
            self.fields[f"step_{n}_body"] = forms.CharField(
                label=_("Step %(n)s: who decides") % {"n": n},
                max_length=limits.NAME_LENGTH,
                required=False,
            )
            self.fields[f"step_{n}_days"] = forms.IntegerField(
                label=_("Step %(n)s: days to decide") % {"n": n},
                min_value=1,
                max_value=limits.MAX_DAYS,
                required=False,
            )
            self.fields[f"step_{n}_steering"] = forms.BooleanField(
                label=_("Step %(n)s: the steering group decides") % {"n": n}, required=False
            )

    def step_fields(self):
        return [
            (self[f"step_{n}_body"], self[f"step_{n}_days"], self[f"step_{n}_steering"])
            for n in range(1, STEPS + 1)
        ]

    def clean(self):
        data = super().clean() or {}
        for n in range(1, STEPS + 1):
            body, days = data.get(f"step_{n}_body"), data.get(f"step_{n}_days")
            if bool(body) != (days is not None):
                self.add_error(
                    f"step_{n}_body", _("Give both who decides and the days, or neither.")
                )
        return data

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["based_on"] = data.pop("version")
        data["goals"] = data["goals"].splitlines()
        data["steps"] = [
            (data.pop(f"step_{n}_body"), data.pop(f"step_{n}_days"), data.pop(f"step_{n}_steering"))
            for n in range(1, STEPS + 1)
        ]
        data["steps"] = [step for step in data["steps"] if step[0]]
        return data


def proposal_initial(version) -> dict:
    """A proposal's form starting from VERSION (the latest), or empty."""
    if version is None:
        return {"version": 0, "deviation_answer_days": 14, "consultation_answer_days": 5}
    initial = {
        "version": version.number,
        "parties": list(version.parties.all()),
        "goals": "\n".join(goal.text for goal in version.goals.all()),
    }
    for name in (
        "decided_by",
        "decided_on",
        "starts_on",
        "ends_on",
        "renews_yearly",
        "signatories",
        "mission",
        "target_group",
        "deviation_answer_days",
        "consultation_answer_days",
    ):
        initial[name] = getattr(version, name)
    for n, step in enumerate(version.steps.all(), start=1):
        initial |= {f"step_{n}_body": step.body, f"step_{n}_days": step.days}
        initial[f"step_{n}_steering"] = step.by_steering_group
    return initial


class EditForm(BasedOnVersion):
    """A record's form, new (version 0) or a change based on the version shown."""

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["based_on"] = data.pop("version")
        return data


class ChecklistItemForm(EditForm):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    responsible = forms.CharField(
        label=_("Responsible"), max_length=limits.NAME_LENGTH, required=False
    )
    due_on = forms.DateField(
        label=_("Due"), required=False, widget=DateInput(), validators=[limits.AGREEMENT_RANGE]
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PositionForm(EditForm):
    profession = forms.ChoiceField(label=_("Profession"), choices=User.Profession.choices)
    title = forms.CharField(label=_("Title"), max_length=limits.NAME_LENGTH, required=False)
    percent = forms.IntegerField(
        label=_("Share of full time (%)"), min_value=1, max_value=100, initial=100
    )
    employer = ModelChoiceField(label=_("Employed by"), queryset=Organisation.objects.none())
    payer = ModelChoiceField(label=_("Paid by"), queryset=Organisation.objects.none())
    vacant = forms.BooleanField(label=_("Vacant"), required=False)

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("employer", "payer"):
            set_queryset(self.fields[name], parties or Organisation.objects.none())


class CostForm(EditForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Cost.Kind.choices)
    party = ModelChoiceField(
        label=_("Borne by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Shared (divided by the key)"),
    )
    description = forms.CharField(
        label=_("Description"), max_length=limits.NAME_LENGTH, required=False
    )
    amount = forms.IntegerField(label=_("Amount (SEK)"), min_value=0, max_value=limits.MAX_AMOUNT)

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["party"], parties or Organisation.objects.none())


class KeyForm(forms.Form):
    method = forms.ChoiceField(label=_("Key"), choices=CostKey.Method.choices)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        for party in self.parties:
            self.fields[f"share_{party.pk}"] = forms.DecimalField(
                label=_("Share of %(party)s (%%)") % {"party": party.name},
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                required=False,
            )

    def share_fields(self):
        return [self[f"share_{party.pk}"] for party in self.parties]

    def action_data(self) -> dict:
        shares = {
            party.pk: self.cleaned_data[f"share_{party.pk}"]
            for party in self.parties
            if self.cleaned_data.get(f"share_{party.pk}") is not None
        }
        return {"method": self.cleaned_data["method"], "shares": shares}


def key_initial(key) -> dict:
    if key is None:
        return {}
    return {"method": key.method} | {
        f"share_{share.organisation_id}": share.percent for share in key.shares.all()
    }


class DeviationForm(forms.Form):
    """A deviation to another party of the unit's agreement (`actions.deviation_report`)."""

    addressed_to = ModelChoiceField(label=_("Addressed to"), queryset=Organisation.objects.none())
    function = forms.CharField(
        label=_("Function addressed"),
        max_length=limits.NAME_LENGTH,
        help_text=_("The role or title that answers for the party, e.g. the unit manager."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Deviation.Category.choices)
    happened_on = forms.DateField(
        label=_("Happened on"), widget=DateInput(), validators=[limits.PAST]
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["addressed_to"], parties or Organisation.objects.none())


class DeviationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=limits.TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    measures = forms.CharField(
        label=_("Measures taken"),
        max_length=limits.TEXT_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
