"""The filters of the follow-up pages: the period (`periods.PeriodForm`) and, per page, the
breakdown, the unit type or the trend's length and indicator. All are GET forms: a bad value
re-renders the page with the form's message, never an error page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helhet.core.models import Unit

from . import definitions
from .periods import PeriodForm, last_full_year

BREAKDOWNS = [
    ("total", pgettext_lazy("breakdown", "Total")),
    ("sex", _("By sex")),
    ("age", _("By age group")),
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

    def clean_count(self):
        return self.cleaned_data.get("count") or 4
