"""Reads for the assessment pages: the person's history per instrument, the latest results.

Every read filters in the database with the policy's `readable_q` and passes the rows shown
through `readable`, so that results disclosed under a consent are logged on that basis. Each
read is one query, however many assessments the person has.
"""

from dataclasses import dataclass

from django.db.models import Case, F, QuerySet, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404

from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.core.corrections import mark_reasons

from . import catalogue
from .chart import Chart, chart_for
from .instruments import Instrument
from .models import Assessment, in_language

CATEGORY = RecordCategory.ASSESSMENTS


def readable_assessments(access: PersonAccess) -> QuerySet[Assessment]:
    """The person's assessments whose owners let the user read them (not yet logged)."""
    return Assessment.objects.filter(access.readable_q(CATEGORY), person=access.person)


@dataclass
class InstrumentHistory:
    instrument: Instrument
    assessments: list[Assessment]  # oldest first
    chart: Chart | None


def assessment_history(access: PersonAccess) -> list[InstrumentHistory]:
    """Per offered instrument, the results the user may read, oldest first, with a chart.

    Corrected (superseded) results stay in the table, marked with their correction, but the
    chart draws only the results in force. Each result says whether the user's organisation
    may correct it (`may_correct`: its own, not corrected yet).
    """
    rows = access.readable(
        readable_assessments(access)
        .select_related("recorded_by", "unit", "organisation", "corrects")
        .select_related("correction__recorded_by")
        .order_by("assessed_on", "recorded_at", "id"),
        category=CATEGORY,
    )
    mark_reasons(access, rows)
    histories = []
    for instrument in catalogue.instruments():
        mine = [a for a in rows if a.instrument == instrument.code]
        for assessment in mine:
            assessment.subscore_cells = _subscore_cells(instrument, assessment)
            assessment.may_correct = (
                assessment.organisation_id == access.user.organisation_id
                and not assessment.superseded
            )
        in_force = [a for a in mine if not a.superseded]
        histories.append(InstrumentHistory(instrument, mine, chart_for(instrument, in_force)))
    return histories


def assessment_for_correcting(access: PersonAccess, assessment_id: int) -> Assessment:
    """One of the person's results in force, recorded by the user's organisation; else Http404
    (another organisation's result, or one corrected already, is not the user's to correct)."""
    if access.user.organisation_id is None:  # (no organisation, no result of its own)
        raise Http404
    found = access.readable(
        readable_assessments(access).filter(
            pk=assessment_id,
            organisation_id=access.user.organisation_id,
            correction__isnull=True,
        ),
        category=CATEGORY,
    )
    if not found:
        raise Http404
    return found[0]


def _subscore_cells(instrument: Instrument, assessment: Assessment) -> list[tuple]:
    """Per sub-score (AUDIT-C): (value, the description of its cut-off, at or above), as stored."""
    stored = {c.get("code"): c for c in assessment.cutoffs}
    cells = []
    for subscore in instrument.subscores:
        codes = [c.code for c in instrument.cutoffs if c.score == subscore.code]
        cutoff = next((stored[code] for code in codes if code in stored), None)
        cells.append(
            (
                assessment.subscores.get(subscore.code),
                in_language(cutoff["description"]) if cutoff else "",
                cutoff.get("at_or_above") if cutoff else None,
            )
        )
    return cells


@dataclass
class Latest:
    instrument: Instrument
    assessment: Assessment | None


def latest_assessments(access: PersonAccess) -> list[Latest]:
    """The newest result in force (not corrected) of each instrument that the user may read,
    in one query."""
    newest_first = Window(
        RowNumber(),
        partition_by=[F("instrument")],
        order_by=[F("assessed_on").desc(), F("recorded_at").desc(), F("id").desc()],
    )
    in_force = readable_assessments(access).filter(correction__isnull=True)
    rows = access.readable(
        in_force.annotate(rank=newest_first).filter(rank=1),
        category=CATEGORY,
    )
    by_code = {a.instrument: a for a in rows}
    return [Latest(i, by_code.get(i.code)) for i in catalogue.instruments()]


def default_occasion(access: PersonAccess, code: str) -> str:
    """Intake for the first readable result of instrument CODE, else follow-up. The earlier
    result passes through `readable`: proposing a follow-up tells that it exists, so one
    disclosed under a consent is a disclosure in the log row (the own organisation's first)."""
    own_first = Case(When(organisation_id=access.user.organisation_id, then=0), default=1)
    earlier = readable_assessments(access).filter(instrument=code).order_by(own_first, "pk")[:1]
    # the fields `readable` reads: owner, unit (blocks) and time (earlier records)
    earlier = earlier.only("pk", "organisation", "unit", "recorded_at")
    found = access.readable(earlier, category=CATEGORY)
    return Assessment.Occasion.FOLLOW_UP if found else Assessment.Occasion.INTAKE
