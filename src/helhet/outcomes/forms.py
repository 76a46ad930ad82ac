"""The outcome form: input shape only (the rules are the action's); the diagnoses typed as
codes separated by spaces or commas."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput

from .icd10 import parse_codes
from .models import (
    DEFAULT_PERIOD_MONTHS,
    MAX_DAYS,
    MAX_EPISODES,
    MAX_PERIOD_MONTHS,
    MAX_VISITS,
    Outcome,
    ProblemArea,
)

DIAGNOSES_LENGTH = 200  # ten codes and their separators, with room to spare


def _count(label, most: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=most, **kwargs)


class OutcomeForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, widget=DateInput(), validators=[limits.PAST]
    )
    occasion = forms.ChoiceField(
        label=_("Occasion"), choices=Outcome.Occasion.choices, widget=forms.RadioSelect
    )
    problem_areas = forms.MultipleChoiceField(
        label=_("Problem areas"),
        choices=ProblemArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    diagnoses = forms.CharField(
        label=_("Diagnoses (ICD-10)"),
        max_length=DIAGNOSES_LENGTH,
        required=False,
        help_text=_("Codes separated by spaces or commas, for example F10.2, F32.1."),
    )
    no_diagnosis_reason = forms.ChoiceField(
        label=_("Or the reason no diagnosis is set"),
        choices=Outcome.NoDiagnosis.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    no_diagnosis_text = forms.CharField(
        label=_("The other reason"), max_length=limits.NAME_LENGTH, required=False
    )
    housing = forms.ChoiceField(
        label=_("Housing"), choices=Outcome.Housing.choices, widget=forms.RadioSelect
    )
    occupation = forms.ChoiceField(
        label=_("Occupation or income"),
        choices=Outcome.Occupation.choices,
        widget=forms.RadioSelect,
    )
    period_months = forms.IntegerField(
        label=_("The last period, in months"),
        min_value=1,
        max_value=MAX_PERIOD_MONTHS,
        initial=DEFAULT_PERIOD_MONTHS,
        help_text=_("The care below is counted over this period, up to the date."),
    )
    inpatient_episodes = _count(_("Psychiatric inpatient care: episodes"), MAX_EPISODES)
    inpatient_days = _count(_("Psychiatric inpatient care: days"), MAX_DAYS)
    emergency_visits = _count(_("Psychiatric emergency care: visits"), MAX_VISITS)

    def clean_diagnoses(self) -> list[str]:
        try:
            return parse_codes(self.cleaned_data["diagnoses"])
        except ValidationError as error:  # keyed by the field already: its messages
            raise ValidationError(error.message_dict["diagnoses"]) from None


class CorrectionForm(OutcomeForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=limits.TEXT_LENGTH,
        error_messages={"required": _("Give the reason for the correction.")},
    )

    field_order = ["reason"]


def correction_initial(earlier: Outcome) -> dict:
    """The earlier outcome's fields, as the correction form's initial."""
    names = [name for name in OutcomeForm.base_fields if name != "diagnoses"]
    initial = {name: getattr(earlier, name) for name in names if name != "problem_areas"}
    initial["problem_areas"] = earlier.problem_areas
    initial["diagnoses"] = ", ".join(earlier.diagnoses)
    return initial
