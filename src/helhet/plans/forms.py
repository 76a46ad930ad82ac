"""Forms for the plan pages: input shape only; the rules (and their messages) live in actions.

The SIP and the treatment plan are a main form with formsets of rows; rows left empty are
ignored, and every field the law asks for is checked by the action, so that a missing overall
responsibility or a half-filled row gets one clear message and nothing is saved.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.care.forms import CaseTeamForm
from helhet.contacts.models import Intervention
from helhet.core import limits
from helhet.core.forms import DateInput, IdMultipleChoiceField, ModelChoiceField, set_queryset
from helhet.core.versions import BasedOnVersion, initial_version

from .models import SipMeasure, SipVersion

EMPTY = [("", "---------")]


def _staff_field(label, staff):
    field = ModelChoiceField(label=label, queryset=staff, required=False)
    set_queryset(field, staff, label=CaseTeamForm.staff_label)
    return field


def _interventions():
    return Intervention.objects.filter(active=True).order_by("name")


def share_choices(formset, *names) -> None:
    """Read each select's choices once for all rows (else every row queries them again)."""
    forms_ = list(formset.forms)
    for name in names:
        choices = list(forms_[0].fields[name].choices)
        for form in forms_:
            form.fields[name].choices = choices


def filled_rows(formset) -> list[dict]:
    """The cleaned data of the rows with anything in them, in order."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and any(v for k, v in form.cleaned_data.items() if k != "DELETE")
    ]


# --- SIP ----------------------------------------------------------------------------------


class SipForm(BasedOnVersion):
    goal = forms.CharField(
        label=_("The person's goal, in their own words"),
        required=False,
        max_length=limits.GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    overall_responsible: forms.ModelChoiceField = ModelChoiceField(
        label=_("Authority with overall responsibility"),
        queryset=None,
        required=False,
        help_text=_("Required by law (SoL 2 kap. 7 §, HSL 16 kap. 4 §)."),
    )
    person_took_part = forms.BooleanField(
        label=_("The person took part"), required=False, initial=True
    )
    relatives: IdMultipleChoiceField = IdMultipleChoiceField(
        label=_("Relatives taking part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only relatives the person agrees to; those the person asks secrecy towards are "
            "not listed."
        ),
    )
    other_participants = forms.CharField(
        label=_("Other participants (agencies, names)"),
        required=False,
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreed_on = forms.DateField(
        label=_("The person agreed to the plan on"),
        required=False,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    agreed_how = forms.ChoiceField(
        label=_("How the person agreed"),
        choices=EMPTY + list(SipVersion.AgreedHow.choices),
        required=False,
    )

    def __init__(self, *args, organisations, relatives, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["overall_responsible"], organisations)
        set_queryset(self.fields["relatives"], relatives)


class SipInterventionForm(forms.Form):
    intervention = ModelChoiceField(
        label=_("Intervention"), queryset=Intervention.objects.none(), required=False
    )
    description = forms.CharField(label=_("Or in words"), max_length=300, required=False)
    responsible_organisation: forms.ModelChoiceField = ModelChoiceField(
        label=_("Responsible authority"), queryset=None, required=False
    )
    responsible_staff: forms.ModelChoiceField = ModelChoiceField(
        label=_("Named staff"), queryset=None, required=False
    )

    def __init__(self, *args, organisations, staff, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["intervention"], _interventions())
        set_queryset(self.fields["responsible_organisation"], organisations)
        self.fields["responsible_staff"] = _staff_field(_("Named staff"), staff)


class SipMeasureForm(forms.Form):
    agency = forms.ChoiceField(
        label=_("Agency"), choices=EMPTY + list(SipMeasure.Agency.choices), required=False
    )
    agency_name = forms.CharField(label=_("Name or contact"), max_length=200, required=False)
    measure = forms.CharField(label=_("Measure"), max_length=300, required=False)


SipInterventionRows = forms.formset_factory(
    SipInterventionForm, extra=2, max_num=30, absolute_max=30
)
SipMeasureRows = forms.formset_factory(SipMeasureForm, extra=2, max_num=30, absolute_max=30)


class SipPage:
    """The SIP form and its two formsets, bound together; `kwargs()` for the action."""

    def __init__(self, data, *, organisations, staff, relatives, latest: SipVersion | None):
        initial, rows, measures = _sip_initial(latest)
        self.form = SipForm(data, initial=initial, organisations=organisations, relatives=relatives)
        self.interventions = SipInterventionRows(
            data,
            prefix="interventions",
            initial=rows,
            form_kwargs={"organisations": organisations, "staff": staff},
        )
        self.measures = SipMeasureRows(data, prefix="measures", initial=measures)
        if self.interventions.is_bound and not self.interventions.management_form.is_valid():
            return
        share_choices(
            self.interventions, "intervention", "responsible_organisation", "responsible_staff"
        )

    def is_valid(self) -> bool:
        # all three, so that every error shows at once
        return all([self.form.is_valid(), self.interventions.is_valid(), self.measures.is_valid()])

    def kwargs(self) -> dict:
        measures = [row for row in filled_rows(self.measures)]
        return {
            **self.form.cleaned_data,
            "interventions": filled_rows(self.interventions),
            "measures": measures,
        }


def _sip_initial(latest: SipVersion | None):
    if latest is None:
        return {"person_took_part": True, **initial_version(None)}, [], []
    initial = {
        **initial_version(latest),
        "goal": latest.goal,
        "overall_responsible": latest.overall_responsible_id,
        "person_took_part": latest.person_took_part,
        "relatives": [r.pk for r in latest.relatives.all()],
        "other_participants": latest.other_participants,
    }
    rows = [
        {
            "intervention": i.intervention_id,
            "description": i.description,
            "responsible_organisation": i.responsible_organisation_id,
            "responsible_staff": i.responsible_staff_id,
        }
        for i in latest.interventions.all()
    ]
    measures = [
        {"agency": m.agency, "agency_name": m.agency_name, "measure": m.measure}
        for m in latest.measures.all()
    ]
    return initial, rows, measures


class SipMeetingForm(forms.Form):
    caller: forms.ModelChoiceField = ModelChoiceField(label=_("Called by"), queryset=None)
    held_on = forms.DateField(
        label=_("Date of the meeting"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    invitees = forms.CharField(
        label=_("Invited (one per line)"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person, relatives, staff, other agencies."),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=limits.NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    next_follow_up_on = forms.DateField(
        label=_("Next follow-up"),
        required=False,
        widget=DateInput(),
        validators=[limits.REVIEW_RANGE],
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["caller"], staff, label=CaseTeamForm.staff_label)


# --- Treatment plan -----------------------------------------------------------------------


class PlanForm(BasedOnVersion):
    goals = forms.CharField(
        label=_("The person's goals, in their own words"),
        max_length=limits.GOAL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_on = forms.DateField(
        label=_("Review date"), widget=DateInput(), validators=[limits.REVIEW_RANGE]
    )


class PlanItemForm(forms.Form):
    intervention = ModelChoiceField(
        label=_("Intervention"), queryset=Intervention.objects.none(), required=False
    )
    description = forms.CharField(label=_("Or in words"), max_length=300, required=False)
    responsible: forms.ModelChoiceField = ModelChoiceField(
        label=_("Who does it"), queryset=None, required=False
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["intervention"], _interventions())
        self.fields["responsible"] = _staff_field(_("Who does it"), staff)


PlanItemRows = forms.formset_factory(PlanItemForm, extra=2, max_num=30, absolute_max=30)


class PlanPage:
    """The treatment plan form and its rows, started from the latest version."""

    def __init__(self, data, *, staff, latest):
        initial, rows = initial_version(latest), []
        if latest is not None:
            initial |= {"goals": latest.goals, "review_on": latest.review_on}
            rows = [
                {
                    "intervention": i.intervention_id,
                    "description": i.description,
                    "responsible": i.responsible_id,
                }
                for i in latest.items.all()
            ]
        self.form = PlanForm(data, initial=initial)
        self.items = PlanItemRows(data, prefix="items", initial=rows, form_kwargs={"staff": staff})
        if not self.items.is_bound or self.items.management_form.is_valid():
            share_choices(self.items, "intervention", "responsible")

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.items.is_valid()])

    def kwargs(self) -> dict:
        return {**self.form.cleaned_data, "items": filled_rows(self.items)}
