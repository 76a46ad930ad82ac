"""Writes on persons and their relatives."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from helhet.access import policy
from helhet.access.log import Actor, append, entry_for, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.care.actions import check_opening_date, check_target_group, enrol
from helhet.core.models import Municipality

from .identity import IdentityNumber
from .models import Person, Relative


class PersonAlreadyRegistered(ValidationError):
    """The number belongs to a person the actor may already see."""

    def __init__(self, person_id: int):
        super().__init__(
            _("A person with this identity number is already registered."), code="duplicate"
        )
        self.person_id = person_id


@transaction.atomic
def person_register(
    *,
    actor: Actor,
    identity_number: IdentityNumber,
    given_name: str,
    family_name: str,
    municipality: Municipality | None,
    address: str,
    postal_code: str,
    city: str,
    phone: str,
    email: str,
    protected_identity: bool,
    opened_on: datetime.date,
) -> Person:
    """Register a person and open an episode at the actor's active unit, in one transaction.

    Kind, birth date and legal sex come from the identity number. The unit's target group is
    checked on the entered details. A number already registered:
    - for a person the actor may see: refused (PersonAlreadyRegistered), pointing to the person;
    - for a person the actor may not see: nothing is revealed. The episode is opened for the
      existing Person row and the stored details are kept as they are (never overwritten by
      what was typed), so registration behaves the same whether or not the number was known.
      The log row says so, for the log review: this is how a user gains access to an existing
      person without being told.
    """
    unit = actor.active_unit
    check_opening_date(opened_on)
    check_target_group(
        unit,
        birth_date=identity_number.birth_date,
        municipality_id=municipality.pk if municipality else None,
        on=opened_on,
    )
    person = (
        Person.objects.select_for_update().filter(identity_number=identity_number.value).first()
    )
    if person is not None and policy.visible_persons(actor.user).filter(pk=person.pk).exists():
        raise PersonAlreadyRegistered(person.pk)
    logged = what("person registered", "number already registered" if person else None)
    if person is None:
        person = Person.objects.create(
            identity_number=identity_number.value,
            identity_kind=identity_number.kind.value,
            birth_date=identity_number.birth_date,
            legal_sex=identity_number.legal_sex.value,
            given_name=given_name,
            family_name=family_name,
            municipality=municipality,
            address=address,
            postal_code=postal_code,
            city=city,
            phone=phone,
            email=email,
            protected_identity=protected_identity,
            registered_by=actor.user,
        )
    _enrol_quietly(actor=actor, person=person, opened_on=opened_on)
    append([entry_for(actor, person=person, action="create", what=logged)])
    return person


def _enrol_quietly(*, actor: Actor, person: Person, opened_on: datetime.date) -> None:
    """Enrol at the active unit; an open episode the actor cannot see is not described."""
    try:
        enrol(actor=actor, person=person, unit=actor.active_unit, opened_on=opened_on)
    except ValidationError:
        raise ValidationError(
            _("The person could not be registered at this unit. Contact the unit's coordinator.")
        ) from None


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
) -> Relative:
    """Record a relative of the person, owned by the actor's organisation."""
    relative = Relative.objects.create(
        person=access.person,
        organisation_id=actor.organisation_id,
        name=name,
        relation=relation,
        phone=phone,
        email=email,
        involved=involved,
        secrecy_requested=secrecy_requested,
        recorded_by=actor.user,
    )
    record_access(actor, access, action="create", what="relative")
    return relative
