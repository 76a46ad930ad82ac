"""Reads for the care pages: the caseload and the episodes a user may act on."""

import datetime

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from helhet.access import listing, policy
from helhet.access.models import Basis
from helhet.access.policy import PersonAccess
from helhet.core import raw
from helhet.core.models import Unit, User
from helhet.core.selectors import ListPage, labels, list_page, overview_url_maker
from helhet.people.models import LISTED_FIELDS, Person

from .models import CaseTeamMember, Episode


def caseload(
    user: User,
    *,
    unit: Unit,
    whole_unit: bool = False,
    on: datetime.date | None = None,
    units: dict[int, str] | None = None,
) -> QuerySet[Person]:
    """Persons at UNIT that USER may see: on USER's case teams, or (WHOLE_UNIT) all of them.

    Built only from `policy.visible_persons`, joined to the person's open episode at UNIT (one
    at most, by constraint) and, for "my caseload", to USER's place on its case team. Each row
    carries the episode's `opened_on`, USER's case-team role `my_role` and the `list_basis` the
    access log records: own organisation when the episode is, else consent, with the consent
    it is seen by (`list_consent_id`). UNITS: as `policy.relationship_episodes` takes them.
    """
    on = on or timezone.localdate()
    persons = caseload_persons(user, unit=unit, whole_unit=whole_unit, on=on, units=units)
    if whole_unit:
        on_team = CaseTeamMember.objects.filter(
            episode=OuterRef("episodes__pk"), user=user
        ).order_by()
        persons = persons.annotate(my_role=Subquery(on_team.values("role")[:1]))
    else:
        persons = persons.annotate(my_role=F("episodes__case_team__role"))
    return (
        persons.annotate(
            opened_on=F("episodes__opened_on"),
            opened_through=F("episodes__opened_through"),
            **listing.unit_list_basis(user, unit=unit, on=on, episode="episodes"),
        )
        .only(*LISTED_FIELDS)
        .order_by("family_name", "given_name", "pk")
    )


def caseload_persons(
    user: User,
    *,
    unit: Unit,
    whole_unit: bool = False,
    on: datetime.date | None = None,
    units: dict[int, str] | None = None,
) -> QuerySet[Person]:
    """The caseload's persons (`caseload`) without what its list shows: `policy.visible_persons`
    joined to the person's open episode at UNIT and, unless WHOLE_UNIT, to USER's place on its
    case team (`caseload_episodes`)."""
    persons = policy.visible_persons(user, unit=unit, on=on, units=units)
    joined = _caseload_lookups(user, unit=unit, whole_unit=whole_unit)
    return persons.filter(**{f"episodes__{lookup}": v for lookup, v in joined.items()})


def caseload_episodes(user: User, *, unit: Unit, whole_unit: bool = False) -> QuerySet[Episode]:
    """The episodes the caseload joins its persons to (not the access rule: a person of one of
    them is on the caseload only if `policy.visible_persons` has them too)."""
    return Episode.objects.filter(**_caseload_lookups(user, unit=unit, whole_unit=whole_unit))


def _caseload_lookups(user: User, *, unit: Unit, whole_unit: bool) -> dict:
    lookups: dict = {"unit": unit, "closed_on__isnull": True}
    if not whole_unit:
        lookups["case_team__user"] = user
    return lookups


def may_enrol_at(access: PersonAccess, unit_id: int | None) -> bool:
    """May the user open an episode at UNIT_ID: a member there who sees the person by an open
    relationship somewhere (not by a closed episode, nor by emergency access: both are
    read-only; a closed episode's staff may reopen it, `PersonAccess.may_reopen_at`)."""
    return bool(unit_id and access.relationship_units and access.role_at(unit_id))


def episode_for_acting(access: PersonAccess, episode_id: int) -> Episode:
    """One of the person's episodes at a unit where the user may act; else Http404."""
    for episode in access.visible_episodes():
        if episode.pk == episode_id and access.may_act_at(episode.unit_id):
            return episode
    raise Http404


def episode_for_reactivation(access: PersonAccess, episode_id: int) -> Episode:
    """A closed, not yet reactivated episode at a unit where the user is a member and the
    person has no open episode; else Http404."""
    episodes = access.visible_episodes()
    for episode in episodes:
        if episode.pk == episode_id and reactivatable(access, episode, episodes):
            return episode
    raise Http404


def reactivatable(access: PersonAccess, episode: Episode, episodes: list[Episode]) -> bool:
    open_units = {e.unit_id for e in episodes if e.is_open}
    reactivated = {e.reactivation_of_id for e in access.episodes}
    return (
        not episode.is_open
        and episode.pk not in reactivated
        and episode.unit_id not in open_units
        and (may_enrol_at(access, episode.unit_id) or access.may_reopen_at(episode.unit_id))
    )


def caseload_sql(user: User, *, unit: Unit, whole_unit: bool, units=None) -> tuple[str, tuple]:
    """The SQL of `caseload` today, built and compiled once per user, units, unit and day
    (`raw.compiled_once`: that costs more than running it)."""
    on = timezone.localdate()
    return raw.compiled_once(
        ("caseload", *policy.sql_key(user, on=on, units=units), unit.pk, whole_unit),
        lambda: caseload(user, unit=unit, whole_unit=whole_unit, on=on, units=units),
    )


def caseload_page(user: User, *, unit: Unit, whole_unit: bool, number, units=None) -> ListPage:
    """One page of the caseload, each person labelled with the user's case-team role and the
    basis USER sees them on (the labels translated once per page, not once per row). UNITS:
    the user's units (`policy.member_units`), when the request has them: the SQL then names
    UNIT and its access mode instead of reading the memberships again."""
    if units is not None and unit.pk not in units:
        return ListPage([], 1, has_next=False, size=settings.HELHET_PAGE_SIZE)
    sql, params = caseload_sql(user, unit=unit, whole_unit=whole_unit, units=units)
    persons = raw.Sliced(Person, sql, list(params))
    page = list_page(persons, number, size=settings.HELHET_PAGE_SIZE)
    roles, bases = labels(CaseTeamMember.Role), labels(Basis)
    overview_url = overview_url_maker()
    for person in page.object_list:
        # Formatted here: the `date` filter on 50 rows cost 1.5 ms.
        person.opened_on_text = person.opened_on.isoformat() if person.opened_on else ""
        person.self_opened = person.opened_through == Episode.OpenedThrough.SELF
        person.my_role_label = roles.get(person.my_role, "–")
        person.basis_label = bases[person.list_basis]
        person.overview_url = overview_url(person.pk)
    return page
