"""Writes on the team conference: a conference, a person put on it, the order, the decision,
postponing to the next conference.

A conference is the unit's and names no person: no log row. Every write on an item is about
its person: atomic, by an actor with a relationship with the person at the conference's unit
(their active unit), logged in the same transaction; bad input raises ValidationError and
nothing is saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access import policy
from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.contacts.actions import acting_unit, unit_members
from helhet.core.models import User
from helhet.core.versions import check_based_on

from .models import Conference, ConferenceItem, EarlierDecision

Status = ConferenceItem.Status
UP, DOWN = "up", "down"


@transaction.atomic
def conference_create(*, actor: Actor, starts_at: datetime.datetime, title: str = "") -> Conference:
    """A conference of the actor's active unit (a member there, staff of an organisation)."""
    unit = actor.active_unit
    if not policy.is_clinical(actor.user) or not actor.user.memberships.filter(unit=unit).exists():
        raise ValidationError(_("You are not a member of %(unit)s.") % {"unit": unit})
    return Conference.objects.create(
        unit=unit, starts_at=starts_at, title=title.strip(), created_by=actor.user
    )


def _conference_here(actor: Actor, conference_id: int, *, lock: bool = False) -> Conference:
    """The conference with CONFERENCE_ID at the actor's active unit; else ValidationError."""
    found = Conference.objects.filter(pk=conference_id, unit=actor.active_unit)
    conference = (found.select_for_update() if lock else found).first()
    if conference is None:
        raise ValidationError({"conference": _("Choose a conference of your unit.")})
    return conference


def _not_over(conference: Conference) -> None:
    if timezone.localdate(conference.starts_at) < timezone.localdate():
        raise ValidationError({"conference": _("This conference is over: choose the next one.")})


@transaction.atomic
def conference_item_add(
    *,
    actor: Actor,
    access: PersonAccess,
    conference: Conference | int,
    reason: str,
    brought_by: User | int | None = None,
) -> ConferenceItem:
    """Put the person on a conference of the actor's unit that is not over, brought by a
    member of the unit (the actor by default), last on the board; once per conference."""
    unit = acting_unit(actor, access)
    conference_id = conference.pk if isinstance(conference, Conference) else conference
    conference = _conference_here(actor, conference_id, lock=True)
    _not_over(conference)
    if ConferenceItem.objects.filter(conference=conference, person=access.person).exists():
        raise ValidationError(_("The person is already on this conference."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the person is on the board.")})
    [bringer] = unit_members(unit, [brought_by or actor.user], field="brought_by")
    item = _new_item(conference, access, reason=reason.strip(), brought_by=bringer, actor=actor)
    record_access(actor, access, action="create", what=what("conference item added", item.pk))
    return item


def _new_item(conference: Conference, access: PersonAccess, *, actor: Actor, **fields):
    """A new item last on CONFERENCE's board (its row locked by the caller)."""
    last = conference.items.aggregate(last=Max("position"))["last"]
    return ConferenceItem.objects.create(
        conference=conference,
        person=access.person,
        unit=conference.unit,
        organisation_id=actor.organisation_id,
        position=0 if last is None else last + 1,
        created_by=actor.user,
        **fields,
    )


def item_for_acting(actor: Actor, access: PersonAccess, item_id: int, *, lock: bool = False):
    """The person's item with ITEM_ID on a conference of the actor's unit, where the actor may
    act for the person; else ValidationError."""
    unit = acting_unit(actor, access)
    found = ConferenceItem.objects.filter(pk=item_id, person=access.person, unit=unit)
    item = (found.select_for_update() if lock else found).select_related("conference").first()
    if item is None:
        raise ValidationError(_("This item is not on a conference of your unit."))
    return item


@transaction.atomic
def conference_decision_record(
    *,
    actor: Actor,
    access: PersonAccess,
    item_id: int,
    decision: str,
    version: int | None = None,
) -> ConferenceItem:
    """Record (or change) the decision on an item, once its conference's day has come: the
    item is discussed, the decision is owned by the actor's organisation. A decision another
    organisation wrote is changed only by its staff, and its earlier text is kept
    (`EarlierDecision`); an edit based on an earlier save is a `StaleEdit` (`core.versions`)."""
    item = item_for_acting(actor, access, item_id, lock=True)
    check_based_on(version, item.version)
    if item.status == Status.POSTPONED:
        raise ValidationError(_("The item was postponed: record the decision on the next one."))
    if timezone.localdate(item.conference.starts_at) > timezone.localdate():
        raise ValidationError(_("The conference has not been held yet."))
    owner = item.decision_organisation_id
    if owner is not None and owner != actor.organisation_id:
        raise ValidationError(
            _("The other organisation recorded this decision: only its staff may change it.")
        )
    if not decision.strip():
        raise ValidationError({"decision": _("Write the decision.")})
    now = timezone.now()
    if item.decided_by_id is not None and item.decided_at is not None:  # a change: keep the text
        EarlierDecision.objects.create(
            item=item,
            decision=item.decision,
            organisation_id=item.decision_organisation_id,
            decided_by_id=item.decided_by_id,
            decided_at=item.decided_at,
            changed_by=actor.user,
            changed_at=now,
        )
    item.decision = decision.strip()
    item.decision_organisation_id = actor.organisation_id
    item.decided_by = actor.user
    item.decided_at = now
    item.status = Status.DISCUSSED
    item.version += 1
    item.save()
    record_access(actor, access, action="update", what=what("conference decision", item.pk))
    return item


def next_conference(conference: Conference) -> Conference | None:
    """The unit's first conference after CONFERENCE."""
    later = Q(starts_at__gt=conference.starts_at) | Q(
        starts_at=conference.starts_at, pk__gt=conference.pk
    )
    return (
        Conference.objects.filter(later, unit_id=conference.unit_id)
        .order_by("starts_at", "pk")
        .first()
    )


@transaction.atomic
def conference_item_postpone(*, actor: Actor, access: PersonAccess, item_id: int) -> ConferenceItem:
    """Move an item not yet discussed to the unit's next conference: the item is marked
    postponed (so the minutes say so) and a new one, with the same reason, owner and bringer,
    is put last on the next board. The new item is returned."""
    item = item_for_acting(actor, access, item_id, lock=True)
    if item.status != Status.TO_DISCUSS:
        raise ValidationError(_("Only an item still to discuss can be postponed."))
    following = next_conference(item.conference)
    if following is None:
        raise ValidationError(_("There is no later conference: create the next one first."))
    following = _conference_here(actor, following.pk, lock=True)
    if ConferenceItem.objects.filter(conference=following, person=access.person).exists():
        raise ValidationError(_("The person is already on the next conference."))
    moved = ConferenceItem.objects.create(
        conference=following,
        person=item.person,
        unit=item.unit,
        organisation_id=item.organisation_id,  # the record moves: its owner stays
        reason=item.reason,
        brought_by_id=item.brought_by_id,
        position=(following.items.aggregate(last=Max("position"))["last"] or 0) + 1,
        created_by=actor.user,
    )
    item.status, item.postponed_to = Status.POSTPONED, moved
    item.save(update_fields=["status", "postponed_to"])
    record_access(actor, access, action="update", what=what("conference item postponed", item.pk))
    return moved


@transaction.atomic
def conference_item_move(
    *, actor: Actor, access: PersonAccess, item_id: int, direction: str
) -> None:
    """Swap an item with the one above (UP) or below (DOWN) it among the items the actor sees
    on the board (`policy.visible_persons` at the unit): the order others see keeps the items
    hidden from the actor where they were. At the top or the bottom nothing moves."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Choose up or down."))
    item = item_for_acting(actor, access, item_id, lock=True)
    _conference_here(actor, item.conference_id, lock=True)  # one reorder of a board at a time
    item.refresh_from_db(fields=["position"])
    visible = policy.visible_persons(actor.user, unit=item.unit).values("pk")
    siblings = ConferenceItem.objects.filter(conference=item.conference_id, person__in=visible)
    if direction == UP:
        before = Q(position__lt=item.position) | Q(position=item.position, pk__lt=item.pk)
        neighbour = siblings.filter(before).order_by("-position", "-pk").first()
    else:
        after = Q(position__gt=item.position) | Q(position=item.position, pk__gt=item.pk)
        neighbour = siblings.filter(after).order_by("position", "pk").first()
    if neighbour is None:
        return
    item.position, neighbour.position = neighbour.position, item.position
    ConferenceItem.objects.bulk_update([item, neighbour], ["position"])
    record_access(actor, access, action="update", what=what("conference item moved", direction))
