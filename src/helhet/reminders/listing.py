"""The access-log row of a task list (the "To do" page, the start page's part of it)."""

from helhet.access import listing, policy
from helhet.access.log import Actor, record_listing
from helhet.access.models import Basis
from helhet.care import selectors as care
from helhet.intake.actions import referral_viewed

from .selectors import TaskList


def record_task_listing(request, persons: list, *, whole_unit: bool = False, what: str = "tasks"):
    """One row naming every person shown (PERSONS, `selectors.persons_of`): with the consent a
    plan reminder of theirs is disclosed by, else on the basis the caseload finds (own
    organisation, or a coordination consent)."""
    disclosed = [p for p in persons if getattr(p, "disclosed_by", None)]
    units = policy.member_units(request.memberships)
    listed = listing.persons_through(
        care.caseload_sql(request.user, unit=request.unit, whole_unit=whole_unit, units=units),
        [p.pk for p in persons if p not in disclosed],
    )
    for person in disclosed:
        person.list_basis, person.list_consent_id = Basis.CONSENT, person.disclosed_by
    record_listing(Actor.from_request(request), [*listed, *disclosed], action="read", what=what)


def record_waiting_referrals(request, tasks: TaskList) -> None:
    """The waiting referrals shown, with one unit-level row."""
    if tasks.referrals and tasks.referrals.reminders:
        referral_viewed(actor=Actor.from_request(request), what="waiting referrals")
