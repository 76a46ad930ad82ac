"""Writes on referrals: registering, the public self-referral, triage, and the intake.

Every staff action is atomic and writes one access-log row in the same transaction. Before a
referral is linked to a person the row names no person (basis "none", as the log review's own
rows): the referral is the unit's inbox item and nobody has been identified in Helhet. Accepting
links the referral to the person, and that row names the person. Bad input raises
ValidationError (keyed by form field where there is one) and leaves nothing saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import log, policy
from helhet.access.log import Actor
from helhet.access.models import Basis
from helhet.access.what import what
from helhet.care.actions import check_opening_date, check_target_group, enrol
from helhet.care.models import CaseTeamMember, Episode
from helhet.core.models import Municipality, Organisation, Unit
from helhet.people.actions import NotRegistered, already_seen, refusals_logged, take_in
from helhet.people.identity import IdentityNumber
from helhet.people.models import Person

from .models import Commission, Referral

# --- Coming in ----------------------------------------------------------------------------


@transaction.atomic
def referral_register(
    *,
    actor: Actor,
    source: str,
    referrer: str,
    referrer_contact: str,
    name: str,
    identity_number: IdentityNumber | None,
    contact: str,
    question: str,
    urgency: str,
    received_on: datetime.date,
    protected_identity: bool = False,
    for_relative: bool = False,
) -> Referral:
    """Register a referral received by the actor's active unit, owned by the actor's employer.

    A referral from a referrer names them; a self-referral or a relative's call needs none.
    FOR_RELATIVE: the person is a relative seeking support of their own, at a unit that serves
    relatives only (`check_relatives_served`).
    """
    unit = _actor_unit(actor)
    check_relatives_served(unit, for_relative)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received lies in the future.")})
    if source not in Referral.SELF_SOURCES and not referrer.strip():
        raise ValidationError({"referrer": _("Name the referrer (person and workplace).")})
    if not question.strip():
        raise ValidationError({"question": _("Write the question or what help is wanted.")})
    referral = Referral.objects.create(
        unit=unit,
        organisation_id=actor.organisation_id,
        source=source,
        referrer=referrer.strip(),
        referrer_contact=referrer_contact.strip(),
        name=name.strip(),
        identity_number=identity_number.value if identity_number else "",
        contact=contact.strip(),
        protected_identity=protected_identity,
        question=question.strip(),
        urgency=urgency,
        received_on=received_on,
        registered_by=actor.user,
        for_relative=for_relative,
    )
    _log_unlinked(actor, action="create", what=what("referral registered", referral.pk))
    return referral


def check_relatives_served(unit: Unit, for_relative: bool) -> None:
    """A referral for a relative's own support only to a unit that serves relatives."""
    if for_relative and not unit.serves_relatives:
        raise ValidationError(_("%(unit)s does not enrol relatives.") % {"unit": unit})


def self_referral_owner(unit: Unit) -> Organisation | None:
    """The organisation that owns self-referrals sent to UNIT until triage decides them.

    Nobody on the staff received a self-referral, so the unit's first organisation (the one
    added first, usually the host of the agreement) holds it: stable, and independent of names.
    """
    return unit.organisations.order_by("pk").first()


@transaction.atomic
def self_referral_submit(
    *,
    unit: Unit,
    about_self: bool,
    name: str,
    contact: str,
    message: str,
    for_relative: bool = False,
) -> Referral:
    """Store a message sent through UNIT's public page: only what the sender wrote.

    A person writing about themselves is the referral's person; a relative is its sender
    (referrer). FOR_RELATIVE: a relative asking for support of their own (at a unit that
    serves relatives) is the referral's person. No identity number is asked for, nothing is
    matched against persons, and no access-log row is written: no staff member read or wrote
    person data.
    """
    owner = self_referral_owner(unit)
    if owner is None:
        raise ValidationError(_("This unit cannot receive messages here yet."))
    check_relatives_served(unit, for_relative)
    about_self = about_self or for_relative
    name, contact, message = name.strip(), contact.strip(), message.strip()
    if not (name and contact and message):
        raise ValidationError(_("Fill in your name, how we can reach you, and your message."))
    sender = {"name": name, "contact": contact} if about_self else {}
    relative = {} if about_self else {"referrer": name, "referrer_contact": contact}
    return Referral.objects.create(
        unit=unit,
        organisation=owner,
        source=Referral.Source.SELF if about_self else Referral.Source.RELATIVE,
        for_relative=for_relative,
        question=message,
        received_on=timezone.localdate(),
        **sender,
        **relative,
    )


# --- Triage -------------------------------------------------------------------------------


@transaction.atomic
def referral_wait(*, actor: Actor, referral_id: int) -> Referral:
    """Put an undecided referral on the unit's waiting list."""
    referral = _open_referral(actor, referral_id)
    if referral.state == Referral.State.WAITING:
        raise ValidationError(_("The referral is already on the waiting list."))
    referral.state, referral.waitlisted_at = Referral.State.WAITING, timezone.now()
    referral.save(update_fields=["state", "waitlisted_at"])
    _log_unlinked(
        actor, action="update", what=what("referral put on the waiting list", referral.pk)
    )
    return referral


@transaction.atomic
def referral_decline(
    *,
    actor: Actor,
    referral_id: int,
    reason: str,
    redirect_unit: Unit | None,
    redirect_to: str,
) -> Referral:
    """Decline an open referral with a reason, redirecting it to another unit or service."""
    referral = _open_referral(actor, referral_id)
    reason, redirect_to = reason.strip(), redirect_to.strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the referral is declined.")})
    if redirect_unit is None and not redirect_to:
        raise ValidationError(
            _("Say where the person is redirected: another unit, or a service in your own words.")
        )
    if redirect_unit is not None and redirect_unit.pk == referral.unit_id:
        raise ValidationError({"redirect_unit": _("Choose another unit than this one.")})
    referral.state, referral.decline_reason = Referral.State.DECLINED, reason
    referral.redirect_unit, referral.redirect_to = redirect_unit, redirect_to
    referral.decided_at, referral.decided_by = timezone.now(), actor.user
    referral.save(
        update_fields=[
            "state",
            "decline_reason",
            "redirect_unit",
            "redirect_to",
            "decided_at",
            "decided_by",
        ]
    )
    _log_unlinked(actor, action="update", what=what("referral declined", referral.pk))
    return referral


def referral_accept(
    *,
    actor: Actor,
    referral_id: int,
    identity_number: IdentityNumber,
    given_name: str,
    family_name: str,
    municipality: Municipality | None,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    phone: str = "",
    email: str = "",
    protected_identity: bool = False,
    opened_on: datetime.date,
    case_managers=(),
) -> Referral:
    """Accept an open referral: register or find the person, open the episode, staff it.

    - A person the actor already sees (`people.actions.already_seen`: an open relationship or
      emergency access) gets an episode at the unit (target group checked on the stored
      details); one already enrolled here keeps the open episode, and the referral is linked
      to it.
    - Anyone else, a person seen only through a closed episode too, is taken in as by
      registration (`people.actions.take_in`), which answers the same whether or not the
      number is known elsewhere; a refusal is one message, and a refused log row.
    - The episode is opened through the referral when someone else registered it (a colleague,
      or the person on the public page); accepting a referral one registered oneself is
      self-opened (`Episode.OpenedThrough`), and the log row says so.
    - A referral for a relative's own support (`Referral.for_relative`) enrols them as a
      relative (`Episode.as_relative`: the age limits do not apply); refused at a unit that
      does not serve relatives.
    - CASE_MANAGERS (members of the unit) join the case team as case managers.
    One log row names the person. The returned referral carries `outcome`: "new",
    "reactivation", "return" or "linked" (to an episode already open), as the user may know it.
    """
    details = {
        "given_name": given_name,
        "family_name": family_name,
        "municipality": municipality,
        "address": address,
        "postal_code": postal_code,
        "city": city,
        "phone": phone,
        "email": email,
        "protected_identity": protected_identity,
    }
    with refusals_logged(actor, "referral acceptance refused"):
        return _referral_accept(
            actor=actor,
            referral_id=referral_id,
            identity_number=identity_number,
            details=details,
            opened_on=opened_on,
            case_managers=case_managers,
        )


@transaction.atomic
def _referral_accept(
    *,
    actor: Actor,
    referral_id: int,
    identity_number: IdentityNumber,
    details: dict,
    opened_on: datetime.date,
    case_managers,
) -> Referral:
    referral = _open_referral(actor, referral_id)
    check_relatives_served(referral.unit, referral.for_relative)
    if opened_on < referral.received_on:
        message = _("The episode cannot begin before the referral was received (%(date)s).")
        raise ValidationError({"opened_on": message % {"date": referral.received_on}})
    through = opened_through(referral, actor)
    person = (
        Person.objects.select_for_update().filter(identity_number=identity_number.value).first()
    )
    if person is not None and already_seen(actor.user, person):
        episode, already = _enrol_known(
            actor,
            person=person,
            opened_on=opened_on,
            referral=referral,
            through=through,
            municipality=details["municipality"],
        )
        outcome = _outcome(episode, already_open=already)
    else:
        taken = take_in(
            actor=actor,
            identity_number=identity_number,
            details=details,
            opened_on=opened_on,
            opened_through=through,
            as_relative=referral.for_relative,
        )
        person, episode = taken.person, taken.episode
        known = ", number already registered" if taken.known else ""
        detail = f"{referral.pk}, episode at {episode.unit}{known}"
        _log_accepted(actor, person, episode, detail=detail)
        outcome = _outcome(episode, already_open=False)
    _add_case_managers(actor, episode, case_managers)
    referral.state, referral.person, referral.episode = Referral.State.ACCEPTED, person, episode
    referral.decided_at, referral.decided_by = timezone.now(), actor.user
    referral.save(update_fields=["state", "person", "episode", "decided_at", "decided_by"])
    referral.outcome = outcome
    return referral


def opened_through(referral: Referral, actor: Actor) -> str:
    """Through the referral when someone else registered it (a colleague, or the sender of
    the public page); self-opened when the actor registered it themselves."""
    if referral.registered_by_id == actor.user.pk:
        return Episode.OpenedThrough.SELF
    return Episode.OpenedThrough.REFERRAL


def _outcome(episode: Episode, *, already_open: bool) -> str:
    """What accepting did, for the message the user gets: linked, reactivation (a return within
    the reactivation window), return (after it) or new.

    A return is told only after an earlier episode of the user's own organisation (theirs to
    read once the person is enrolled): one of the other organisation's is told as "new", so
    that the answer does not say that the other side knew the person here.
    """
    if already_open:
        return "linked"
    earlier = episode.reactivation_of
    if earlier is not None and earlier.organisation_id == episode.organisation_id:
        return "reactivation" if episode.is_reactivation else "return"
    return "new"


def _enrol_known(
    actor: Actor,
    *,
    person: Person,
    opened_on,
    referral: Referral,
    through: str,
    municipality: Municipality | None,
) -> tuple[Episode, bool]:
    """The episode at the referral's unit for a person the actor already sees (and whether it
    was open already), and the log row. The target group is checked on the stored
    municipality, or on the typed MUNICIPALITY when none is stored."""
    unit = referral.unit
    episode = Episode.objects.filter(person=person, unit=unit, closed_on__isnull=True).first()
    if episode is not None and not policy.relationship_episodes(actor.user).filter(pk=episode.pk):
        # an open episode the actor may not see (the other organisation's, no coordination
        # consent; a case team they are not on): refused as `take_in` refuses it, unnamed
        raise NotRegistered(unit=unit, person=person, reason="an open episode at the unit")
    if episode is not None:
        _log_accepted(actor, person, None, detail=f"{referral.pk}, linked to the open episode")
        return episode, True
    check_opening_date(opened_on)
    resident = person.municipality_id or (municipality.pk if municipality else None)
    check_target_group(
        unit,
        birth_date=person.birth_date,
        municipality_id=resident,
        on=opened_on,
        as_relative=referral.for_relative,
    )
    episode = enrol(
        actor=actor,
        person=person,
        unit=unit,
        opened_on=opened_on,
        opened_through=through,
        as_relative=referral.for_relative,
    )
    _log_accepted(actor, person, episode, detail=f"{referral.pk}, episode at {unit}")
    return episode, False


def _log_accepted(actor: Actor, person: Person, episode: Episode | None, *, detail: str) -> None:
    """The acceptance's one log row; a newly self-opened episode is flagged by its phrase."""
    if episode is not None and episode.is_self_opened:
        logged = what("episode opened without a referral", f"referral {detail}")
    else:
        logged = what("referral accepted", detail)
    log.append([log.entry_for(actor, person=person, action="create", what=logged)])


def _add_case_managers(actor: Actor, episode: Episode, users) -> None:
    member_ids = set(episode.unit.memberships.values_list("user_id", flat=True))
    for user in users:
        if user.pk not in member_ids or not user.organisation_id:
            raise ValidationError(
                {"case_managers": _("Choose members of %(unit)s.") % {"unit": episode.unit}}
            )
        CaseTeamMember.objects.update_or_create(
            episode=episode,
            user=user,
            defaults={"role": CaseTeamMember.Role.CASE_MANAGER, "added_by": actor.user},
        )


# --- After the intake ---------------------------------------------------------------------


def note_first_contact(*, person: Person | int, unit: Unit | int, on: datetime.date) -> bool:
    """Record ON as the first contact after the person's accepted referral at UNIT.

    For the contacts app to call inside its own action when a contact (visit, call, outreach)
    with PERSON at UNIT is registered. Only the first counts: a referral that already has a
    first contact keeps it, and a contact dated before the referral was received is not it.
    Writes no log row (the contact's action logs). Returns whether a referral was updated.
    """
    updated = Referral.objects.filter(
        person=person,
        unit=unit,
        state=Referral.State.ACCEPTED,
        first_contact_on__isnull=True,
        received_on__lte=on,
    ).update(first_contact_on=on)
    return bool(updated)


# --- Helpers ------------------------------------------------------------------------------


def _actor_unit(actor: Actor) -> Unit:
    if actor.unit is None or not policy.is_clinical(actor.user):
        raise ValidationError(_("Choose the unit you work in first."))
    return actor.unit


def _open_referral(actor: Actor, referral_id: int) -> Referral:
    """The referral, locked, when it is at the actor's unit and not yet decided."""
    unit = _actor_unit(actor)
    referral = (
        Referral.objects.select_for_update()
        .select_related("unit")
        .filter(pk=referral_id, unit=unit)
        .first()
    )
    if referral is None:
        raise ValidationError(_("There is no such referral at this unit."))
    if not referral.is_open:  # meanwhile, or earlier: say how it was decided
        raise ValidationError(
            _("This referral has already been decided: %(state)s on %(date)s by %(user)s.")
            % {
                "state": referral.get_state_display().lower(),
                "date": timezone.localdate(referral.decided_at).isoformat(),
                "user": referral.decided_by or "–",
            }
        )
    return referral


def _log_unlinked(actor: Actor, *, action: str, what: str) -> None:
    """One log row for a referral not linked to a person: no person, basis none."""
    log.append([log.entry_for(actor, person=None, action=action, what=what, basis=Basis.NONE)])


def referral_viewed(*, actor: Actor, what: str) -> None:
    """Log a look at the inbox, the meeting list or an unlinked referral."""
    _log_unlinked(actor, action="read", what=what)


@transaction.atomic
def commission_add(
    *,
    actor: Actor,
    referral: Referral,
    access: policy.PersonAccess | None,
    task: str,
    questions: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    contact: str,
) -> Commission:
    """The commission (uppdragsbeskrivning) of REFERRAL, one from social services that ACTOR
    may act on (`selectors.referral_for_commission`): one per referral. Logged like a write
    on the referral: on ACCESS's person once it is linked, else with no person."""
    if referral.source != Referral.Source.SOCIAL_SERVICES:
        raise ValidationError(_("Only a referral from social services comes with a commission."))
    # The referral's row locked: a second tab's post waits here, then finds the first's.
    list(Referral.objects.select_for_update().filter(pk=referral.pk).values_list("pk"))
    if Commission.objects.filter(referral=referral).exists():
        raise ValidationError(_("The referral already has its commission."))
    task, questions, contact = task.strip(), questions.strip(), contact.strip()
    if not (task and questions and contact):
        raise ValidationError(_("Write the task, the questions and the contact."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    commission = Commission.objects.create(
        referral=referral,
        task=task,
        questions=questions,
        starts_on=starts_on,
        ends_on=ends_on,
        contact=contact,
        recorded_by=actor.user,
    )
    done = what("commission", referral.pk)
    if access is not None:
        log.record_access(actor, access, action="write", what=done)
    else:
        _log_unlinked(actor, action="write", what=done)
    return commission
