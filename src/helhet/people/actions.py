"""Writes on persons and their relatives."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helhet.access import policy, refusals
from helhet.access.log import Actor, append, entry_for, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.care.actions import (
    check_opening_date,
    check_target_group,
    enrol,
    not_enrolled_message,
)
from helhet.care.models import Episode
from helhet.core.models import Unit, User
from helhet.core.versions import check_based_on

from . import changes
from .identity import IdentityNumber
from .models import Change, Person, Relative


class PersonAlreadyRegistered(ValidationError):
    """The number belongs to a person the actor may already see."""

    def __init__(self, person: Person):
        super().__init__(
            _("A person with this identity number is already registered."), code="duplicate"
        )
        self.person, self.person_id = person, person.pk
        self.reason = "number already registered, the person is visible to the user"


class NotRegistered(ValidationError):
    """Registering or accepting someone at a unit was refused.

    The user gets one message whatever the reason (outside the unit's target group, an open
    episode at the unit that they cannot see), the same whether or not the number is known:
    the answer must not tell that another unit or organisation knows the person. PERSON (when
    the number is registered) and REASON are for the refused log row only.
    """

    def __init__(self, *, unit: Unit, person: Person | None, reason: str):
        super().__init__(not_enrolled_message(unit), code="not_registered")
        self.person, self.reason = person, reason


@contextmanager
def refusals_logged(actor: Actor, phrase: str) -> Iterator[None]:
    """Log a refused registration or acceptance (NotRegistered, PersonAlreadyRegistered) as a
    refused row, then let the refusal through to the form.

    Use it outside the action's transaction: the refusal rolls that back, the row must stay. A
    view that shows the refusal on the form answers normally, so the request's own transaction
    (ATOMIC_REQUESTS) commits the row.
    """
    try:
        yield
    except (NotRegistered, PersonAlreadyRegistered) as refusal:
        append([refusals.entry(actor, person=refusal.person, phrase=phrase, detail=refusal.reason)])
        raise


def already_seen(user: User, person: Person) -> bool:
    """THE take-in rule, for registering and for accepting a referral alike: does USER already
    see PERSON, through an open relationship or emergency access? Then there is nobody to take
    in: registering answers "already registered" with the way to the person, accepting enrols
    the person as one USER sees (or links the open episode at the unit).

    A person USER sees only through a closed episode (read-only) is not seen so: both take
    them in (`take_in`) as a known person at the unit, a new episode (linked to the closed one
    there as a return), neither refused nor the closed episode reopened without a word; the
    person's page offers reopening, not enrolment elsewhere."""
    return policy.visible_persons(user, closed=False).filter(pk=person.pk).exists()


@dataclass(frozen=True)
class TakenIn:
    """What `take_in` did. KNOWN: the number was registered before, for the log row only."""

    person: Person
    episode: Episode
    known: bool


def take_in(
    *,
    actor: Actor,
    identity_number: IdentityNumber,
    details: dict,
    opened_on: datetime.date,
    opened_through: str,
    as_relative: bool = False,
) -> TakenIn:
    """Open an episode at the actor's active unit for the person with IDENTITY_NUMBER,
    registering them with DETAILS (the person's fields as typed) when nobody has.

    Call inside a transaction; it writes no log row (the caller's row names the path taken).
    Only what was typed decides, never what is stored about a person the actor may not see:
    the target group is checked on the typed birth date (from the number) and municipality,
    a person already registered keeps the stored details (never overwritten by what was
    typed), and every refusal is the one NotRegistered. So the answer is the same whether or
    not the number is known elsewhere, except that it may not be opened twice at the unit.
    A person the actor already sees (`already_seen`) is PersonAlreadyRegistered: nothing new
    to them; one they see only through a closed episode is taken in.
    AS_RELATIVE: enrolled as a relative (`Episode.as_relative`), at a unit that serves them.
    """
    unit = actor.active_unit
    check_opening_date(opened_on)
    person = (
        Person.objects.select_for_update().filter(identity_number=identity_number.value).first()
    )
    try:
        check_target_group(
            unit,
            birth_date=identity_number.birth_date,
            municipality_id=details["municipality"].pk if details.get("municipality") else None,
            on=opened_on,
            as_relative=as_relative,
        )
    except ValidationError:
        raise NotRegistered(unit=unit, person=person, reason="outside the target group") from None
    known = person is not None
    if person is None:
        person, known = _registered(actor, identity_number, details)
    if known and already_seen(actor.user, person):
        raise PersonAlreadyRegistered(person)
    if Episode.objects.filter(person=person, unit=unit, closed_on__isnull=True).exists():
        raise NotRegistered(unit=unit, person=person, reason="an open episode at the unit")
    episode = enrol(
        actor=actor,
        person=person,
        unit=unit,
        opened_on=opened_on,
        opened_through=opened_through,
        as_relative=as_relative,
    )
    return TakenIn(person, episode, known)


def _registered(
    actor: Actor, identity_number: IdentityNumber, details: dict
) -> tuple[Person, bool]:
    """The person with IDENTITY_NUMBER registered now with DETAILS, or, when another
    registration of the same number committed first, the one it registered; and whether the
    number was known (the latter)."""
    try:
        with transaction.atomic():  # a savepoint: the unique number decides a race
            person = Person.objects.create(
                identity_number=identity_number.value,
                identity_kind=identity_number.kind.value,
                birth_date=identity_number.birth_date,
                legal_sex=identity_number.legal_sex.value,
                registered_by=actor.user,
                **details,
            )
    except IntegrityError:
        return Person.objects.select_for_update().get(identity_number=identity_number.value), True
    return person, False


def person_register(
    *,
    actor: Actor,
    identity_number: IdentityNumber,
    opened_on: datetime.date,
    as_relative: bool = False,
    **details,
) -> Person:
    """Register a person and open an episode at the actor's active unit, in one transaction.

    Kind, birth date and legal sex come from the identity number; DETAILS are the register
    form's other fields (names, municipality, address, contact details, protected identity).
    The episode is self-opened (`Episode.OpenedThrough.SELF`): the register form is how a unit
    takes someone in without a referral. A number already registered for a person the actor
    may not see is enrolled all the same (`take_in`: same answer, stored details kept) and
    the log row says so, for the log review; a refusal is logged as a refused row.
    AS_RELATIVE: the person is enrolled as a relative, at a unit that serves relatives.
    """
    with refusals_logged(actor, "registration refused"):
        return _person_register(
            actor=actor,
            identity_number=identity_number,
            opened_on=opened_on,
            as_relative=as_relative,
            details=details,
        )


@transaction.atomic
def _person_register(
    *,
    actor: Actor,
    identity_number: IdentityNumber,
    opened_on: datetime.date,
    as_relative: bool,
    details: dict,
) -> Person:
    taken = take_in(
        actor=actor,
        identity_number=identity_number,
        details=details,
        opened_on=opened_on,
        opened_through=Episode.OpenedThrough.SELF,
        as_relative=as_relative,
    )
    logged = (
        what("episode opened without a referral", "registration, number already registered")
        if taken.known
        else what("person registered")
    )
    append([entry_for(actor, person=taken.person, action="create", what=logged)])
    return taken.person


@transaction.atomic
def relative_add(
    *,
    actor: Actor,
    access: PersonAccess,
    name: str,
    relation: str,
    phone: str,
    email: str,
    involved: bool,
    secrecy_requested: bool,
    may_be_told: str = "",
) -> Relative:
    """Record a relative of the person, owned by the actor's organisation."""
    changes.check_secrecy(secrecy_requested=secrecy_requested, may_be_told=may_be_told)
    relative = Relative.objects.create(
        person=access.person,
        organisation_id=actor.organisation_id,
        name=name,
        relation=relation,
        phone=phone,
        email=email,
        involved=involved,
        secrecy_requested=secrecy_requested,
        may_be_told=may_be_told,
        recorded_by=actor.user,
    )
    record_access(actor, access, action="create", what="relative")
    return relative


# --- Edits: each saved as a new version, what changed kept (`Change`) ---------------------


def _acting_unit(actor: Actor, access: PersonAccess) -> Unit:
    """The actor's active unit, where they must have a relationship with the person (the
    views ask first: this refuses a caller that did not)."""
    unit = actor.active_unit
    if not access.may_act_at(unit.pk):
        raise PermissionDenied
    return unit


def _save_version(
    *, actor: Actor, unit: Unit, person: Person, record: Person | Relative, values: dict
) -> list[str]:
    """Set VALUES on RECORD (PERSON or one of their relatives, locked) and save it as its next
    version, with a `Change` of what changed; the names changed. Nothing changed is refused."""
    changed = {
        name: [changes.stored(getattr(record, name)), changes.stored(value)]
        for name, value in values.items()
        if getattr(record, name) != value
    }
    if not changed:
        raise ValidationError(_("Nothing was changed: change a detail, or cancel."))
    protected_before = person.protected_identity
    for name in changed:
        setattr(record, name, values[name])
    record.version += 1
    record.save(update_fields=[*changed, "version"])
    Change.objects.create(
        person=person,
        relative=record if isinstance(record, Relative) else None,
        number=record.version,
        fields=changed,
        protected=protected_before or person.protected_identity,
        organisation_id=actor.organisation_id,
        unit=unit,
        changed_by=actor.user,
    )
    return list(changed)


@transaction.atomic
def person_update(
    *, actor: Actor, access: PersonAccess, version: int | None = None, **values
) -> Person:
    """Change the person's details (VALUES: names, municipality, contact details, protected
    identity; `changes.person_editable_fields` says which the actor may change) as a new
    version, with what changed kept and the write logged.

    VERSION: the person's version the form was based on; another edit saved since is a
    `StaleEdit` (`core.versions`) and nothing is saved.
    """
    unit = _acting_unit(actor, access)
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    check_based_on(version, person.version)
    if not set(values) <= changes.person_editable_fields(
        access, protected=person.protected_identity
    ):
        raise PermissionDenied
    changed = _save_version(actor=actor, unit=unit, person=person, record=person, values=values)
    record_access(
        actor, access, action="update", what=what("person details changed", ", ".join(changed))
    )
    return person


@transaction.atomic
def relative_update(
    *,
    actor: Actor,
    access: PersonAccess,
    relative: Relative,
    version: int | None = None,
    **values,
) -> Relative:
    """Change a relative's details (VALUES: contact details, involvement, secrecy and what
    they may be told; `changes.relative_editable_fields` says which) as a new version, with
    what changed kept and the write logged. RELATIVE: one the actor may edit
    (`changes.relative_for_editing`). VERSION as for `person_update`.
    """
    unit = _acting_unit(actor, access)
    # The person is locked too: whether they are protected decides what may be changed.
    person = Person.objects.select_for_update().get(pk=access.person.pk)
    relative = changes.editable_relatives(access).select_for_update().get(pk=relative.pk)
    check_based_on(version, relative.version)
    editable = changes.relative_editable_fields(access, protected=person.protected_identity)
    if not set(values) <= editable:
        raise PermissionDenied
    changes.check_secrecy(
        secrecy_requested=values.get("secrecy_requested", relative.secrecy_requested),
        may_be_told=values.get("may_be_told", relative.may_be_told),
    )
    changed = _save_version(actor=actor, unit=unit, person=person, record=relative, values=values)
    record_access(actor, access, action="update", what=what("relative changed", ", ".join(changed)))
    return relative
