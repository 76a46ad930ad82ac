"""The access-log row of a task list (the "To do" page, the start page's part of it)."""

from helhet.access.log import Actor, record_listing
from helhet.access.models import Basis
from helhet.care import selectors as care
from helhet.intake.actions import referral_viewed

from .selectors import TaskList


def record_task_listing(request, tasks: TaskList, *, whole_unit: bool, what: str = "tasks"):
    """One row naming every person shown: with the consent a plan reminder of theirs is
    disclosed by, else on the basis the caseload finds (own organisation, or a coordination
    consent); the waiting referrals shown with one unit-level row."""
    actor, persons = Actor.from_request(request), tasks.persons
    disclosed = [p for p in persons if getattr(p, "disclosed_by", None)]
    listed = care.caseload(request.user, unit=request.unit, whole_unit=whole_unit).filter(
        pk__in=[p.pk for p in persons if p not in disclosed]
    )
    for person in disclosed:
        person.list_basis, person.list_consent_id = Basis.CONSENT, person.disclosed_by
    record_listing(actor, [*listed, *disclosed], action="read", what=what)
    if tasks.referrals and tasks.referrals.reminders:
        referral_viewed(actor=actor, what="waiting referrals")
