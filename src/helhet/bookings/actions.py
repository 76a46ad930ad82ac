"""Writes on bookings and group sessions.

Every action is atomic and writes its access-log row in the same transaction; bad input raises
ValidationError (keyed by form field where there is one) and leaves nothing saved. A booking is
made at the actor's active unit, where the person must have an open episode that gives the
actor a care relationship (emergency access is read-only), and is owned by the actor's
organisation. A new booking lies in the future; staff booked twice at the same time are
refused (not warned: a double booking found on the day is a person turned away).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from helhet.access.log import Actor, append, entry_for, record_access
from helhet.access.policy import PersonAccess
from helhet.access.what import what
from helhet.care.models import Episode
from helhet.contacts.actions import acting_unit, contact_record, open_episode, unit_members
from helhet.contacts.models import Contact
from helhet.core.models import Unit, User
from helhet.core.versions import check_based_on
from helhet.followup import summaries

from .models import BOOKABLE_KINDS, MAX_BOOKING_MINUTES, Booking, GroupSession


def check_minutes(minutes: int) -> datetime.timedelta:
    if not 1 <= minutes <= MAX_BOOKING_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": _("The length must be between 1 and %(max)s minutes.")
                % {"max": MAX_BOOKING_MINUTES}
            }
        )
    return datetime.timedelta(minutes=minutes)


def check_ahead(starts_at: datetime.datetime) -> None:
    """A new booking is for a time still to come."""
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A booking must be for a time still to come.")})


def check_staff_free(
    staff: list[User],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    session: GroupSession | None = None,
    booking: Booking | None = None,
) -> None:
    """THE overlap rule: refuse when one of STAFF has another booking or group session
    overlapping the time (SESSION, or BOOKING, being moved or joined, does not clash with
    itself nor, for SESSION, with its participants' bookings)."""
    ids = [user.pk for user in staff]
    overlap = Q(starts_at__lt=ends_at, ends_at__gt=starts_at, staff__in=ids)
    bookings = Booking.objects.filter(overlap, status=Booking.Status.BOOKED)
    sessions = GroupSession.objects.filter(overlap, cancelled_at__isnull=True)
    if session is not None:
        bookings = bookings.exclude(group_session=session)
        sessions = sessions.exclude(pk=session.pk)
    if booking is not None:
        bookings = bookings.exclude(pk=booking.pk)
    busy = User.objects.filter(
        Q(bookings_as_staff__in=bookings) | Q(group_sessions__in=sessions), pk__in=ids
    ).distinct()
    if busy:
        raise ValidationError(
            {
                "staff": _("Already booked at that time: %(names)s.")
                % {"names": ", ".join(str(u) for u in busy)}
            }
        )


@transaction.atomic
def booking_create(
    *,
    actor: Actor,
    access: PersonAccess,
    kind: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    staff: Iterable = (),
    place: str = "",
    remind: bool = False,
) -> Booking:
    """Book the person at the actor's unit, ahead of time, with staff of the unit (the actor
    when none are named). REMIND: the person agreed to a text reminder."""
    unit = acting_unit(actor, access)
    if kind not in [k.value for k in BOOKABLE_KINDS]:
        raise ValidationError({"kind": _("Choose a kind of booking.")})
    booking = _book(
        actor,
        access,
        unit,
        kind=kind,
        starts_at=starts_at,
        minutes=duration_minutes,
        staff=staff,
        place=place,
        remind=remind,
    )
    record_access(actor, access, action="create", what=what("booking made", unit))
    return booking


def _slot(
    actor: Actor, unit: Unit, starts_at, minutes: int, staff: Iterable, session=None, booking=None
):
    """The end of a new (or edited, or moved) booking or session and its staff (the actor
    when none are named): ahead of time, of a bounded length, staff of UNIT free then (but for
    SESSION, which a participant's booking joins or which is moved, and BOOKING, which is
    edited); else ValidationError."""
    check_ahead(starts_at)
    ends_at = starts_at + check_minutes(minutes)
    members = unit_members(unit, list(staff) or [actor.user])
    check_staff_free(members, starts_at, ends_at, session=session, booking=booking)
    return ends_at, members


def _book(
    actor, access, unit, *, starts_at, minutes, staff, place, group_session=None, **values
) -> Booking:
    episode = open_episode(access, unit)
    ends_at, members = _slot(actor, unit, starts_at, minutes, staff, group_session)
    booking = Booking.objects.create(
        person=access.person,
        unit=unit,
        episode=episode,
        organisation_id=actor.organisation_id,
        booked_by=actor.user,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        group_session=group_session,
        **values,
    )
    booking.staff.set(members)
    return booking


def booking_for_acting(
    access: PersonAccess, booking_id: int, unit: Unit | None, *, lock: bool = True
) -> Booking:
    """The person's booking BOOKING_ID at UNIT (the active unit, where the actor must have a
    relationship), still booked; else ValidationError. LOCK (inside an action's transaction):
    the row is locked, so that a second change waits and then finds it no longer booked."""
    if unit is None or not access.may_act_at(unit.pk):
        raise ValidationError(_("You may not change bookings for this person at this unit."))
    bookings = Booking.objects.select_for_update() if lock else Booking.objects.all()
    booking = bookings.filter(pk=booking_id, person=access.person, unit=unit).first()
    if booking is None:
        raise ValidationError(_("There is no such booking at this unit."))
    if not booking.is_booked:
        raise ValidationError(_("The booking is no longer open: it was cancelled or recorded."))
    return booking


def _reschedule(booking: Booking, starts_at: datetime.datetime, ends_at: datetime.datetime):
    """Give BOOKING a new time. A reminder already sent told the person the old time: when the
    start moves, the reminder is due again (not sent, no failed attempts), and `reminders.due`
    sends it anew if the person still wants one, within the usual hours before the new start.
    The fields changed, to save."""
    changed = ["starts_at", "ends_at"]
    if starts_at != booking.starts_at:
        booking.reminder_sent_at, booking.reminder_attempts = None, 0
        changed += ["reminder_sent_at", "reminder_attempts"]
    booking.starts_at, booking.ends_at = starts_at, ends_at
    return changed


@transaction.atomic
def booking_edit(
    *,
    actor: Actor,
    access: PersonAccess,
    booking: int,
    kind: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    staff: Iterable = (),
    place: str | None = None,
    remind: bool = False,
    version: int | None = None,
) -> Booking:
    """Change a booking still booked and still ahead: its kind, time, length, staff, place
    (None: kept, for a user not shown it) and reminder, the staff free then (the overlap rule,
    this booking aside). An edit based on an earlier save is a `StaleEdit` (`core.versions`).
    A group session's participant follows its session (`group_session_move`)."""
    found = booking_for_acting(access, booking, actor.unit)
    check_based_on(version, found.version)
    if not found.is_ahead:
        raise ValidationError(_("The booking has begun: record it, do not change it."))
    if found.group_session_id:
        raise ValidationError(_("A group session's participant is changed with the session."))
    if kind not in [k.value for k in BOOKABLE_KINDS]:
        raise ValidationError({"kind": _("Choose a kind of booking.")})
    ends_at, members = _slot(actor, found.unit, starts_at, duration_minutes, staff, booking=found)
    changed = _reschedule(found, starts_at, ends_at)
    if place is not None:
        found.place = place.strip()
    found.kind, found.remind = kind, remind
    found.changed_by, found.version = actor.user, found.version + 1
    found.save(update_fields=[*changed, "kind", "place", "remind", "changed_by", "version"])
    found.staff.set(members)
    record_access(actor, access, action="update", what=what("booking changed", found.unit))
    return found


def _cancel(actor: Actor, booking: Booking, *, by: str, reason: str) -> None:
    if by not in Booking.CancelledBy.values:
        raise ValidationError({"cancelled_by": _("Say who cancelled: the person or the unit.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for cancelling.")})
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by = by
    booking.cancel_reason = reason.strip()
    booking.cancelled_at = timezone.now()
    booking.changed_by = actor.user
    booking.save(
        update_fields=["status", "cancelled_by", "cancel_reason", "cancelled_at", "changed_by"]
    )


@transaction.atomic
def booking_cancel(
    *, actor: Actor, access: PersonAccess, booking: int, cancelled_by: str, reason: str
) -> Booking:
    """Cancel a booking, saying who cancelled (the person or the unit) and why."""
    found = booking_for_acting(access, booking, actor.unit)
    _cancel(actor, found, by=cancelled_by, reason=reason)
    record_access(actor, access, action="update", what=what("booking cancelled", found.unit))
    return found


@transaction.atomic
def booking_rebook(
    *,
    actor: Actor,
    access: PersonAccess,
    booking: int,
    cancelled_by: str,
    reason: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    staff: Iterable = (),
    place: str = "",
    remind: bool = False,
) -> Booking:
    """Move a booking: cancel it (who and why) and book anew, the new one linked to it."""
    old = booking_for_acting(access, booking, actor.unit)
    if old.group_session_id:
        raise ValidationError(_("A group session's participant is cancelled, not moved."))
    _cancel(actor, old, by=cancelled_by, reason=reason)
    unit = old.unit
    new = _book(
        actor,
        access,
        unit,
        kind=old.kind,
        starts_at=starts_at,
        minutes=duration_minutes,
        staff=staff,
        place=place,
        remind=remind,
        rebooked_from=old,
    )
    record_access(actor, access, action="create", what=what("booking moved", unit))
    return new


@transaction.atomic
def booking_attended(
    *,
    actor: Actor,
    access: PersonAccess,
    booking: int,
    **contact,
) -> Booking:
    """The person came: record the contact (CONTACT: `contact_record`'s arguments, attended)
    and link it to the booking. The contact's own log row is the record of both."""
    found = booking_for_acting(access, booking, actor.unit)
    recorded = contact_record(actor=actor, access=access, **contact, attended=True)
    return _outcome(actor, found, Booking.Status.ATTENDED, recorded)


@transaction.atomic
def booking_no_show(*, actor: Actor, access: PersonAccess, booking: int) -> Booking:
    """The person did not come: recorded as a no-show contact of the booking's kind, time,
    length and staff (never held against the person)."""
    found = booking_for_acting(access, booking, actor.unit)
    recorded = contact_record(
        actor=actor,
        access=access,
        kind=found.kind,
        starts_at=found.starts_at,
        duration_minutes=found.duration_minutes,
        attended=False,
        staff=list(found.staff.all()),
    )
    return _outcome(actor, found, Booking.Status.NO_SHOW, recorded)


def _outcome(actor: Actor, booking: Booking, status: str, contact) -> Booking:
    booking.status = status
    booking.contact = contact
    booking.changed_by = actor.user
    booking.save(update_fields=["status", "contact", "changed_by"])
    summaries.refresh([booking.person_id])  # a held booking counts in the follow-up
    return booking


# --- Group sessions -----------------------------------------------------------------------


@transaction.atomic
def group_session_create(
    *,
    actor: Actor,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    staff: Iterable = (),
    place: str = "",
) -> GroupSession:
    """Plan a group session at the actor's active unit (no person yet: no log row)."""
    unit = actor.active_unit
    if not title.strip():
        raise ValidationError({"title": _("Give the group session a title.")})
    ends_at, members = _slot(actor, unit, starts_at, duration_minutes, staff)
    session = GroupSession.objects.create(
        unit=unit,
        organisation_id=actor.organisation_id,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        created_by=actor.user,
    )
    session.staff.set(members)
    return session


@transaction.atomic
def participant_add(
    *, actor: Actor, access: PersonAccess, session: GroupSession, remind: bool = False
) -> Booking:
    """Book the person into SESSION (at the actor's unit): a group booking at its time."""
    unit = acting_unit(actor, access)
    if session.unit_id != unit.pk:
        raise ValidationError(_("The group session is at another unit."))
    # locked and read afresh: a cancelling of the session waits for this, or this for it
    session = GroupSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise ValidationError(_("The group session is cancelled."))
    if Booking.objects.filter(
        group_session=session, person=access.person, status=Booking.Status.BOOKED
    ).exists():
        raise ValidationError(_("The person is already booked into this group session."))
    booking = _book(
        actor,
        access,
        unit,
        kind=Contact.Kind.GROUP,
        starts_at=session.starts_at,
        minutes=session.duration_minutes,
        staff=list(session.staff.all()),
        place=session.place,
        remind=remind,
        group_session=session,
    )
    record_access(actor, access, action="create", what=what("booking made", unit))
    return booking


@transaction.atomic
def group_session_cancel(*, actor: Actor, session: int, reason: str) -> GroupSession:
    """Cancel a group session at the actor's active unit, before it ends: the unit cancels it
    and its participants' bookings still booked, with REASON; one log row per participant."""
    unit = actor.active_unit
    found = GroupSession.objects.select_for_update().filter(pk=session, unit=unit).first()
    if found is None or found.is_cancelled or found.ends_at <= timezone.now():
        raise ValidationError(_("The group session can no longer be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for cancelling.")})
    found.cancelled_at, found.cancelled_by = timezone.now(), actor.user
    found.cancel_reason = reason.strip()
    found.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    booked = found.participants.select_for_update().select_related("person", "unit")
    booked = booked.filter(status=Booking.Status.BOOKED)
    _cancel_by_unit(actor, list(booked), reason=found.cancel_reason, phrase="booking cancelled")
    return found


@transaction.atomic
def group_session_move(
    *,
    actor: Actor,
    session: int,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str = "",
) -> GroupSession:
    """Move a group session at the actor's active unit, before it begins, to a new start,
    length and place, and with it every participant's booking still booked: all or nothing,
    the session's staff and every participant's staff free then (the overlap rule, the
    session and its participants aside); one log row per participant."""
    unit = actor.active_unit
    found = GroupSession.objects.select_for_update().filter(pk=session, unit=unit).first()
    if found is None or found.is_cancelled or found.starts_at <= timezone.now():
        raise ValidationError(_("The group session can no longer be moved."))
    booked = list(
        found.participants.select_for_update()
        .filter(status=Booking.Status.BOOKED)
        .select_related("person", "unit")
        .prefetch_related("staff")
    )
    staff = {user.pk: user for user in found.staff.all()}
    staff |= {user.pk: user for booking in booked for user in booking.staff.all()}
    check_ahead(starts_at)
    ends_at = starts_at + check_minutes(duration_minutes)
    check_staff_free(list(staff.values()), starts_at, ends_at, session=found)
    found.starts_at, found.ends_at, found.place = starts_at, ends_at, place.strip()
    found.save(update_fields=["starts_at", "ends_at", "place"])
    for booking in booked:
        changed = _reschedule(booking, starts_at, ends_at)
        booking.place, booking.changed_by = found.place, actor.user
        booking.version += 1
        booking.save(update_fields=[*changed, "place", "changed_by", "version"])
    _log_per_booking(actor, booked, phrase="booking moved with its group session")
    return found


def _cancel_by_unit(actor: Actor, bookings: list[Booking], *, reason: str, phrase: str) -> None:
    """Cancel BOOKINGS (locked, booked) by the unit, logged per booking for its owner."""
    for booking in bookings:
        _cancel(actor, booking, by=Booking.CancelledBy.UNIT, reason=reason)
    _log_per_booking(actor, bookings, phrase=phrase)


def _log_per_booking(actor: Actor, bookings: list[Booking], *, phrase: str) -> None:
    """One update row per booking of BOOKINGS, about its person, for its owner."""
    append(
        entry_for(
            actor,
            person=booking.person,
            action="update",
            what=what(phrase, booking.unit),
            organisation_id=booking.organisation_id,
        )
        for booking in bookings
    )


def episode_bookings_cancel(*, actor: Actor, episode: Episode) -> int:
    """Inside the closing of EPISODE: its bookings still to come, still booked, are cancelled
    by the unit ("the episode was closed"), so that nobody is expected and no reminder goes
    out. The number cancelled."""
    future = Booking.objects.select_for_update().select_related("person", "unit")
    found = list(
        future.filter(episode=episode, status=Booking.Status.BOOKED, starts_at__gt=timezone.now())
    )
    with override("sv"):  # kept as text, in the unit's language
        reason = _("The episode was closed.")
    _cancel_by_unit(actor, found, reason=reason, phrase="booking cancelled at closure")
    return len(found)
