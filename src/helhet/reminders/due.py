"""What is due at a unit today, kind by kind: one query each, computed in the database.

Each function returns the causes found, keyed by the id of the record that causes them (the
reminder's `source_id`): the person (None for a referral), the record's owner and the due date.
Only persons with an open episode at the unit are reminded of (a SIP, a plan or a consent of a
person no longer enrolled there is nobody's task).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from helhet.access.models import Consent
from helhet.care.models import Episode
from helhet.contacts.models import Contact
from helhet.core.models import Unit
from helhet.governance.models import Consultation, CycleStep, Deviation, Dispute
from helhet.governance.steering import next_due
from helhet.intake.models import Referral
from helhet.plans.models import PlanVersion, SipMeeting

# How far ahead a date shows on the task list before it is due.
SIP_FOLLOW_UP_AHEAD = datetime.timedelta(days=7)
PLAN_REVIEW_AHEAD = datetime.timedelta(days=14)
CONSENT_EXPIRY_AHEAD = datetime.timedelta(days=30)
DEVIATION_ANSWER_AHEAD = datetime.timedelta(days=3)
DISPUTE_STEP_AHEAD = datetime.timedelta(days=3)
CONSULTATION_ANSWER_AHEAD = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Due:
    """One cause of a reminder."""

    person_id: int | None
    organisation_id: int
    due_on: datetime.date


def _enrolled(unit: Unit, person_field: str) -> Exists:
    return Exists(
        Episode.objects.filter(unit=unit, closed_on__isnull=True, person=OuterRef(person_field))
    )


def sip_follow_ups(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """SIPs whose latest meeting set a follow-up that is past or within a week (by meeting)."""
    latest = SipMeeting.objects.filter(sip=OuterRef("sip")).order_by("-held_on", "-id")
    rows = SipMeeting.objects.filter(
        _enrolled(unit, "sip__person"),
        sip__unit=unit,
        pk=Subquery(latest.values("pk")[:1]),
        next_follow_up_on__lte=today + SIP_FOLLOW_UP_AHEAD,
    ).values_list("pk", "sip__person_id", "organisation_id", "next_follow_up_on")
    return {pk: Due(person, owner, on) for pk, person, owner, on in rows if on is not None}


def plan_reviews(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Treatment plans whose latest version's review date is past or within two weeks (by
    version: a new version is the review)."""
    latest = PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number")
    rows = PlanVersion.objects.filter(
        _enrolled(unit, "plan__person"),
        plan__unit=unit,
        pk=Subquery(latest.values("pk")[:1]),
        review_on__lte=today + PLAN_REVIEW_AHEAD,
    ).values_list("pk", "plan__person_id", "organisation_id", "review_on")
    return {pk: Due(person, owner, on) for pk, person, owner, on in rows}


def consents_expiring(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Consents at the unit that end within 30 days (or have ended) and are not withdrawn nor
    renewed: no other consent of the person at the unit, not withdrawn, lasts longer."""
    renewal = Consent.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")),
        person=OuterRef("person"),
        unit=OuterRef("unit"),
        withdrawn_on__isnull=True,
    ).exclude(pk=OuterRef("pk"))
    rows = (
        Consent.objects.filter(
            _enrolled(unit, "person"),
            unit=unit,
            withdrawn_on__isnull=True,
            valid_until__lte=today + CONSENT_EXPIRY_AHEAD,
        )
        .exclude(Exists(renewal))
        .values_list("pk", "person_id", "organisation_id", "valid_until")
    )
    return {pk: Due(person, owner, on) for pk, person, owner, on in rows if on is not None}


def referrals_waiting(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Undecided referrals received longer ago than the unit's limit; due the day the limit
    was reached."""
    limit = datetime.timedelta(days=unit.referral_wait_limit_days)
    rows = Referral.objects.filter(
        unit=unit, state__in=Referral.OPEN_STATES, received_on__lt=today - limit
    ).values_list("pk", "organisation_id", "received_on")
    return {pk: Due(None, owner, received + limit) for pk, owner, received in rows}


def no_recent_contacts(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Open episodes, older than the unit's no-contact period, with no attended contact in
    it (by episode); due that period after the last attended contact (or the opening)."""
    period = datetime.timedelta(weeks=unit.no_contact_weeks)
    since = timezone.make_aware(datetime.datetime.combine(today - period, datetime.time.min))
    attended = Contact.objects.in_force().filter(episode=OuterRef("pk"), attended=True)
    rows = (
        Episode.objects.filter(unit=unit, closed_on__isnull=True, opened_on__lte=today - period)
        .exclude(Exists(attended.filter(starts_at__gte=since)))
        .annotate(last=Subquery(attended.order_by("-starts_at").values("starts_at")[:1]))
        .values_list("pk", "person_id", "organisation_id", "opened_on", "last")
    )
    return {
        pk: Due(person, owner, (timezone.localdate(last) if last else opened) + period)
        for pk, person, owner, opened, last in rows
    }


def deviations_to_answer(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Deviations between the authorities reported at the unit and not answered, due within
    three days or past due (by deviation; no person: the reminder is the addressed party's,
    its owner). Past the deadline the deviation is escalated to the steering group
    (`Deviation.objects.overdue`)."""
    rows = Deviation.objects.filter(
        unit=unit,
        status=Deviation.Status.REPORTED,
        answer_by__lte=today + DEVIATION_ANSWER_AHEAD,
    ).values_list("pk", "addressed_to_id", "answer_by")
    return {pk: Due(None, owner, on) for pk, owner, on in rows}


def disputes_to_decide(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Running disputes at the unit whose current step's deadline is within three days or
    past (by dispute; no person: the reminder is the raising party's, its owner; both parties'
    managers and coordinators see it). A step decided moves the deadline: the reminder moves
    with it."""
    rows = Dispute.objects.filter(
        unit=unit, status=Dispute.Status.RUNNING, decide_by__lte=today + DISPUTE_STEP_AHEAD
    ).values_list("pk", "raising_party_id", "decide_by")
    return {pk: Due(None, owner, on) for pk, owner, on in rows}


def cycle_steps_due(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """The steps of the year's cycle of the steering groups that have the unit, not done and
    due within their own days of reminder (`CycleStep.remind_days`) or past due (by step; no
    person; the unit's managers and coordinators are reminded: `selectors.cycle_steps_due`).
    The owner is the unit's first organisation."""
    owner = unit.organisations.order_by("pk").values_list("pk", flat=True).first()
    if owner is None:
        return {}
    causes = {}
    for step in CycleStep.objects.filter(group__units=unit).prefetch_related("done"):
        on = next_due(step, {done.year for done in step.done.all()}, today)
        if on is not None and (on - today).days <= step.remind_days:
            causes[step.pk] = Due(None, owner, on)
    return causes


def consultations_to_answer(unit: Unit, today: datetime.date) -> dict[int, Due]:
    """Consultations asked at the unit and not answered, due within two days or past due (by
    consultation; no person: the reminder is the addressed party's, its owner, shown to the
    contact person asked: `selectors.consultations_to_answer`)."""
    rows = Consultation.objects.filter(
        unit=unit,
        status=Consultation.Status.ASKED,
        answer_by__lte=today + CONSULTATION_ANSWER_AHEAD,
    ).values_list("pk", "addressed_to_id", "answer_by")
    return {pk: Due(None, owner, on) for pk, owner, on in rows}
