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

from helhet.core.middleware import active_membership
from helhet.core.models import Membership, Organisation, Unit
from helhet.people.models import Person, Relative

from . import policy
from .models import AccessLogEntry, Consent, EmergencyAccess, RecordCategory

REVIEWER_ROLES = (Membership.Role.MANAGER, Membership.Role.COORDINATOR)


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


def has_relationship(user, person: Person) -> bool:
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


def log_entries(unit: Unit, log_filter: LogFilter | None) -> QuerySet[AccessLogEntry]:
    """The log rows written at UNIT that match LOG_FILTER, newest first, in constant queries.

    No filter (invalid input) gives no rows.

    Rows about no person are left out, except searches (emergency-access attempts for unknown
    numbers): the rest are the review's own rows, which would otherwise fill the list.
    """
    entries = AccessLogEntry.objects.filter(unit=unit).filter(
        Q(person__isnull=False) | Q(action=AccessLogEntry.Action.SEARCH)
    )
    if log_filter is None:
        return entries.none()
    f = log_filter
    if f.person:
        digits = f.person.replace("-", "").replace("+", "").replace(" ", "")
        entries = entries.filter(person__identity_number__icontains=digits)
    if f.user:
        entries = entries.filter(user__username__icontains=f.user)
    if f.date_from:
        entries = entries.filter(at__date__gte=f.date_from)
    if f.date_to:
        entries = entries.filter(at__date__lte=f.date_to)
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


def log_page(entries: QuerySet[AccessLogEntry], number) -> Page:
    return Paginator(entries, settings.HELHET_PAGE_SIZE).get_page(number)


def pending_emergencies(unit: Unit) -> QuerySet[EmergencyAccess]:
    """Emergency accesses taken at UNIT that its manager has not yet reviewed, oldest first."""
    return (
        EmergencyAccess.objects.filter(unit=unit, reviewed_at__isnull=True)
        .select_related("user", "user__organisation", "person")
        .order_by("started_at")
    )


def log_extract_entries(person: Person) -> list[AccessLogEntry]:
    """Every log row about PERSON, oldest first, with the unit and organisation of each."""
    return list(
        AccessLogEntry.objects.filter(person=person)
        .select_related("unit", "organisation")
        .order_by("at", "id")
    )
