"""The form of an agreement's target: the version, what it serves (a goal of the version, a goal
image), the indicator, at least or at most a value, the period (a year, or from–to) and the
unit (empty: all of the agreement's). `target_actions.target_save` checks it all again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helhet.core import limits
from helhet.core.forms import DateInput, ModelChoiceField, set_queryset
from helhet.core.models import Unit
from helhet.core.versions import BasedOnVersion
from helhet.followup.definitions import GOAL_IMAGES

from . import targets
from .models import TARGET_MAX, AgreementVersion, Goal, Target


def _goal_image_choices():
    return [("", _("None"))] + [(g.number, f"{g.number}. {g.text}") for g in GOAL_IMAGES]


class TargetForm(BasedOnVersion):
    agreement_version = ModelChoiceField(
        label=_("Version of the agreement"), queryset=AgreementVersion.objects.none()
    )
    goal = ModelChoiceField(
        label=_("Goal of the agreement"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    goal_image = forms.TypedChoiceField(
        label=_("Goal image"),
        choices=_goal_image_choices,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Choose a goal, a goal image, or both."),
    )
    indicator = forms.ChoiceField(label=_("Indicator"), choices=targets.choices)
    comparison = forms.ChoiceField(
        label=_("Comparison"), choices=Target.Comparison.choices, widget=forms.RadioSelect
    )
    value = forms.DecimalField(
        label=_("Target value"),
        min_value=-TARGET_MAX,
        max_value=TARGET_MAX,
        decimal_places=1,
        help_text=_("In the indicator's unit: percent, days or a number."),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("The agreement year; or leave it empty and give the period's days."),
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=[limits.AGREEMENT_RANGE]
    )
    ends_on = forms.DateField(
        label=_("To"), required=False, widget=DateInput(), validators=[limits.AGREEMENT_RANGE]
    )
    unit = ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All the agreement's units"),
    )

    def __init__(self, *args, versions=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        versions = versions if versions is not None else AgreementVersion.objects.none()
        set_queryset(
            self.fields["agreement_version"],
            versions,
            label=lambda v: str(
                _("Version %(n)s (%(state)s)") % {"n": v.number, "state": v.get_state_display()}
            ),
        )
        set_queryset(
            self.fields["goal"],
            Goal.objects.filter(version__in=versions).select_related("version"),
            label=lambda g: f"{g.version.number}.{g.position + 1} {g.text[:80]}",
        )
        set_queryset(self.fields["unit"], units if units is not None else Unit.objects.none())

    def action_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["based_on"] = data.pop("version")
        return data


def target_initial(target: Target) -> dict:
    """The form's values for TARGET as saved (its period as dates)."""
    names = ("agreement_version", "goal", "goal_image", "indicator", "comparison", "value")
    initial = {name: getattr(target, name) for name in names}
    return initial | {
        "starts_on": target.starts_on,
        "ends_on": target.ends_on,
        "unit": target.unit,
        "version": target.version,
    }
