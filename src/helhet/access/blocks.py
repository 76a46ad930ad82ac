"""Blocks (spärr, PDL 4 kap. 4 §): the person's request that one unit's records of one
organisation are not read from the organisation's other units.

Who records and lifts a block: a staff member with a care relationship at the unit whose
records are blocked (the active unit), for their own organisation's records there; the block
is the person's request, taken by that staff member. Emergency access is read-only, so it never
records or lifts one. The policy (`policy.PersonAccess.hidden_blocks`) decides what a block
hides; this module only writes and lists them.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.core.models import Unit
from helhet.people.models import Person

from .log import Actor, record_access
from .models import Block
from .policy import PersonAccess
from .what import what


@dataclass(frozen=True)
class UnitBlocks:
    """The blocks the user may record and lift: their organisation's records at UNIT."""

    unit: Unit
    in_force: Block | None
    lifted: list[Block]


def unit_blocks(access: PersonAccess, unit: Unit) -> UnitBlocks:
    """The person's blocks of the user's organisation's records at UNIT (one query)."""
    blocks = list(
        Block.objects.filter(
            person=access.person, unit=unit, organisation_id=access.organisation_id
        ).select_related("unit", "recorded_by", "lifted_by")
    )
    in_force = next((b for b in blocks if b.lifted_on is None), None)
    return UnitBlocks(unit, in_force, [b for b in blocks if b.lifted_on is not None])


def block_for_lifting(access: PersonAccess, unit: Unit, block_id: int) -> Block:
    """A block in force of the user's organisation's records at UNIT; else Http404."""
    block = unit_blocks(access, unit).in_force
    if block is None or block.pk != block_id:
        raise Http404
    return block


def _check_day(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date lies in the future.")})


@transaction.atomic
def block_record(
    *, actor: Actor, access: PersonAccess, unit: Unit, requested_on: datetime.date
) -> Block:
    """Record the person's request (on REQUESTED_ON) to block the actor's organisation's
    records at UNIT from its other units. One block in force per unit and organisation."""
    if not access.may_act_at(unit.pk):
        raise ValidationError(_("You may not record a block at %(unit)s.") % {"unit": unit})
    _check_day(requested_on, "requested_on")
    organisation_id = actor.organisation_id
    # the person's row is locked so that two requests cannot both pass the check
    Person.objects.select_for_update().filter(pk=access.person.pk).first()
    if Block.objects.filter(
        person=access.person, unit=unit, organisation_id=organisation_id, lifted_on__isnull=True
    ).exists():
        raise ValidationError(_("The records at this unit are blocked already."))
    block = Block.objects.create(
        person=access.person,
        unit=unit,
        organisation_id=organisation_id,
        requested_on=requested_on,
        recorded_by=actor.user,
    )
    record_access(actor, access, action="create", what=what("block recorded", unit))
    return block


@transaction.atomic
def block_lift(
    *, actor: Actor, access: PersonAccess, block_id: int, lifted_on: datetime.date
) -> Block:
    """Lift the block at the person's request, taken by the actor on LIFTED_ON (the row is
    locked first)."""
    block = (
        Block.objects.select_for_update()
        .select_related("unit")
        .get(pk=block_id, person=access.person)
    )
    if block.organisation_id != actor.user.organisation_id or not access.may_act_at(block.unit_id):
        raise ValidationError(_("You may not lift this block."))
    if block.lifted_on is not None:
        raise ValidationError(_("This block is lifted already."))
    _check_day(lifted_on, "lifted_on")
    if lifted_on < block.requested_on:
        raise ValidationError(
            {
                "lifted_on": _("The block cannot be lifted before it was requested (%(date)s).")
                % {"date": block.requested_on.isoformat()}
            }
        )
    block.lifted_on, block.lifted_by, block.lift_recorded_at = (
        lifted_on,
        actor.user,
        timezone.now(),
    )
    block.save(update_fields=["lifted_on", "lifted_by", "lift_recorded_at"])
    record_access(actor, access, action="update", what=what("block lifted", block.unit))
    return block
