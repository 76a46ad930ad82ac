"""Reads for the person pages: search, the overview, and access for writing."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import Now
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from helhet.access import listing, policy
from helhet.access.models import Consent, ConsentRelative, RecordCategory
from helhet.access.policy import PersonAccess
from helhet.care.models import CaseTeamMember, Episode
from helhet.care.selectors import may_enrol_at, reactivatable
from helhet.contacts.models import Contact
from helhet.core import raw
from helhet.core.corrections import in_force_sql
from helhet.core.models import Organisation, User
from helhet.core.raw import ORGANISATIONS
from helhet.core.selectors import (
    ListPage,
    labels,
    list_page,
    overview_url_maker,
    person_record_url_maker,
)

from . import identity
from .models import LISTED_FIELDS, Person, Relative

# --- Access for writing -------------------------------------------------------------------


def access_for_writing(request, person_id: int) -> PersonAccess:
    """The person, when the user may write at the active unit (a relationship there); else 404."""
    access = policy.person_access(request, person_id)
    unit = getattr(request, "unit", None)
    if unit is None or not access.may_act_at(unit.pk):
        raise Http404
    return access


def access_for_enrolling(request, person_id: int) -> PersonAccess:
    """The person, when the user may open an episode at the active unit; else 404."""
    access = policy.person_access(request, person_id)
    unit = getattr(request, "unit", None)
    if not may_enrol_at(access, unit.pk if unit else None):
        raise Http404
    return access


# --- Search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str
    identity_number: str | None = None  # a full, valid number
    digits: str = ""
    words: tuple[str, ...] = ()


def parse_search(text: str) -> SearchQuery:
    """A full identity number, else the digits typed, else the words of a name."""
    text = (text or "").strip()
    try:
        return SearchQuery(text, identity_number=identity.parse(text).value)
    except ValidationError:
        pass
    typed = identity.to_ascii(text)
    if re.fullmatch(r"[0-9+-]+", typed):
        return SearchQuery(text, digits=re.sub(r"[^0-9]", "", typed))
    return SearchQuery(text, words=tuple(text.split()))


NAME_ORDER = ("family_name", "given_name", "pk")


def _match_q(query: SearchQuery) -> Q | None:
    """What a person must match: the full number, the digits typed, or every word of a name."""
    if query.identity_number:
        return Q(identity_number=query.identity_number)
    if query.digits:
        return Q(identity_number__contains=query.digits)
    if not query.words:
        return None
    match = Q()
    for word in query.words:
        match &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    return match


def person_search(
    user: User, query: SearchQuery, *, unit_id: int | None = None, on=None, at=None
) -> QuerySet[Person]:
    """Persons USER may see that match QUERY, USER at the unit UNIT_ID; each carries the
    `list_basis` and `list_consent_id` the log records and the `municipality_name` the list
    shows. ON and AT: today and now (as the policy's)."""
    match = _match_q(query)
    if match is None:
        return Person.objects.none()
    return _visible_listed(user, unit_id=unit_id, on=on, at=at).filter(match)


# The columns of a person that the search's list reads (`LISTED_FIELDS`, the municipality).
SEARCH_COLUMNS = ("id", *LISTED_FIELDS, "municipality_id")


def _search_sql(
    user: User, query: SearchQuery, *, unit_id: int | None, on, units=None
) -> tuple[str, list]:
    """`person_search`'s SQL with the matches read first, in name order (`raw.read_through`):
    the policy is then asked about them only until the page is full. At 100,000 persons a
    common family name matched 1,562, of whom the nurse could see 209: asking about every
    match before sorting them took 12 ms, asking in name order until 51 were found 9.5. UNITS:
    the user's units, as `policy.relationship_episodes` takes them."""
    matches = Person.objects.filter(_match_q(query)).order_by(*NAME_ORDER).values(*SEARCH_COLUMNS)
    # Built and compiled once per user, units, unit and day: that cost more than running it
    # (at 100,000 persons, 20 ms of a 40 ms search).
    sql, params = raw.compiled_once(
        ("search", *policy.sql_key(user, on=on, units=units), unit_id),
        lambda: _visible_listed(user, unit_id=unit_id, on=on, at=Now(), units=units),
    )
    return raw.compiled_through(Person, sql, list(params), matches)


def _visible_listed(user: User, *, unit_id: int | None, on, at, units=None) -> QuerySet[Person]:
    """The persons USER may see, as the search lists them, in name order (see person_search),
    each with the basis the access package gives (`listing.with_list_basis`)."""
    on = on or timezone.localdate()
    visible = policy.visible_persons(user, on=on, at=at, units=units)
    return (
        listing.with_list_basis(visible, user, unit_id=unit_id, on=on, units=units)
        .annotate(municipality_name=F("municipality__name"))
        .only(*LISTED_FIELDS)
        .order_by(*NAME_ORDER)
    )


def search_page(
    user: User, query: SearchQuery, number, *, unit_id: int | None = None, units=None
) -> ListPage:
    """One page of the persons USER may see that match QUERY, read without counting them all.

    A common family name matches thousands: counting the ones USER may see would cost more than
    the page, so the page offers "previous" and "next" (a full identity number matches one).
    One query: the matches in name order, each asked of the policy until the page is full
    (`_search_sql`). (Reading the matches' ids first, in a query of their own, cost a query
    more than it spared.)
    """
    size = settings.HELHET_SEARCH_PAGE_SIZE
    if _match_q(query) is None or not policy.is_clinical(user):
        # (no SQL to read through: nobody else sees anyone)
        return list_page(person_search(user, query, unit_id=unit_id), number, size=size)
    today = timezone.localdate()
    sql, params = _search_sql(user, query, unit_id=unit_id, on=today, units=units)
    page = list_page(raw.Sliced(Person, sql, params), number, size=size)
    overview_url = overview_url_maker()
    for person in map(listing.settle, page.object_list):
        person.overview_url = overview_url(person.pk)
        # read raw: SQLite gives the date as text
        if isinstance(closed_on := person.list_closed_on, str):
            person.list_closed_on = parse_date(closed_on)
    return page


# --- The overview -------------------------------------------------------------------------


# On the overview, of a long history: every open episode and consent in force, and the latest
# few of the others; the rest is on the full-history page.
OVERVIEW_LATEST_CLOSED = 3


@dataclass
class Overview:
    """What the overview shows of one person, filtered through the policy."""

    access: PersonAccess
    age: int
    episodes: list[Episode]
    consents: list[Consent]
    relatives: list[Relative]
    may_enrol_here: bool = False
    may_write_here: bool = False
    # Episodes and consents the user may read that the overview leaves to the full history.
    earlier_episodes: int = 0
    earlier_consents: int = 0
    full_history: bool = False
    # Read-only through a closed episode: the closed episodes the user may reopen, one a unit.
    reopenable: list[Episode] = field(default_factory=list)
    # What other parts add to the overview (`OVERVIEW_READS`), by name.
    more: dict[str, Any] = field(default_factory=dict)


# What other parts of Helhet show on the overview (the running disputes about the person,
# `governance`): name -> reader(access, active unit id), registered by their app. Read with the
# overview, before its log row: what they show is part of its read.
OVERVIEW_READS: dict[str, Callable[[PersonAccess, int | None], Any]] = {}


def person_overview(
    access: PersonAccess, *, unit_id: int | None, full_history: bool = False
) -> Overview:
    """The person's episodes, consents, case teams and relatives that the user may read.

    A fixed number of queries whatever the person's history: the policy has loaded episodes
    and consents (with their disclosures); relatives, the case teams of the episodes shown, the
    consented relatives of the consents shown, and the organisations named in disclosures are
    one query each. Unless FULL_HISTORY, only the open episodes, the consents in force and the
    latest few others are shown (and loaded and decorated for the page).
    """
    episodes = access.visible_episodes()
    consents = access.visible_consents()
    relatives = access.readable(_relatives(access), category=RecordCategory.RELATIVES)
    edit_url = person_record_url_maker("people:relative_edit", access.person.pk)
    for relative in relatives:  # reversed once per page, not once per relative
        relative.edit_url = edit_url(relative.pk)
    for consent in consents:
        consent.state = consent_state(consent, access.today)
    shown_episodes = episodes if full_history else _latest(episodes, lambda e: e.is_open)
    shown_consents = (
        consents if full_history else _latest(consents, lambda c: c.state in ("active", "future"))
    )
    overview = Overview(
        access=access,
        age=identity.age_on(access.person.birth_date, access.today),
        episodes=shown_episodes,
        consents=shown_consents,
        relatives=relatives,
        may_enrol_here=may_enrol_at(access, unit_id)
        and not any(e.is_open and e.unit_id == unit_id for e in episodes),
        may_write_here=unit_id is not None and access.may_act_at(unit_id),
        earlier_episodes=len(episodes) - len(shown_episodes),
        earlier_consents=len(consents) - len(shown_consents),
        full_history=full_history,
    )
    # The policy loads no case teams or consented relatives: they are loaded for the rows shown.
    with_team_rows(shown_episodes)
    _with_consented_relatives(shown_consents)
    _decorate_episodes(overview, episodes)
    _decorate_consents(overview)
    overview.more = {name: read(access, unit_id) for name, read in OVERVIEW_READS.items()}
    return overview


# The overview's reads are plain SELECTs written once (`helhet.core.raw`), as the policy's
# are: every person page starts with the overview, and through the ORM building these queries
# and their rows cost several times what the database spends on them.

_RELATIVE = raw.Columns(Relative, "r")
_SUPPORT = raw.Columns(Contact, "s")
_MEMBER, _USER = raw.Columns(CaseTeamMember, "t"), raw.Columns(User, "u")
_CONSENTED = raw.Columns(ConsentRelative, "cr")


def _no_unit(_record) -> None:
    """The unit of a count's record: none to judge here (the SQL has applied the blocks)."""
    return None


def _relatives(access: PersonAccess) -> list[Relative]:
    """The person's relatives, each with `support_count` and `support_latest` (date and time):
    the relatives' support contacts USER may read (category contacts). A count that rests on
    another organisation's contacts passes through `readable`, so that the disclosure is in
    the request's log row (the row carries one such owner: a unit has two organisations)."""
    r, s = _RELATIVE, _SUPPORT
    owners = access.readable_owner_ids(RecordCategory.CONTACTS)
    readable = f" AND {in_force_sql(s)}"  # a corrected contact counts once, as corrected
    if owners is not None:
        readable += f" AND {s.column('organisation_id')} IN ({raw.marks(owners)})"
    unblocked, unblocked_params = access.unblocked_sql(
        RecordCategory.CONTACTS,
        owner_column=s.column("organisation_id"),
        unit_column=s.column("unit_id"),
    )
    readable += f" AND {unblocked}" if unblocked else ""
    rows = raw.rows(
        f"SELECT {r.sql}, COUNT({s.column('id')}), MAX({s.column('starts_at')}),"
        f" MAX(CASE WHEN {s.column('organisation_id')} <> %s THEN {s.column('organisation_id')}"
        " END)"
        f" FROM {r.table} LEFT JOIN {s.table} ON {s.column('relative_id')} = {r.column('id')}"
        f"{readable} WHERE {r.column('person_id')} = %s"
        f" GROUP BY {r.column('id')} ORDER BY {r.column('name')}, {r.column('id')}",
        [access.organisation_id, *sorted(owners or ()), *unblocked_params, access.person.pk],
    )
    relatives = []
    for row in rows:
        relative = r.instance(row)
        relative.support_count = row[r.width]
        relative.support_latest = s.convert("starts_at", row[r.width + 1])
        if (other := row[r.width + 2]) is not None:
            access.readable(
                [relative], category=RecordCategory.CONTACTS, owner=lambda _r: other, unit=_no_unit
            )
        relatives.append(relative)
    return relatives


@dataclass(frozen=True)
class TeamMember:
    """A case-team member as the overview names them."""

    name: str
    organisation: str
    role: str
    role_label: str = ""


def with_team_rows(episodes: list[Episode]) -> None:
    """Each of EPISODES with its `team` (TeamMember, by role and family name): one query."""
    t, u, o = _MEMBER, _USER, ORGANISATIONS
    teams: dict[int, list[TeamMember]] = {e.pk: [] for e in episodes}
    if teams:
        roles = labels(CaseTeamMember.Role)
        rows = raw.rows(
            f"SELECT {t.column('episode_id')}, {t.column('role')}, {u.sql}, {o.column('name')}"
            f" FROM {t.table} JOIN {u.table} ON {u.column('id')} = {t.column('user_id')}"
            f" LEFT JOIN {o.table} ON {o.column('id')} = {u.column('organisation_id')}"
            f" WHERE {t.column('episode_id')} IN ({raw.marks(teams)})"
            f" ORDER BY {t.column('role')}, {u.column('last_name')}, {t.column('id')}",
            list(teams),
        )
        for row in rows:
            episode_id, role, organisation = row[0], row[1], row[-1]
            name = str(u.build(row, 2))
            teams[episode_id].append(TeamMember(name, organisation or "", role, roles[role]))
    for episode in episodes:
        episode.team = teams[episode.pk]


def _with_consented_relatives(consents: list[Consent]) -> None:
    """Each of CONSENTS with its `consented` relatives: [(relative id, may be told)]."""
    cr = _CONSENTED
    consented: dict[int, list[tuple[int, str]]] = {c.pk: [] for c in consents}
    if consented:
        rows = raw.rows(
            f"SELECT {cr.column('consent_id')}, {cr.column('relative_id')},"
            f" {cr.column('may_be_told')} FROM {cr.table}"
            f" WHERE {cr.column('consent_id')} IN ({raw.marks(consented)})"
            f" ORDER BY {cr.column('id')}",
            list(consented),
        )
        for consent_id, relative_id, may_be_told in rows:
            consented[consent_id].append((relative_id, may_be_told))
    for consent in consents:
        consent.consented = consented[consent.pk]


def _latest(items: list, current, *, others: int = OVERVIEW_LATEST_CLOSED) -> list:
    """ITEMS (newest first) that are CURRENT, and the first OTHERS of the rest, in order."""
    shown = []
    for item in items:
        if current(item):
            shown.append(item)
        elif others > 0:
            shown.append(item)
            others -= 1
    return shown


def _decorate_episodes(overview: Overview, episodes: list[Episode]) -> None:
    """The shown episodes' actions and links; EPISODES is every visible one (reactivation)."""
    access = overview.access
    by_id: dict[int | None, Episode] = {e.pk: e for e in overview.episodes}
    visible = {e.pk for e in episodes}
    for episode in overview.episodes:
        # A return is told only after an episode the user may see: not one of another
        # organisation's that the policy hides (self-opened episodes would reveal it).
        episode.follows_visible = episode.reactivation_of_id in visible
        episode.may_act = episode.is_open and access.may_act_at(episode.unit_id)
        episode.may_reactivate = reactivatable(access, episode, episodes)
        episode.previous = by_id.get(episode.reactivation_of_id)
    if access.person_grant == policy.CLOSED:
        reopen = {e.unit_id: e for e in reversed(overview.episodes) if e.may_reactivate}
        overview.reopenable = [e for e in reopen.values() if access.may_reopen_at(e.unit_id)]


def _decorate_consents(overview: Overview) -> None:
    access = overview.access
    names = {r.pk: r.name for r in overview.relatives}
    organisations = _organisations(overview)
    forms, givers = labels(Consent.Form), labels(Consent.GivenBy)
    categories = labels(RecordCategory)
    # reversed once per page, not once per consent
    print_url = person_record_url_maker("access:consent_print", access.person.pk)
    withdraw_url = person_record_url_maker("access:consent_withdraw", access.person.pk)
    for consent in overview.consents:
        consent.may_withdraw = consent.state == "active" and access.may_act_at(consent.unit_id)
        consent.print_url, consent.withdraw_url = print_url(consent.pk), withdraw_url(consent.pk)
        consent.form_label, consent.given_by_label = forms[consent.form], givers[consent.given_by]
        # One line each, joined here: a template loop over a long history's disclosures cost
        # more than the rest of the consent.
        consent.disclosure_lines = format_html_join(
            mark_safe("<br>"),
            "{} → {}: {}",
            (
                (organisations[source], organisations[target], categories[category])
                for source, target, category in access.disclosures_of(consent)
            ),
        )
        consent.relative_lines = format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            ((names[r], told) for r, told in consent.consented if r in names),
        )


def _organisations(overview: Overview) -> dict[int, Organisation]:
    """The organisations named in the disclosures shown, in one query (none when there are
    none)."""
    return ORGANISATIONS.in_bulk(
        o
        for c in overview.consents
        for source, target, _category in overview.access.disclosures_of(c)
        for o in (source, target)
    )


def consent_state(consent: Consent, on: datetime.date) -> str:
    """active, withdrawn, expired or future, on the date ON."""
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return "withdrawn"
    if consent.valid_until is not None and consent.valid_until < on:
        return "expired"
    if consent.valid_from > on:
        return "future"
    return "active"
