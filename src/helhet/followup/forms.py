"""The filters of the follow-up pages: the period (`periods.PeriodForm`) and, per page, the
breakdown, the unit type or the trend's length and indicator. All are GET forms: a bad value
re-renders the page with the form's message, never an error page."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helhet.core.models import Unit

from . import definitions, municipalities
from .indicators import breakdown_of, groups_of
from .periods import PeriodForm, last_full_year

BREAKDOWNS = [
    ("total", pgettext_lazy("breakdown", "Total")),
    ("sex", _("By sex")),
    ("age", _("By age group")),
    ("municipality", _("By municipality")),
]
MAX_TREND = 24  # the help text names it


def period_defaults(today=None) -> dict[str, str]:
    """The filters before any is chosen: the last full year."""
    return last_full_year(today).query()


class UnitFilterForm(PeriodForm):
    breakdown = forms.ChoiceField(
        label=_("Breakdown"), choices=BREAKDOWNS, required=False, widget=forms.RadioSelect
    )

    def clean_breakdown(self):
        return self.cleaned_data.get("breakdown") or "total"


class CountyFilterForm(PeriodForm):
    unit_type = forms.ChoiceField(label=_("Unit type"), choices=Unit.Type.choices)
    group = forms.ChoiceField(
        label=_("Residents of"),
        required=False,
        help_text=_("Everyone, or the persons resident in one municipality."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = [
            ("total", pgettext_lazy("breakdown", "Total")),
            *municipalities.choice_groups(),
        ]

    def clean_group(self):
        return self.cleaned_data.get("group") or "total"


def _indicator_choices():
    return [("", _("All indicators"))] + [(i.code, i.name) for i in definitions.INDICATORS]


class TrendFilterForm(PeriodForm):
    """The last COUNT periods of the chosen kind, ending with the chosen period."""

    count = forms.IntegerField(
        label=_("Number of periods"),
        min_value=2,
        max_value=MAX_TREND,
        required=False,
        help_text=_("From 2 to 24, the last one being the period chosen above."),
    )
    indicator = forms.ChoiceField(label=_("Indicator"), choices=_indicator_choices, required=False)
    group = forms.ChoiceField(
        label=_("Group"),
        required=False,
        help_text=_(
            "Everyone, or one sex, age group (the age at the start of each period) or "
            "municipality of residence."
        ),
    )

    def __init__(self, *args, unit_type: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["group"]).choices = group_choices(unit_type)

    def clean_count(self):
        return self.cleaned_data.get("count") or 4

    def clean_group(self):
        return self.cleaned_data.get("group") or "total"

    def clean(self):
        cleaned = super().clean()
        cleaned["breakdown"] = breakdown_of(cleaned.get("group") or "total")
        return cleaned


def group_choices(unit_type: str) -> list:
    """Everyone, then the sexes, the unit type's age groups (every unit type's when none is
    given: an export's data is checked before its unit is known) and the municipalities."""
    types = [unit_type] if unit_type else [Unit.Type.MINI_MARIA, Unit.Type.SOCIAL_MEDICINE]
    ages = {g.key: g.label for t in types for g in groups_of(t, "age")[1:]}
    sexes = [(g.key, g.label) for g in groups_of(types[0], "sex")[1:]]
    return [
        ("total", pgettext_lazy("breakdown", "Total")),
        (_("By sex"), sexes),
        (_("By age group"), list(ages.items())),
        *municipalities.choice_groups(),
    ]
