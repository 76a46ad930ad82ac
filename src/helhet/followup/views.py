"""Follow-up pages: aggregates per unit and period, the trend, the county comparison and the
definitions. Who may see which unit, and whether exactly, is asked of `access` (deny by
default: "not found", on the primary); the figures come from `indicators`, read from the read
replica where there is one (`core.replica`); nothing here names a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from helhet.core.models import Unit
from helhet.core.replica import from_replica
from helhet.governance import deviations, targets
from helhet.surveys import results as survey_results

from . import access, charts, indicators, tables

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from . import definitions as defs
from .agegroups import age_groups
from .forms import BREAKDOWNS, CountyFilterForm, TrendFilterForm, UnitFilterForm, period_defaults


def _filters(request, form_class, **defaults):
    """FORM_CLASS bound to the query string, over the defaults (the last full year)."""
    return form_class({**period_defaults(), **defaults, **request.GET.dict()})


def _unit_types(units) -> list[tuple[str, StrOrPromise]]:
    present = {unit.unit_type for unit in units}
    return [(code, label) for code, label in Unit.Type.choices if code in present]


@login_required
@require_GET
def index(request):
    units = access.units_or_404(request.user)
    context = {"units": units, "unit_types": _unit_types(units)}
    return render(request, "followup/index.html", context)


@login_required
@require_GET
def unit(request, unit_id: int):
    followup = access.unit_followup(request.user, unit_id)
    form = _filters(request, UnitFilterForm, breakdown="total")
    context = {"form": form, "unit": followup.unit, "followup": followup, "breakdowns": BREAKDOWNS}
    if form.is_valid():
        period, breakdown = form.cleaned_data["period"], form.cleaned_data["breakdown"]
        report, voice = from_replica(
            lambda: (
                indicators.unit_report(
                    followup.unit, period, breakdown=breakdown, suppress=followup.suppress
                ),
                survey_results.comparison([followup.unit], period),
            )
        )
        context |= {
            "report": report,
            "sections": [
                (table, charts.group_chart(report, table.group))
                for table in tables.unit_tables(report)
            ],
            "period_query": period.query(),
            "held": targets.held([report]),
            "voice": voice,
            # between the authorities, by the steering page's rule (`deviations.figures`)
            "deviations": deviations.figures(
                deviations.reported_in([followup.unit], *period.bounds()), timezone.localdate()
            ),
            "export_params": {
                "scope": "unit",
                "unit_id": followup.unit.pk,
                **period.query(),
                "breakdown": breakdown,
            },
        }
    return render(request, "followup/unit.html", context)


@login_required
@require_GET
def trend(request, unit_id: int):
    followup = access.unit_followup(request.user, unit_id)
    form = TrendFilterForm(
        {**period_defaults(), **request.GET.dict()}, unit_type=followup.unit.unit_type
    )
    context = {"form": form, "unit": followup.unit, "followup": followup}
    context["subject"] = followup.unit.name  # "<unit>, <group>" for one group's trend
    if form.is_valid():
        periods = form.cleaned_data["period"].preceding(form.cleaned_data["count"])
        group = form.cleaned_data["group"]
        reports = from_replica(
            lambda: indicators.trend(
                followup.unit, periods, group=group, suppress=followup.suppress
            )
        )
        chosen = form.cleaned_data["indicator"]
        # the agreement's targets are the unit's, not one group's
        held = targets.held(reports) if group == "total" else None
        context |= {
            "reports": reports,
            "subject": reports[0].unit_name,
            "sections": _trend_sections(reports, chosen, held or []),
            "held": held,
            "period_query": form.cleaned_data["period"].query(),
            "export_params": {
                "scope": "trend",
                "unit_id": followup.unit.pk,
                **form.cleaned_data["period"].query(),
                "count": form.cleaned_data["count"],
                "group": group,
            },
        }
    return render(request, "followup/trend.html", context)


def _trend_sections(reports, chosen: str, held):
    """Per indicator group: the table (periods as columns) and a line per indicator, with its
    targets (HELD) marked."""
    sections = []
    for table in tables.side_by_side_tables(reports, lambda r: r.period.label):
        if chosen:
            rows = tuple(row for row in table.rows if row.indicator.code == chosen)
            if not rows:
                continue
            table = tables.Table(table.group, table.title, table.columns, rows)
        lines = [
            charts.trend_chart(
                reports,
                indicator.code,
                prefix="trend",
                targets=targets.marks(held, reports, indicator.code),
            )
            for indicator in table.indicators
        ]
        sections.append((table, [line for line in lines if line is not None]))
    return sections


@login_required
@require_GET
def county(request):
    units = access.units_or_404(request.user)
    form = _filters(request, CountyFilterForm, unit_type=units[0].unit_type)
    context = {"form": form, "own_units": units}
    if form.is_valid():
        period, unit_type = form.cleaned_data["period"], form.cleaned_data["unit_type"]
        group = form.cleaned_data["group"]
        units = list(access.county_units(unit_type))
        reports = from_replica(
            lambda: indicators.county_comparison(units, period, group=group, suppress=True)
        )
        context |= {
            "reports": reports,
            "unit_type_label": Unit.Type(unit_type).label,
            # the residents of one municipality: the column's label (`UnitReport.column`)
            "group_label": reports[0].groups[0].label if reports and group != "total" else "",
            "sections": _county_sections(reports),
            # the agreement's targets are the units', not one municipality's residents'
            "held": targets.held(reports) if group == "total" else [],
            "export_params": {
                "scope": "county",
                "unit_type": unit_type,
                **period.query(),
                "breakdown": "total",
                "group": group,
            },
        }
    return render(request, "followup/county.html", context)


def _county_sections(reports):
    """Per indicator group: the table (units as columns) and bars of its first indicator."""
    sections = []
    for table in tables.side_by_side_tables(reports, lambda r: r.unit_name):
        first = table.indicators[0].code
        sections.append((table, charts.comparison_chart(reports, first, prefix="county")))
    return sections


@login_required
@require_GET
def definitions(request):
    access.require_followup(request.user)
    context = {
        "groups": [(code, label, defs.in_group(code)) for code, label in defs.GROUPS],
        "common": defs.COMMON_TEXT,
        "suppression": defs.SUPPRESSION_TEXT,
        "municipality": defs.MUNICIPALITY_TEXT,
        "goal_images": defs.GOAL_IMAGES,
        "age_groups": [
            (Unit.Type.MINI_MARIA.label, age_groups(Unit.Type.MINI_MARIA)),
            (_("Other unit types (adults)"), age_groups(Unit.Type.SOCIAL_MEDICINE)),
        ],
    }
    return render(request, "followup/definitions.html", context)
