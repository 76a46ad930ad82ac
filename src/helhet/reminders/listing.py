"""The access-log row of a task list (the "To do" page, the start page's part of it)."""

from helhet.access import policy
from helhet.access.log import Actor, record_listing
from helhet.access.models import Basis
from helhet.care import selectors as care
from helhet.core import raw
from helhet.intake.actions import referral_viewed
from helhet.people.models import LISTED_FIELDS, Person

from .selectors import TaskList


def record_task_listing(request, persons: list, *, whole_unit: bool = False, what: str = "tasks"):
    """One row naming every person shown (PERSONS, `selectors.persons_of`): with the consent a
    plan reminder of theirs is disclosed by, else on the basis the caseload finds (own
    organisation, or a coordination consent)."""
    disclosed = [p for p in persons if getattr(p, "disclosed_by", None)]
    listed: list[Person] = []
    if others := [p.pk for p in persons if p not in disclosed]:
        units = policy.member_units(request.memberships)
        rule, rule_params = care.caseload_sql(
            request.user, unit=request.unit, whole_unit=whole_unit, units=units
        )
        theirs = Person.objects.filter(pk__in=others).values("id", *LISTED_FIELDS)
        sql, params = raw.compiled_through(Person, rule, list(rule_params), theirs)
        listed = raw.Sliced(Person, sql, params)[: len(others)]
    for person in disclosed:
        person.list_basis, person.list_consent_id = Basis.CONSENT, person.disclosed_by
    record_listing(Actor.from_request(request), [*listed, *disclosed], action="read", what=what)


def record_waiting_referrals(request, tasks: TaskList) -> None:
    """The waiting referrals shown, with one unit-level row."""
    if tasks.referrals and tasks.referrals.reminders:
        referral_viewed(actor=Actor.from_request(request), what="waiting referrals")
