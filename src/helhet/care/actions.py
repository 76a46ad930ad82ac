"""Writes on episodes and case teams: opening, closing, reactivating, staffing.

Every action is atomic and writes its access-log row in the same transaction; bad input raises
ValidationError (keyed by form field where there is one) and leaves nothing saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.bookings.actions import episode_bookings_cancel
from helhet.core.models import Unit
from helhet.people.identity import age_on
from helhet.people.models import Person

from .models import CaseTeamMember, ClosureReason, Episode

# --- Rules shared with registration --------------------------------------------------------


def check_opening_date(opened_on: datetime.date) -> None:
    """An episode cannot be opened on a date that has not come yet."""
    if opened_on > timezone.localdate():
        raise ValidationError({"opened_on": _("The opening date lies in the future.")})


def check_target_group(
    unit: Unit,
    *,
    birth_date: datetime.date,
    municipality_id: int | None,
    on: datetime.date,
    as_relative: bool = False,
) -> None:
    """Refuse a person outside UNIT's target group (age on ON, municipality of residence).
    AS_RELATIVE: a relative enrolled for support of their own, at a unit that serves
    relatives only, where the age limits do not apply to them."""
    if as_relative and not unit.serves_relatives:
        raise ValidationError(_("%(unit)s does not enrol relatives.") % {"unit": unit})
    if not as_relative:
        _check_age(unit, age_on(birth_date, on))
    accepted = list(unit.municipalities.all())
    if accepted and municipality_id not in {m.pk for m in accepted}:
        names = ", ".join(m.name for m in accepted)
        raise ValidationError(
            _("%(unit)s accepts residents of %(names)s only.") % {"unit": unit, "names": names}
        )


def _check_age(unit: Unit, age: int) -> None:
    if unit.age_min is not None and age < unit.age_min:
        raise ValidationError(
            _("%(unit)s accepts persons aged %(min)s or older; this person is %(age)s.")
            % {"unit": unit, "min": unit.age_min, "age": age}
        )
    if unit.age_max is not None and age > unit.age_max:
        raise ValidationError(
            _("%(unit)s accepts persons aged %(max)s or younger; this person is %(age)s.")
            % {"unit": unit, "max": unit.age_max, "age": age}
        )


def reactivation_candidate(person: Person, unit: Unit) -> Episode | None:
    """The latest closed episode at UNIT, when it has not been reactivated already."""
    latest = (
        Episode.objects.filter(person=person, unit=unit, closed_on__isnull=False)
        .order_by("-closed_on", "-id")
        .first()
    )
    if latest is None or Episode.objects.filter(reactivation_of=latest).exists():
        return None
    return latest


def enrol(
    *,
    actor: Actor,
    person: Person,
    unit: Unit,
    opened_on: datetime.date,
    opened_through: str,
    reactivation_of: Episode | None = None,
    as_relative: bool = False,
) -> Episode:
    """Open an episode for PERSON at UNIT, owned by the actor's organisation (AS_RELATIVE: a
    relative's own, `Episode.as_relative`).

    Call inside a transaction that has locked PERSON. A returning person's episode is linked to
    the latest closed one (reactivation). The opener joins the case team, so that the person is
    on their caseload and, at case-team units, stays visible to them. OPENED_THROUGH
    (`Episode.OpenedThrough`): the path taken, named by every caller.
    """
    if Episode.objects.filter(person=person, unit=unit, closed_on__isnull=True).exists():
        raise ValidationError(
            _("The person already has an open episode at %(unit)s.") % {"unit": unit}
        )
    episode = Episode.objects.create(
        person=person,
        unit=unit,
        organisation_id=actor.organisation_id,
        opened_on=opened_on,
        opened_by=actor.user,
        opened_through=opened_through,
        reactivation_of=reactivation_of or reactivation_candidate(person, unit),
        as_relative=as_relative,
    )
    CaseTeamMember.objects.create(
        episode=episode, user=actor.user, role=CaseTeamMember.Role.MEMBER, added_by=actor.user
    )
    return episode


# --- Episodes -----------------------------------------------------------------------------


def not_enrolled_message(unit: Unit) -> str:
    """The one answer when a person may not be taken in at UNIT for a reason the user may not
    be told (an open episode there they cannot see): the same as for other refusals."""
    return _(
        "The person could not be registered at %(unit)s. Check that the person belongs "
        "to the unit's target group, or ask the unit's coordinator."
    ) % {"unit": unit}


def refuse_unseen_open_episode(access: PersonAccess, unit: Unit) -> None:
    """An open episode at UNIT that gives the actor no relationship (the other organisation's
    without a coordination consent, a case team they are not on) is not named: the answer is
    `not_enrolled_message`, as for any refusal."""
    if any(
        e.is_open and e.unit_id == unit.pk and access.relationship_grant(e) is None
        for e in access.episodes
    ):
        raise ValidationError(not_enrolled_message(unit))


@transaction.atomic
def episode_open(
    *,
    actor: Actor,
    access: PersonAccess,
    unit: Unit,
    opened_on: datetime.date,
    as_relative: bool = False,
) -> Episode:
    """Open an episode at UNIT for a person the actor may see (target group checked;
    AS_RELATIVE: as a relative, at a unit that serves them). An open episode at UNIT that
    gives the actor no relationship is not named (`not_enrolled_message`)."""
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    refuse_unseen_open_episode(access, unit)
    check_opening_date(opened_on)
    check_target_group(
        unit,
        birth_date=person.birth_date,
        municipality_id=person.municipality_id,
        on=opened_on,
        as_relative=as_relative,
    )
    episode = enrol(
        actor=actor,
        person=person,
        unit=unit,
        opened_on=opened_on,
        opened_through=Episode.OpenedThrough.SELF,
        as_relative=as_relative,
    )
    record_access(actor, access, action="create", what=what("episode opened", unit))
    return episode


@transaction.atomic
def episode_close(
    *,
    actor: Actor,
    access: PersonAccess,
    episode_id: int,
    closed_on: datetime.date,
    reason: ClosureReason,
) -> Episode:
    """Close an open episode, cancelling its bookings still to come. The row is locked so
    that two closes cannot both pass."""
    episode = Episode.objects.select_for_update().get(pk=episode_id, person=access.person)
    if not episode.is_open:  # meanwhile, or earlier: say how it was closed
        raise ValidationError(
            _("This episode is already closed: on %(date)s by %(user)s (%(reason)s).")
            % {
                "date": episode.closed_on,  # a date: ISO as text
                "user": episode.closed_by or "–",
                "reason": episode.closure_reason or "–",
            }
        )
    if closed_on < episode.opened_on:
        raise ValidationError(
            {
                "closed_on": _("The closing date is before the opening date (%(date)s).")
                % {"date": episode.opened_on}
            }
        )
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date lies in the future.")})
    episode.closed_on, episode.closure_reason, episode.closed_by = closed_on, reason, actor.user
    episode.save(update_fields=["closed_on", "closure_reason", "closed_by"])
    record_access(actor, access, action="update", what=what("episode closed", episode.unit))
    episode_bookings_cancel(actor=actor, episode=episode)
    return episode


@transaction.atomic
def episode_reactivate(
    *, actor: Actor, access: PersonAccess, episode_id: int, opened_on: datetime.date
) -> Episode:
    """Open a new episode at a closed episode's unit, linked to it as its reactivation."""
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    closed = Episode.objects.select_related("unit").get(pk=episode_id, person=person)
    if closed.closed_on is None:  # still open
        raise ValidationError(_("This episode is still open."))
    if Episode.objects.filter(reactivation_of=closed).exists():
        raise ValidationError(_("This episode has already been reactivated."))
    refuse_unseen_open_episode(access, closed.unit)
    if opened_on < closed.closed_on:
        message = _("The new episode cannot begin before the closed one ended (%(date)s).")
        raise ValidationError({"opened_on": message % {"date": closed.closed_on}})
    check_opening_date(opened_on)
    check_target_group(
        closed.unit,
        birth_date=person.birth_date,
        municipality_id=person.municipality_id,
        on=opened_on,
        as_relative=closed.as_relative,
    )
    episode = enrol(
        actor=actor,
        person=person,
        unit=closed.unit,
        opened_on=opened_on,
        opened_through=Episode.OpenedThrough.SELF,
        reactivation_of=closed,
        as_relative=closed.as_relative,
    )
    record_access(actor, access, action="create", what=what("episode reactivated", closed.unit))
    return episode


# --- Case team ----------------------------------------------------------------------------


@transaction.atomic
def case_team_add(
    *, actor: Actor, access: PersonAccess, episode: Episode, user, role: str
) -> CaseTeamMember:
    """Put USER (a member of the episode's unit) on the case team, or change their role.

    The episode is read again, locked: a close saved since the page read it (`episode_close`
    locks it too) refuses the change rather than staffing a closed episode."""
    episode = Episode.objects.select_for_update().select_related("unit").get(pk=episode.pk)
    if not episode.is_open:
        raise ValidationError(_("This episode is closed."))
    if not user.memberships.filter(unit_id=episode.unit_id).exists():
        raise ValidationError({"user": _("Choose a member of %(unit)s.") % {"unit": episode.unit}})
    member, _created = CaseTeamMember.objects.update_or_create(
        episode=episode, user=user, defaults={"role": role, "added_by": actor.user}
    )
    record_access(actor, access, action="update", what="case team")
    return member


@transaction.atomic
def case_team_remove(
    *, actor: Actor, access: PersonAccess, episode: Episode, member_id: int
) -> None:
    """Take one member off the episode's case team."""
    deleted, _rows = CaseTeamMember.objects.filter(pk=member_id, episode=episode).delete()
    if not deleted:
        raise ValidationError(_("That person is no longer on the case team."))
    record_access(actor, access, action="update", what="case team")
