"""Blocks (spärr, PDL 4 kap. 4 §): the person's request that one unit's records of one
organisation are not read from the organisation's other units.

Who records and lifts a block: a staff member with a care relationship at the unit whose
records are blocked (the active unit), for their own organisation's records there; the block
is the person's request, taken by that staff member. The unit's manager or coordinator also
lists and lifts their organisation's blocks at the unit without a care relationship (below).
Emergency access is read-only, so it never records or lifts one. The policy
(`policy.PersonAccess.hidden_blocks`) decides what a block hides; this module only writes and
lists them.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.core.models import Unit
from helhet.people.models import Person

from . import review
from .log import Actor, append, entry_for, record_access
from .models import Block
from .policy import PersonAccess
from .review import Reviewer
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
    if block.organisation_id != actor.organisation_id or not access.may_act_at(block.unit_id):
        raise ValidationError(_("You may not lift this block."))
    _lift(block, actor, lifted_on)
    record_access(actor, access, action="update", what=what("block lifted", block.unit))
    return block


def _lift(block: Block, actor: Actor, lifted_on: datetime.date) -> None:
    """Record BLOCK (locked) as lifted on LIFTED_ON at the person's request, taken by ACTOR."""
    if block.lifted_on is not None:
        raise ValidationError(
            _("This block is lifted already: on %(date)s by %(user)s.")
            % {"date": block.lifted_on.isoformat(), "user": block.lifted_by or "–"}
        )
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


# --- The unit's blocks: the person's request is taken at any time ------------------------------
#
# Lifting through the person's page needs a care relationship at the unit; once the person's
# episode there is closed nobody has one, yet only the person's request lifts a block and they
# may make it (and ask which blocks exist) at any time. So the unit's manager or coordinator
# (`review.reviewer`) lists the blocks in force of their organisation's records at the unit and
# lifts one, without a care relationship: each block is their unit's own record about the
# person, and it shows the person's name and identity number, nothing of their records.


def unit_blocks_in_force(reviewer: Reviewer) -> list[Block]:
    """The blocks in force of REVIEWER's organisation's records at REVIEWER's unit, by the
    persons' names (one query)."""
    return list(
        _in_force_at_unit(reviewer).order_by("person__family_name", "person__given_name", "pk")
    )


def _in_force_at_unit(reviewer: Reviewer) -> QuerySet[Block]:
    return Block.objects.filter(
        unit=reviewer.unit, organisation_id=reviewer.organisation_id, lifted_on__isnull=True
    ).select_related("person", "unit", "recorded_by")


def unit_block_for_lifting(reviewer: Reviewer, block_id: int) -> Block | None:
    """The block in force BLOCK_ID of REVIEWER's organisation's records at their unit, or None."""
    return _in_force_at_unit(reviewer).filter(pk=block_id).first()


def log_unit_blocks(
    actor: Actor, reviewer: Reviewer, blocks: list[Block], *, action: str, what: str
) -> None:
    """One log row for each block's person, as REVIEWER's organisation reading or writing its own
    record; flagged "without relationship" for a person they have no care relationship with at
    the unit (one query)."""
    related = review.named_persons(reviewer, [b.person_id for b in blocks])
    append(
        entry_for(
            actor,
            person=b.person,
            action=action,
            what=what,
            without_relationship=b.person_id not in related,
        )
        for b in blocks
    )


@transaction.atomic
def unit_block_lift(
    *, actor: Actor, reviewer: Reviewer, block_id: int, lifted_on: datetime.date
) -> Block:
    """Lift a block of REVIEWER's organisation's records at their unit at the person's request,
    taken by the actor on LIFTED_ON, without a care relationship (the row is locked first);
    logged against the person."""
    block = Block.objects.select_for_update().get(pk=block_id)
    if block.unit_id != reviewer.unit.pk or block.organisation_id != reviewer.organisation_id:
        raise ValidationError(_("You may not lift this block."))
    _lift(block, actor, lifted_on)
    log_unit_blocks(
        actor, reviewer, [block], action="update", what=what("block lifted", reviewer.unit)
    )
    return block
