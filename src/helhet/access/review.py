"""The log review (PDL 4 kap. 3 §) per authority: which rows a reviewer sees, and how.

A reviewer is a manager or coordinator of the active unit. They review what their own
organisation's staff did at the unit, and what anyone read of their own organisation's records
there (`review_scope`). A person the reviewer has no care relationship with at the unit is
shown pseudonymised (`review_rows`): the review never shows a name or an identity number the
person's page would not, and the persons it does name are logged as read (`actions`).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from helhet.care.models import Episode
from helhet.core.middleware import active_membership
from helhet.core.models import REVIEWER_ROLES, Unit, User
from helhet.people import identity
from helhet.people.models import Person

from . import policy
from .models import AccessLogEntry, Basis, Consent, ConsentDisclosure, EmergencyAccess

Action = AccessLogEntry.Action
# The rows that log the review's own reads of the persons it names: they are in those persons'
# log extracts and in the chain, but listed in the review they would fill it.
REVIEW_READ = "log review"
REFUSAL_WINDOW = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Reviewer:
    """Who reviews: a manager or coordinator (USER) at UNIT, for USER's organisation."""

    user: User
    unit: Unit

    @property
    def organisation_id(self) -> int:
        # Reviewers are clinical staff (`reviewer` refuses anyone else): they have one.
        assert self.user.organisation_id is not None
        return self.user.organisation_id


def reviewer(request) -> Reviewer:
    """The user at the active unit when they are its manager or coordinator; else Http404."""
    membership = active_membership(request)
    if (
        membership is None
        or membership.role not in REVIEWER_ROLES
        or not policy.is_clinical(request.user)
    ):
        raise Http404
    return Reviewer(request.user, membership.unit)


# --- Which rows ------------------------------------------------------------------------------


def review_scope(reviewer: Reviewer, *, today: datetime.date | None = None) -> Q:
    """The log rows REVIEWER reviews, as one condition on AccessLogEntry.

    With O the reviewer's organisation and U the unit:
    - what O's staff did at U: rows about a person, searches and refused requests;
    - what anyone read of O's records: disclosures under a consent recorded at U (the consent
      discloses from O to the reader's organisation, or is U's coordination consent for a
      person with an O episode at U); emergency access, from any unit, to a person with an
      episode at U owned by O that is open or closed within the last year; reads of earlier
      records by O's staff elsewhere about a person O enrolled at U;
    - O's security events at U or about no unit (and those at U about no organisation).
    Never another organisation's staff reading their own organisation's records.
    """
    unit, org = reviewer.unit, reviewer.organisation_id
    since = a_year_before(today or timezone.localdate())
    recent = Q(closed_on__isnull=True) | Q(closed_on__gte=since)
    owned_here = Episode.objects.filter(recent, unit=unit, organisation_id=org)
    by_own_staff = Q(unit=unit, organisation_id=org) & (
        Q(person__isnull=False) | Q(action__in=[Action.SEARCH, Action.REFUSED])
    )
    disclosing = ConsentDisclosure.objects.filter(
        consent_id=OuterRef("consent_id"),
        consent__unit=unit,
        from_organisation_id=org,
        to_organisation_id=OuterRef("organisation_id"),
    )
    coordinating = Consent.objects.filter(pk=OuterRef("consent_id"), unit=unit, coordination=True)
    o_episode = Episode.objects.filter(unit=unit, organisation_id=org, person=OuterRef("person_id"))
    disclosures = (
        Q(basis=Basis.CONSENT)
        & ~Q(organisation_id=org)
        & (Exists(disclosing) | Exists(coordinating) & Exists(o_episode))
    )
    emergencies = Q(emergency=True, person_id__in=owned_here.values("person_id"))
    # O's records at U exist only where O enrolled the person at U.
    enrolled_by_o = Episode.objects.filter(unit=unit, organisation_id=org).values("person_id")
    earlier = Q(earlier_records=True, organisation_id=org, person_id__in=enrolled_by_o)
    # One security row per organisation whose access changed (access.security): O's at U or at
    # no unit; at U a row that names no organisation (nobody else would review it).
    security = Q(action=Action.SECURITY) & (
        Q(organisation_id=org, unit=unit)
        | Q(organisation_id=org, unit__isnull=True)
        | Q(organisation__isnull=True, unit=unit)
    )
    return (by_own_staff | disclosures | emergencies | earlier | security) & ~Q(what=REVIEW_READ)


def a_year_before(day: datetime.date) -> datetime.date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


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
    repeated_refusals: bool = False
    unreviewed: bool = False


def log_entries(reviewer: Reviewer, log_filter: LogFilter | None) -> QuerySet[AccessLogEntry]:
    """The log rows REVIEWER reviews that match LOG_FILTER, newest first, in one query.

    See `review_scope` for which rows. No filter (invalid input) gives no rows. The person
    filter matches only persons the reviewer may see named (`named_q`): a pseudonymised row
    must not answer whether a number was read. Each row carries its review, user,
    organisation, unit and person, so that a page of rows takes no further queries.
    """
    entries = AccessLogEntry.objects.filter(review_scope(reviewer))
    if log_filter is None:
        return entries.none()
    f = log_filter
    if f.person:
        # typed in any script, as the search reads it (`identity.to_ascii`)
        digits = identity.to_ascii(f.person).replace("-", "").replace("+", "")
        entries = entries.filter(named_q(reviewer), person__identity_number__icontains=digits)
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
    if f.repeated_refusals:
        flagged = _repeated_refusals(reviewer).values("user_id")
        entries = entries.filter(action=Action.REFUSED, user_id__in=flagged)
    if f.unreviewed:
        entries = entries.filter(review__isnull=True)
    return entries.select_related(
        "user", "person", "organisation", "unit", "review", "review__reviewed_by"
    ).order_by("-at", "-id")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def log_page(entries: QuerySet[AccessLogEntry], number) -> Page:
    return Paginator(entries, settings.HELHET_PAGE_SIZE).get_page(number)


# --- Names or pseudonyms ----------------------------------------------------------------------


def _relationship_here(reviewer: Reviewer) -> QuerySet[Episode]:
    return policy.relationship_episodes(reviewer.user).filter(unit=reviewer.unit)


def named_q(reviewer: Reviewer, field: str = "person_id") -> Q:
    """Rows (or other records with FIELD) about a person REVIEWER may see named: one with whom
    they have a care relationship at the unit, as the person's page asks."""
    return Q(Exists(_relationship_here(reviewer).filter(person_id=OuterRef(field))))


def named_persons(reviewer: Reviewer, person_ids) -> dict[int, str]:
    """Of PERSON_IDS, those REVIEWER may see named, with the basis their naming is logged with
    (own organisation, else the coordination consent): one query."""
    bases: dict[int, str] = {}
    episodes = _relationship_here(reviewer).filter(person_id__in=set(person_ids))
    for person_id, owner_id in episodes.values_list("person_id", "organisation_id"):
        if owner_id == reviewer.organisation_id or person_id not in bases:
            own = owner_id == reviewer.organisation_id
            bases[person_id] = Basis.OWN_ORGANISATION if own else Basis.CONSENT
    return bases


def pseudonym(person_id: int) -> str:
    """A short code that stands for the person in the review: the same on every page and for
    every reviewer, telling neither the name, the number nor the database id."""
    code = salted_hmac("helhet.access.review.pseudonym", str(person_id)).hexdigest()
    return code[:8].upper()


@dataclass(frozen=True)
class Named:
    """The person of a review row as the reviewer may see them: the person, or a pseudonym."""

    person: Person | None
    pseudonym: str = ""


@dataclass(frozen=True)
class ReviewRow:
    entry: AccessLogEntry
    who: Named | None  # None for a row about no person
    repeated_refusals: bool = False


def naming(persons: list[Person], bases: dict[int, str]) -> dict[int, Named]:
    return {p.pk: Named(p) if p.pk in bases else Named(None, pseudonym(p.pk)) for p in persons}


# --- Repeated refusals ---------------------------------------------------------------------------


def _repeated_refusals(reviewer: Reviewer) -> QuerySet[AccessLogEntry]:
    """The refused rows in REVIEWER's scope that are the Nth or later of their user's refused
    requests within 24 hours (N = HELHET_REFUSALS_FLAG_COUNT), each with that count `burst`."""
    in_window = (
        AccessLogEntry.objects.filter(
            action=Action.REFUSED,
            user_id=OuterRef("user_id"),
            at__lte=OuterRef("at"),
            at__gt=OuterRef("at") - REFUSAL_WINDOW,
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        AccessLogEntry.objects.filter(review_scope(reviewer), action=Action.REFUSED)
        .annotate(burst=Subquery(in_window))
        .filter(burst__gte=settings.HELHET_REFUSALS_FLAG_COUNT)
    )


@dataclass(frozen=True)
class RefusalFlag:
    """A user with repeated refusals: the most in 24 hours, and when the latest was."""

    user: User
    most: int
    latest: datetime.datetime


def refusal_flags(reviewer: Reviewer) -> list[RefusalFlag]:
    """The users in REVIEWER's scope with HELHET_REFUSALS_FLAG_COUNT or more refused requests
    within some 24 hours, among the rows not yet reviewed (marking them reviewed answers the
    flag, and the page does not count the whole log's history on every view), the latest
    first (two queries)."""
    peaks = list(
        _repeated_refusals(reviewer)
        .filter(review__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(most=Max("burst"), latest=Max("at"))
    )
    users = User.objects.in_bulk([p["user_id"] for p in peaks])
    flags = [RefusalFlag(users[p["user_id"]], p["most"], p["latest"]) for p in peaks]
    return sorted(flags, key=lambda flag: flag.latest, reverse=True)


def review_rows(
    entries: Iterable[AccessLogEntry], names: dict[int, Named], flags: list[RefusalFlag]
) -> list[ReviewRow]:
    """ENTRIES as the page shows them: each person named or pseudonymised (NAMES), and the
    refused rows of users with repeated refusals (FLAGS) marked."""
    flagged = {flag.user.pk for flag in flags}
    return [
        ReviewRow(
            e,
            names[e.person_id] if e.person_id else None,
            e.action == Action.REFUSED and e.user_id in flagged,
        )
        for e in entries
    ]


# --- Emergency access ---------------------------------------------------------------------------


def emergencies_to_review_q(reviewer: Reviewer, *, today: datetime.date | None = None) -> Q:
    """Emergency accesses REVIEWER's organisation reviews at the unit (the taker's own among
    them: the page shows them, the action refuses them).

    Those to a person with an episode at the unit owned by the reviewer's organisation, open or
    closed within the last year: that organisation's records were read, wherever the access was
    taken. A person with no such episode anywhere is reviewed where the access was taken, by
    the taker's organisation.
    """
    since = a_year_before(today or timezone.localdate())
    recent = Episode.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=since))
    owned_here = recent.filter(unit=reviewer.unit, organisation_id=reviewer.organisation_id)
    enrolled_nowhere = ~Exists(recent.filter(person=OuterRef("person_id")))
    taken_here = Q(unit=reviewer.unit, user__organisation_id=reviewer.organisation_id)
    return Q(reviewed_at__isnull=True) & (
        Q(person_id__in=owned_here.values("person_id")) | taken_here & Q(enrolled_nowhere)
    )


@dataclass(frozen=True)
class PendingEmergency:
    emergency: EmergencyAccess
    who: Named
    may_review: bool  # never the one who took it


def pending_emergencies(reviewer: Reviewer) -> list[EmergencyAccess]:
    """The emergency accesses waiting for REVIEWER's review, oldest first."""
    return list(
        EmergencyAccess.objects.filter(emergencies_to_review_q(reviewer))
        .select_related("user", "user__organisation", "person")
        .order_by("started_at")
    )


def pending_rows(
    emergencies: list[EmergencyAccess], names: dict[int, Named], reviewer: Reviewer
) -> list[PendingEmergency]:
    return [
        PendingEmergency(e, names[e.person_id], e.user_id != reviewer.user.pk) for e in emergencies
    ]
