"""The outcome indicators (`helhet.outcomes`): at intake the problem areas, the diagnoses (or
the reason none is set), homelessness and psychiatric inpatient care; at the latest follow-up
the change from intake in psychiatric inpatient care and in homelessness. Two queries, grouped
as every source of `indicators._Computation` is (by unit and the breakdown's or the trend's
group key), the versions in force only, clients only (`indicators.clients`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext

from helhet.outcomes.models import Outcome, ProblemArea

if TYPE_CHECKING:
    from .indicators import _Computation

INTAKE, FOLLOW_UP = Outcome.Occasion.INTAKE, Outcome.Occasion.FOLLOW_UP
HOMELESS = Q(housing=Outcome.Housing.HOMELESS)
INPATIENT = Q(inpatient_episodes__gt=0)
# the change indicators: code -> the condition that is the worse state
CHANGES = {"inpatient_change": INPATIENT, "homeless_change": HOMELESS}


def sub_rows(code: str) -> list[tuple[str, str]] | None:
    """(row key, label) of the sub-rows of outcome indicator CODE; None for another code."""
    if code == "outcome_intake":
        return [(f"area:{value}", str(label)) for value, label in ProblemArea.choices]
    if code == "outcome_diagnosis":
        reasons = [(f"diagnosis:{v}", str(label)) for v, label in Outcome.NoDiagnosis.choices]
        return [("diagnosis:set", gettext("With ICD-10 diagnoses")), *reasons]
    if code in CHANGES:
        labels = {
            "improved": gettext("Improved"),
            "unchanged": gettext("Unchanged"),
            "worse": gettext("Worse"),
        }
        return [(f"change:{name}", label) for name, label in labels.items()]
    return None


def compute(computation: _Computation) -> None:
    """Put the outcome figures of COMPUTATION's units, periods and groups into it."""
    from .indicators import clients  # (the computation's module imports this one)

    in_force = clients(Outcome.objects.in_force().filter(unit__in=computation.unit_ids)).order_by()
    in_force = in_force.alias(**_period_bounds(computation))
    _intake(computation, in_force)
    _changes(computation, in_force)


def _period_bounds(computation: _Computation) -> dict[str, Case]:
    """The first and last day of the period an outcome's date falls in (one but in a trend)."""
    bounds = {}
    for name, index in (("period_start", 0), ("period_end", 1)):
        bounds[name] = Case(
            *[
                When(
                    assessed_on__gte=p.start,
                    assessed_on__lte=p.end,
                    then=Value((p.start, p.end)[index]),
                )
                for p in computation.periods
            ],
            output_field=DateField(),
        )
    return bounds


def _same(**more):
    """The in-force outcomes of the outer row's person at its unit, filtered by MORE."""
    return Outcome.objects.in_force().filter(
        person=OuterRef("person_id"), unit=OuterRef("unit_id"), **more
    )


def _intake(computation: _Computation, in_force) -> None:
    """Each person's first intake outcome in the period: counted once, with its fields."""
    start, end = computation.period.start, computation.period.end
    earlier = _same(occasion=INTAKE, assessed_on__gte=OuterRef("period_start")).filter(
        Q(assessed_on__lt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), id__lt=OuterRef("id"))
    )
    figures: dict[str, Any] = {
        f"area_{area}": Count("id", filter=Q(**{area: True})) for area in ProblemArea.values
    }
    figures["diagnosis_set"] = Count("id", filter=Q(no_diagnosis_reason=""))
    for reason in Outcome.NoDiagnosis.values:
        figures[f"diagnosis_{reason}"] = Count("id", filter=Q(no_diagnosis_reason=reason))
    rows = (
        in_force.filter(occasion=INTAKE, assessed_on__gte=start, assessed_on__lte=end)
        .filter(~Exists(earlier))
        .values("unit_id", g=computation.key("person", "assessed_on"))
        .annotate(
            n=Count("id"),
            homeless=Count("id", filter=HOMELESS),
            inpatient=Count("id", filter=INPATIENT),
            **figures,
        )
    )
    for row in rows:
        unit_id, group = row["unit_id"], row["g"]
        for code in ("outcome_intake", "outcome_diagnosis"):
            computation.put(unit_id, group, code, "", row["n"])
        computation.put(unit_id, group, "homeless_intake", "", row["homeless"])
        computation.put(unit_id, group, "inpatient_intake", "", row["inpatient"])
        for area in ProblemArea.values:
            computation.put(unit_id, group, "outcome_intake", f"area:{area}", row[f"area_{area}"])
        for reason in ("set", *Outcome.NoDiagnosis.values):
            key = f"diagnosis:{reason}"
            computation.put(unit_id, group, "outcome_diagnosis", key, row[f"diagnosis_{reason}"])


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _changes(computation: _Computation, in_force) -> None:
    """Each person's latest follow-up in the period against the latest intake on or before
    it: grouped by the states themselves (at most four rows a group and indicator)."""
    start, end = computation.period.start, computation.period.end
    later = _same(occasion=FOLLOW_UP, assessed_on__gte=start, assessed_on__lte=end).filter(
        Q(assessed_on__lte=OuterRef("period_end")),
        Q(assessed_on__gt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), id__gt=OuterRef("id")),
    )
    intake = _same(occasion=INTAKE, assessed_on__lte=OuterRef("assessed_on")).order_by(
        "-assessed_on", "-id"
    )
    states: dict[str, Any] = {}
    for code, worse in CHANGES.items():
        states[f"{code}_then"] = Subquery(
            intake.annotate(flag=_flag(worse)).values("flag")[:1], output_field=IntegerField()
        )
        states[f"{code}_now"] = _flag(worse)
    rows = (
        in_force.filter(occasion=FOLLOW_UP, assessed_on__gte=start, assessed_on__lte=end)
        .filter(~Exists(later))
        .values("unit_id", g=computation.key("person", "assessed_on"), **states)
        .annotate(n=Count("id"))
    )
    for row in rows:
        for code in CHANGES:
            then, now = row[f"{code}_then"], row[f"{code}_now"]
            if then is None:  # a follow-up without an intake at the unit
                continue
            name = "improved" if now < then else "worse" if now > then else "unchanged"
            values = computation.values[(row["unit_id"], row["g"])]
            for key in ((code, ""), (code, f"change:{name}")):
                values[key] = (values.get(key) or 0) + row["n"]
            for other in ("improved", "unchanged", "worse"):
                values.setdefault((code, f"change:{other}"), 0)
