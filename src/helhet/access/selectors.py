"""Reads for the access pages: who may act, the consents to withdraw, the log to review.

Every helper that returns something about one person starts from a `PersonAccess`, so it cannot
show more than the policy allows; the ones that answer "no" raise Http404, the same answer as
for something that does not exist.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from helhet.care.models import Episode
from helhet.core.middleware import active_membership
from helhet.core.models import REVIEWER_ROLES, Organisation, Unit, User
from helhet.people.models import Person, Relative

from . import policy
from .models import AccessLogEntry, Consent, EmergencyAccess, RecordCategory

# --- One person -----------------------------------------------------------------------------


def access_for_acting(request, person_id: int) -> policy.PersonAccess:
    """The person's access when the user may write at the active unit; else Http404.

    Emergency access is read-only, so it never lets anyone in here.
    """
    access = policy.person_access(request, person_id)
    if request.unit is None or not access.may_act_at(request.unit.pk):
        raise Http404
    return access


def consent_for_withdrawal(access: policy.PersonAccess, consent_id: int) -> Consent:
    """A consent the user can see, recorded at a unit where they may act; else Http404."""
    for consent in access.visible_consents():
        if consent.pk == consent_id and access.may_act_at(consent.unit_id):
            return consent
    raise Http404


@dataclass(frozen=True)
class ConsentChoices:
    """What a consent at UNIT may cover: the unit's organisations and the readable relatives."""

    organisations: list[Organisation]
    relatives: list[Relative]


def consent_choices(access: policy.PersonAccess, unit: Unit) -> ConsentChoices:
    """The choices for a new consent; relatives are filtered through the policy (and logged)."""
    relatives = access.readable(access.person.relatives.all(), category=RecordCategory.RELATIVES)
    return ConsentChoices(list(unit.organisations.order_by("name")), relatives)


# --- Emergency access -----------------------------------------------------------------------


def person_by_identity_number(value: str) -> Person | None:
    """The registered person with the normalised identity number VALUE, if any.

    Only emergency access may ask this without a relationship: existence is revealed on
    purpose there, and every attempt is logged.
    """
    return Person.objects.filter(identity_number=value).first()


def has_relationship(user: User, person: Person) -> bool:
    """Does USER have a care relationship with PERSON (so needs no emergency access)?"""
    return policy.relationship_episodes(user).filter(person=person).exists()


# --- The log --------------------------------------------------------------------------------


def reviewer_unit(request) -> Unit:
    """The active unit when the user is its manager or coordinator; else Http404."""
    membership = active_membership(request)
    if (
        membership is None
        or membership.role not in REVIEWER_ROLES
        or not policy.is_clinical(request.user)
    ):
        raise Http404
    return membership.unit


@dataclass(frozen=True)
class LogFilter:
    """The filters of the log review page (all optional)."""

    person: str = ""
    user: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    emergency: bool = False
    protected_identity: bool = False
    without_relationship: bool = False
    unreviewed: bool = False


def review_scope(unit: Unit, *, today: datetime.date | None = None) -> Q:
    """The log rows UNIT's manager reviews, as one condition on AccessLogEntry.

    The rows written at UNIT about a person (and its emergency-access searches for unknown
    numbers; the review's own rows, about no person, would fill the list otherwise), and every
    emergency access, from any unit, to a person with an episode at UNIT that is open or was
    closed within the last year: an outsider's emergency access is logged at the outsider's
    unit, and the manager where the person is enrolled must see it too.
    """
    since = a_year_before(today or timezone.localdate())
    enrolled = Episode.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=since), unit=unit
    ).values("person_id")
    written_here = Q(unit=unit) & (Q(person__isnull=False) | Q(action=AccessLogEntry.Action.SEARCH))
    return written_here | Q(emergency=True, person__in=enrolled)


def a_year_before(day: datetime.date) -> datetime.date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def log_entries(unit: Unit, log_filter: LogFilter | None) -> QuerySet[AccessLogEntry]:
    """The log rows UNIT's manager reviews that match LOG_FILTER, newest first, in one query.

    See `review_scope` for which rows. No filter (invalid input) gives no rows. Each row
    carries its flags (emergency, protected identity, without relationship) and its review,
    user, organisation, unit and person, so that a page of rows takes no further queries.
    """
    entries = AccessLogEntry.objects.filter(review_scope(unit))
    if log_filter is None:
        return entries.none()
    f = log_filter
    if f.person:
        digits = f.person.replace("-", "").replace("+", "").replace(" ", "")
        entries = entries.filter(person__identity_number__icontains=digits)
    if f.user:
        entries = entries.filter(user__username__icontains=f.user)
    # Whole local days, as bounds on `at` itself, so that the (unit, at) index is used.
    if f.date_from:
        entries = entries.filter(at__gte=_start_of(f.date_from))
    if f.date_to:
        entries = entries.filter(at__lt=_start_of(f.date_to + datetime.timedelta(days=1)))
    flags = {
        "emergency": f.emergency,
        "protected_identity": f.protected_identity,
        "without_relationship": f.without_relationship,
    }
    entries = entries.filter(**{name: True for name, wanted in flags.items() if wanted})
    if f.unreviewed:
        entries = entries.filter(review__isnull=True)
    return entries.select_related(
        "user", "person", "organisation", "unit", "review", "review__reviewed_by"
    ).order_by("-at", "-id")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def log_page(entries: QuerySet[AccessLogEntry], number) -> Page:
    return Paginator(entries, settings.HELHET_PAGE_SIZE).get_page(number)


def pending_emergencies(unit: Unit) -> QuerySet[EmergencyAccess]:
    """Emergency accesses taken at UNIT that its manager has not yet reviewed, oldest first."""
    return (
        EmergencyAccess.objects.filter(unit=unit, reviewed_at__isnull=True)
        .select_related("user", "user__organisation", "person")
        .order_by("started_at")
    )


# --- The log extract -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtractScope:
    """What a person's log extract covers: the units, and the period from FROM_DATE on."""

    access: policy.PersonAccess
    units: list[Unit]
    from_date: datetime.date


def log_extract_scope(request, person_id: int) -> ExtractScope:
    """The extract's scope when the user may produce it; else Http404.

    Only a manager or coordinator of the active unit, where the person has a care relationship
    the policy grants, may: the extract covers the units where they have such a relationship in
    such a role. Emergency access gives no relationship, so it never lets anyone in here; nor
    does a relationship as ordinary staff (the same 404 as for a person who does not exist).
    """
    access = policy.person_access(request, person_id)
    if not may_produce_log_extract(access, request.unit):
        raise Http404
    unit_ids = extract_unit_ids(access)
    units = [m.unit for m in request.memberships if m.unit_id in unit_ids]
    registered = timezone.localtime(access.person.registered_at).date()
    return ExtractScope(access, units, registered)


def extract_unit_ids(access: policy.PersonAccess) -> set[int]:
    """The units where the user is manager or coordinator and has a care relationship."""
    return {u for u in access.relationship_units if access.role_at(u) in REVIEWER_ROLES}


def may_produce_log_extract(access: policy.PersonAccess, unit: Unit | None) -> bool:
    """May the user produce the person's log extract from UNIT (the active unit)?

    For pages that offer the link (the overview): the same answer `log_extract_scope` gives.
    """
    return unit is not None and unit.pk in extract_unit_ids(access)


def log_extract_entries(scope: ExtractScope) -> list[AccessLogEntry]:
    """The rows about the person that the extract lists, oldest first.

    Rows logged at the units the scope covers, and every emergency access from any unit (the
    person has a right to know of those, and they reveal no care relationship). Rows of other
    units are left out: they would tell the requester where else the person is cared for.
    """
    units = [unit.pk for unit in scope.units]
    return list(
        AccessLogEntry.objects.filter(person=scope.access.person)
        .filter(Q(unit__in=units) | Q(emergency=True))
        .select_related("unit", "organisation")
        .order_by("at", "id")
    )


def accessing_units(entries: list[AccessLogEntry]) -> list[tuple[str, str]]:
    """The (unit, organisation) names of ENTRIES, sorted, once each."""
    return sorted(
        {
            (e.unit.name if e.unit else "", e.organisation.name if e.organisation else "")
            for e in entries
        }
    )
