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
from .models import (
    AccessLogEntry,
    AccessLogListedPerson,
    Basis,
    Consent,
    ConsentDisclosure,
    EmergencyAccess,
)

Action = AccessLogEntry.Action
# The rows that log the review's own reads of the persons it names: they are in those persons'
# log extracts and in the chain, but listed in the review they would fill it.
REVIEW_READ = "log review"
REFUSAL_WINDOW = datetime.timedelta(hours=24)
# A person a list showed without relationship was shown by emergency access.
_IN_LIST = {"without_relationship": "emergency"}


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
    - what O's staff did at U: rows about a person or a list of persons, searches and refused
      requests;
    - what anyone read of O's records: disclosures under a consent recorded at U (the consent
      discloses from O to the reader's organisation, or is U's coordination consent for a
      person with an O episode at U); emergency access, from any unit, to a person with an
      episode at U owned by O that is open or closed within the last year; reads of earlier
      records by O's staff elsewhere about a person O enrolled at U (a list's row when a
      person it names was read so);
    - O's security events at U or about no unit (and those at U about no organisation).
    Never another organisation's staff reading their own organisation's records.
    """
    unit, org = reviewer.unit, reviewer.organisation_id
    owned_here = _owned_here(reviewer, today)
    # A list's row names no person itself but the persons shown (`listed`), each with the basis
    # and flags they were shown with (the index `AccessLogListedPerson`).
    a_list = ~Q(listed="")
    listed = AccessLogListedPerson.objects.filter(entry_id=OuterRef("pk"))
    by_own_staff = _by_own_staff(reviewer) & (
        Q(person__isnull=False) | a_list | Q(action__in=[Action.SEARCH, Action.REFUSED])
    )
    disclosures = ~Q(organisation_id=org) & (
        _discloses_own_records(reviewer, reader="organisation_id")
        | Exists(listed.filter(_listed_disclosing(reviewer)))
    )
    emergencies = Q(emergency=True) & (
        Q(person_id__in=owned_here.values("person_id"))
        | Exists(listed.filter(_listed_by_emergency(reviewer, today)))
    )
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


def _owned_here(reviewer: Reviewer, today: datetime.date | None = None) -> QuerySet[Episode]:
    """Episodes at the reviewer's unit owned by their organisation, open or closed within a
    year: the persons whose emergency accesses the reviewer reviews."""
    since = a_year_before(today or timezone.localdate())
    recent = Q(closed_on__isnull=True) | Q(closed_on__gte=since)
    return Episode.objects.filter(
        recent, unit=reviewer.unit, organisation_id=reviewer.organisation_id
    )


def _by_own_staff(reviewer: Reviewer) -> Q:
    """Log rows of what the reviewer's organisation's staff did at the unit."""
    return Q(unit=reviewer.unit, organisation_id=reviewer.organisation_id)


def _listed_disclosing(reviewer: Reviewer) -> Q:
    """A list's index row: another organisation's list showed a person under a consent that
    discloses the reviewer's organisation's records (see `_discloses_own_records`)."""
    return ~Q(entry__organisation_id=reviewer.organisation_id) & _discloses_own_records(
        reviewer, reader="entry__organisation_id"
    )


def _listed_by_emergency(reviewer: Reviewer, today: datetime.date | None = None) -> Q:
    """A list's index row: a person the reviewer's organisation enrolled at the unit, shown by
    emergency access."""
    return Q(emergency=True, person_id__in=_owned_here(reviewer, today).values("person_id"))


def _listed_in_scope(reviewer: Reviewer) -> Q:
    """The index rows by which a list that is not the reviewer's own staff's is in the review:
    the persons of it that concern the reviewer's organisation. Only these are shown of it."""
    return _listed_disclosing(reviewer) | _listed_by_emergency(reviewer)


def _discloses_own_records(reviewer: Reviewer, *, reader: str) -> Q:
    """A read under a consent recorded at the reviewer's unit U of the reviewer's organisation
    O's records, as a condition on a log row or a list's index row (with consent_id and
    person_id; READER names the reading organisation's field): the consent discloses from O to
    the reader, or is U's coordination consent for a person with an O episode at U."""
    unit, org = reviewer.unit, reviewer.organisation_id
    disclosing = ConsentDisclosure.objects.filter(
        consent_id=OuterRef("consent_id"),
        consent__unit=unit,
        from_organisation_id=org,
        to_organisation_id=OuterRef(reader),
    )
    coordinating = Consent.objects.filter(pk=OuterRef("consent_id"), unit=unit, coordination=True)
    o_episode = Episode.objects.filter(unit=unit, organisation_id=org, person=OuterRef("person_id"))
    return Q(basis=Basis.CONSENT) & (Exists(disclosing) | Exists(coordinating) & Exists(o_episode))


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
    flags = {
        "emergency": f.emergency,
        "protected_identity": f.protected_identity,
        "without_relationship": f.without_relationship,
    }
    wanted = {name: True for name, on in flags.items() if on}
    if f.person:
        # The person's own rows, and the lists that showed them: the flags asked for are the
        # person's in the list (shown without relationship only by emergency access).
        # typed in any script, as the search reads it (`identity.to_ascii`)
        digits = identity.to_ascii(f.person).replace("-", "").replace("+", "")
        number = Q(person__identity_number__icontains=digits)
        in_list = {_IN_LIST.get(name, name): on for name, on in wanted.items()}
        listed = AccessLogListedPerson.objects.filter(
            named_q(reviewer), number, entry_id=OuterRef("pk"), **in_list
        )
        entries = entries.filter(
            Q(named_q(reviewer), number, person__isnull=False, **wanted) | Exists(listed)
        )
    elif wanted:
        # Another organisation's list (or one from another unit) is asked about the persons of
        # it that concern the reviewer, never about the others it showed.
        whole = Q(listed="") | _by_own_staff(reviewer)
        in_list = {_IN_LIST.get(name, name): on for name, on in wanted.items()}
        concerning = AccessLogListedPerson.objects.filter(
            _listed_in_scope(reviewer), entry_id=OuterRef("pk"), **in_list
        )
        entries = entries.filter(whole & Q(**wanted) | ~whole & Exists(concerning))
    if f.user:
        entries = entries.filter(user__username__icontains=f.user)
    # Whole local days, as bounds on `at` itself, so that the (unit, at) index is used.
    if f.date_from:
        entries = entries.filter(at__gte=_start_of(f.date_from))
    if f.date_to:
        entries = entries.filter(at__lt=_start_of(f.date_to + datetime.timedelta(days=1)))
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


def as_reviewed(reviewer: Reviewer, entries: Iterable[AccessLogEntry]) -> list[AccessLogEntry]:
    """ENTRIES as the reviewer may see them: a list that is not the reviewer's own staff's at
    the unit (another organisation's, or one taken elsewhere) as it concerns the reviewer's
    organisation — only the persons by which it is in the review, its count and flags theirs —
    so that it tells nothing of the other persons it showed. One query for a page."""
    entries = list(entries)
    others = [e.pk for e in entries if e.listed and not _is_own_staffs(reviewer, e)]
    if not others:
        return entries
    concerning: dict[int, set[int]] = {}
    index = AccessLogListedPerson.objects.filter(_listed_in_scope(reviewer), entry_id__in=others)
    for entry_id, person_id in index.values_list("entry_id", "person_id"):
        concerning.setdefault(entry_id, set()).add(person_id)
    return [e.concerning(concerning.get(e.pk, set())) if e.pk in others else e for e in entries]


def _is_own_staffs(reviewer: Reviewer, entry: AccessLogEntry) -> bool:
    return entry.unit_id == reviewer.unit.pk and entry.organisation_id == reviewer.organisation_id


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
