"""Reads for the care pages: the caseload and the episodes a user may act on."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404

from helhet.access import policy
from helhet.access.models import Basis
from helhet.access.policy import PersonAccess
from helhet.core.models import Unit, User
from helhet.people.models import Person

from .models import CaseTeamMember, Episode


def caseload(user, *, unit: Unit, whole_unit: bool = False) -> QuerySet[Person]:
    """Persons at UNIT that USER may see: on USER's case teams, or (WHOLE_UNIT) all of them.

    Built only from `policy.visible_persons`; each row carries the open episode's `opened_on`,
    USER's case-team role `my_role` and the `list_basis` the access log records.
    """
    open_here = Episode.objects.filter(person=OuterRef("pk"), unit=unit, closed_on__isnull=True)
    my_team = CaseTeamMember.objects.filter(
        episode__person=OuterRef("pk"),
        episode__unit=unit,
        episode__closed_on__isnull=True,
        user=user,
    )
    own = policy.relationship_episodes(user).filter(
        person=OuterRef("pk"), unit=unit, organisation_id=user.organisation_id
    )
    persons = policy.visible_persons(user, unit=unit).annotate(
        opened_on=Subquery(open_here.values("opened_on")[:1]),
        my_role=Subquery(my_team.values("role")[:1]),
        list_basis=Case(
            When(Exists(own), then=Value(Basis.OWN_ORGANISATION.value)),
            default=Value(Basis.CONSENT.value),
        ),
    )
    if not whole_unit:
        persons = persons.filter(Exists(my_team))
    return persons.order_by("family_name", "given_name", "pk")


def role_label(role: str | None) -> str:
    return CaseTeamMember.Role(role).label if role else ""


def may_enrol_at(access: PersonAccess, unit_id: int | None) -> bool:
    """May the user open an episode at UNIT_ID: a member there who sees the person by a
    relationship somewhere (not by emergency access, which is read-only).

    A closed episode gives no relationship, so a person whose only episodes are closed is not
    visible and cannot be reactivated from here.
    """
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
        and may_enrol_at(access, episode.unit_id)
    )


def unit_staff(unit_id: int) -> QuerySet[User]:
    """Clinical staff who are members of the unit: the choices for a case team."""
    return (
        User.objects.filter(memberships__unit_id=unit_id, organisation__isnull=False)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


def caseload_page(user, *, unit: Unit, whole_unit: bool, number) -> Page:
    """One page of the caseload, each person labelled with the user's case-team role."""
    persons = caseload(user, unit=unit, whole_unit=whole_unit)
    page = Paginator(persons, settings.HELHET_PAGE_SIZE).get_page(number)
    page.object_list = list(page.object_list)
    for person in page.object_list:
        person.my_role_label = role_label(person.my_role)
    return page
