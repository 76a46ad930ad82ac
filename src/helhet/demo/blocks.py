"""A few persons of the demo county have blocked the clinic's records (spärr): two blocks in
force and one lifted at the person's request. Staff at the clinic read as before; anyone else
(emergency access from another unit) sees only that some information is blocked."""

import datetime

from django.utils import timezone

from helhet.access.models import Block
from helhet.care.models import Episode
from helhet.people.models import Person

from .county import County
from .showcase import SHOWCASE

BLOCKS_IN_FORCE, BLOCKS_LIFTED = 2, 1


def add_blocks(county: County, *, today: datetime.date) -> list[Block]:
    """Blocks of the episode owner's records at the clinic, for the first persons (after the
    named ones, whose pages the README describes) with an open episode there."""
    # the named persons are the first ones saved
    named = Person.objects.order_by("pk").values_list("pk", flat=True)[: len(SHOWCASE)]
    episodes = (
        Episode.objects.filter(unit=county.units["clinic"], closed_on__isnull=True)
        .exclude(person_id__in=list(named))
        .select_related("opened_by")
        .order_by("person_id")[: BLOCKS_IN_FORCE + BLOCKS_LIFTED]
    )
    blocks = []
    for number, episode in enumerate(episodes):
        requested = min(today, episode.opened_on + datetime.timedelta(days=7))
        block = Block(
            person_id=episode.person_id,
            unit_id=episode.unit_id,
            organisation_id=episode.organisation_id,
            requested_on=requested,
            recorded_by=episode.opened_by,
        )
        if number >= BLOCKS_IN_FORCE:
            block.lifted_on = min(today, requested + datetime.timedelta(days=30))
            block.lifted_by, block.lift_recorded_at = episode.opened_by, timezone.now()
        blocks.append(block)
    return Block.objects.bulk_create(blocks)
