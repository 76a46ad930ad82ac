"""Bring a unit's reminders up to date with its records, and ask for that to happen.

A refresh computes every kind's causes (`due.py`, one query each), adds a reminder for each new
cause, moves the due date of one whose cause changed date, and resolves the open reminders
whose cause has gone (the plan reviewed, the consent renewed, the referral decided, the
contact held, the episode closed, the deviation or the consultation answered, the dispute's
step decided, the step of the year done). A fixed number of queries per unit however many
persons.
"""

import datetime
from typing import TypeGuard

from django.db import transaction
from django.utils import timezone

from helhet.core.models import Unit

from . import due
from .models import Reminder, UnitRefresh

Kind = Reminder.Kind
CAUSES = {
    Kind.SIP_FOLLOW_UP_DUE: due.sip_follow_ups,
    Kind.PLAN_REVIEW_DUE: due.plan_reviews,
    Kind.CONSENT_EXPIRING: due.consents_expiring,
    Kind.REFERRAL_WAITING: due.referrals_waiting,
    Kind.NO_RECENT_CONTACT: due.no_recent_contacts,
    Kind.DEVIATION_ANSWER_DUE: due.deviations_to_answer,
    Kind.DISPUTE_STEP_DUE: due.disputes_to_decide,
    Kind.CYCLE_STEP_DUE: due.cycle_steps_due,
    Kind.CONSULTATION_ANSWER_DUE: due.consultations_to_answer,
}
# A task list older than this asks for a refresh when it is opened.
STALE_AFTER = datetime.timedelta(minutes=10)


@transaction.atomic
def refresh_unit(unit: Unit, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Refresh UNIT's reminders; returns how many were added and resolved.

    The unit's UnitRefresh row is locked first, so two refreshes of a unit run one after the
    other (the open reminder per cause is unique).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    UnitRefresh.objects.select_for_update().get_or_create(unit=unit)
    counts = {"added": 0, "resolved": 0}
    for kind, causes in CAUSES.items():
        added, resolved = _reconcile(unit, kind, causes(unit, today), now)
        counts["added"] += added
        counts["resolved"] += resolved
    UnitRefresh.objects.filter(unit=unit).update(refreshed_at=now)
    return counts


def _reconcile(
    unit: Unit, kind: str, causes: dict[int, due.Due], now: datetime.datetime
) -> tuple[int, int]:
    """Make UNIT's open reminders of KIND match CAUSES: four queries at most."""
    open_ = {
        r.source_id: r
        for r in Reminder.objects.filter(unit=unit, kind=kind, resolved_at__isnull=True).only(
            "pk", "source_id", "due_on"
        )
    }
    gone = [r.pk for source, r in open_.items() if source not in causes]
    Reminder.objects.filter(pk__in=gone).update(resolved_at=now)
    moved = [r for source, r in open_.items() if source in causes]
    moved = [r for r in moved if r.due_on != causes[r.source_id].due_on]
    for reminder in moved:
        reminder.due_on = causes[reminder.source_id].due_on
    Reminder.objects.bulk_update(moved, ["due_on"], batch_size=500)
    new = [
        Reminder(
            unit=unit,
            kind=kind,
            source_id=source,
            person_id=cause.person_id,
            organisation_id=cause.organisation_id,
            due_on=cause.due_on,
        )
        for source, cause in causes.items()
        if source not in open_
    ]
    Reminder.objects.bulk_create(new, batch_size=500)
    return len(new), len(gone)


def request_refresh(unit: Unit, *, now: datetime.datetime | None = None) -> bool:
    """Queue a refresh of UNIT's reminders unless they are fresh or one is already queued.

    Returns whether a refresh was queued. (With the immediate backend, as in the tests, the
    refresh has run when this returns.)
    """
    from .tasks import refresh_reminders

    now = now or timezone.now()
    state, _created = UnitRefresh.objects.get_or_create(unit=unit)
    if _recent(state.refreshed_at, now) or (
        _recent(state.requested_at, now)
        and (state.refreshed_at is None or state.requested_at > state.refreshed_at)
    ):
        return False
    UnitRefresh.objects.filter(unit=unit).update(requested_at=now)
    refresh_reminders.enqueue(unit_id=unit.pk)
    return True


def _recent(at: datetime.datetime | None, now: datetime.datetime) -> TypeGuard[datetime.datetime]:
    return at is not None and now - at < STALE_AFTER


def refreshed_at(unit: Unit) -> datetime.datetime | None:
    """When UNIT's reminders were last computed (None: never)."""
    return UnitRefresh.objects.filter(unit=unit).values_list("refreshed_at", flat=True).first()
