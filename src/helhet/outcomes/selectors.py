"""Reads for the outcome pages. Each filters in the database with the policy's `readable_q`
(outcomes are read as assessments are) and passes the rows shown through `readable`, so that
outcomes disclosed under a consent are logged on that basis. One query a page."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.core.corrections import mark_reasons

from .models import Outcome

CATEGORY = RecordCategory.ASSESSMENTS


def readable_outcomes(access: PersonAccess) -> QuerySet[Outcome]:
    """The person's outcomes whose owners let the user read them (not yet logged)."""
    return Outcome.objects.filter(access.readable_q(CATEGORY), person=access.person)


@dataclass
class History:
    outcomes: list[Outcome]  # newest first, corrected ones among them (marked superseded)
    current: Outcome | None  # the newest in force


def outcome_history(access: PersonAccess, *, unit_id: int | None) -> History:
    """Every outcome the user may read, newest first, and the newest in force. Each says
    whether the user may correct it (`may_correct`: the user's organisation's, in force, at
    UNIT_ID, the active unit, where the user may act)."""
    rows = access.readable(
        readable_outcomes(access)
        .select_related("recorded_by", "unit", "organisation", "corrects")
        .select_related("correction__recorded_by")
        .order_by("-assessed_on", "-recorded_at", "-id"),
        category=CATEGORY,
    )
    mark_reasons(access, rows)
    acting = unit_id is not None and access.may_act_at(unit_id)
    for outcome in rows:
        outcome.may_correct = (
            acting
            and outcome.unit_id == unit_id
            and outcome.organisation_id == access.user.organisation_id
            and not outcome.superseded
        )
    current = next((outcome for outcome in rows if not outcome.superseded), None)
    return History(rows, current)


def latest_outcome(access: PersonAccess) -> Outcome | None:
    """The newest outcome in force the user may read (the overview's line), in one query."""
    newest = readable_outcomes(access).filter(correction__isnull=True).select_related("unit")
    found = access.readable(
        newest.order_by("-assessed_on", "-recorded_at", "-id")[:1], category=CATEGORY
    )
    return found[0] if found else None


def outcome_for_correcting(access: PersonAccess, outcome_id: int) -> Outcome:
    """One of the person's outcomes in force, recorded by the user's organisation; else Http404
    (another organisation's, or one corrected already, is not the user's to correct)."""
    if access.user.organisation_id is None:
        raise Http404
    found = access.readable(
        readable_outcomes(access).filter(
            pk=outcome_id, organisation_id=access.user.organisation_id, correction__isnull=True
        ),
        category=CATEGORY,
    )
    if not found:
        raise Http404
    return found[0]


def default_occasion(access: PersonAccess, unit_id: int | None) -> str:
    """Intake when the user's organisation has no outcome of the person at the unit, else
    follow-up (its own records only: proposing a follow-up tells nothing of the other's)."""
    own = readable_outcomes(access).filter(
        Q(unit_id=unit_id), Q(organisation_id=access.user.organisation_id)
    )
    return Outcome.Occasion.FOLLOW_UP if own.exists() else Outcome.Occasion.INTAKE
