"""The entry form of one instrument: a radio group per item, built from the instrument file.

Input shape only; scoring and the rules live in actions. Items are optional here: a form left
partly blank is refused by the action unless the user chose "Save as incomplete".
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput

from .actions import item_field
from .instruments import Instrument
from .models import Assessment


class ItemChoices(forms.RadioSelect):
    """The options of one item in a row; the score is shown beside each short label."""

    option_template_name = "assessments/item_option.html"


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=_("Date of assessment"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )
    occasion = forms.ChoiceField(
        label=_("Occasion"), choices=Assessment.Occasion.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, instrument: Instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item_field(item.number)] = forms.TypedChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[(option.score, option.label) for option in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                widget=ItemChoices,
                error_messages={
                    "invalid_choice": _(
                        "%(value)s is not one of the answers to this item: "
                        "choose one of those shown."
                    )
                },
            )

    def item_fields(self):
        return [self[item_field(item.number)] for item in self.instrument.items]

    def other_fields(self):
        return [self["assessed_on"], self["occasion"]]

    def answers(self) -> dict[int, int | None]:
        """Item number -> chosen score (None: left blank), from the cleaned data."""
        return {
            item.number: self.cleaned_data.get(item_field(item.number))
            for item in self.instrument.items
        }


class CorrectionForm(AssessmentForm):
    """The entry form again, filled in with the earlier answers, and the reason for correcting."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Give the reason for the correction.")},
    )

    def other_fields(self):
        return [self["reason"], *super().other_fields()]


def correction_initial(earlier: Assessment) -> dict:
    """The earlier assessment's date, occasion and answers, as the correction form's initial."""
    initial = {"assessed_on": earlier.assessed_on, "occasion": earlier.occasion}
    initial.update({item_field(int(n)): score for n, score in earlier.answers.items()})
    return initial
