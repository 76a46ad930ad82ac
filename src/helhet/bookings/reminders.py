"""Appointment reminders to the person: a text the day before (HELHET_REMINDER_HOURS ahead),
once per booking, only when the person agreed to it when booking (`Booking.remind`) and has a
telephone number. The text names the time and the unit's name and place, nothing else (no
kind of care, no staff). Each one sent is logged as a read of the person's number by the
system, for the booking's organisation.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from helhet.access.log import Actor, append, entry_for
from helhet.access.security import system_user
from helhet.access.what import what

from .models import MAX_REMINDER_ATTEMPTS, Booking
from .senders import sender

logger = logging.getLogger(__name__)


def reminder_text(booking: Booking) -> str:
    """The message, in Swedish: when and where, nothing about the care."""
    with override("sv"):
        when = timezone.localtime(booking.starts_at)
        values = {
            "day": formats.date_format(when, "l j F"),
            "time": formats.time_format(when, "H:i"),
            "unit": booking.unit.name,
        }
        text = _("Reminder: you have an appointment at %(unit)s on %(day)s at %(time)s.") % values
        if booking.place:
            text += " " + _("Place: %(place)s.") % {"place": booking.place}
        return text


def due(now: datetime.datetime):
    """Bookings to remind of now: booked, agreed to, not yet reminded, starting within the
    coming HELHET_REMINDER_HOURS, the episode open, the person with a telephone number, not
    given up after MAX_REMINDER_ATTEMPTS failed sends."""
    ahead = datetime.timedelta(hours=settings.HELHET_REMINDER_HOURS)
    return Booking.objects.filter(
        status=Booking.Status.BOOKED,
        remind=True,
        reminder_sent_at__isnull=True,
        reminder_attempts__lt=MAX_REMINDER_ATTEMPTS,
        episode__closed_on__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + ahead,
    ).exclude(person__phone="")


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Send every reminder due; the number sent. Each is marked sent in its own transaction,
    with its log row, so that one failing send does not send the others twice; a send that
    fails is counted and logged, and the others still go."""
    now = now or timezone.now()
    sent = 0
    for pk in list(due(now).values_list("pk", flat=True)):
        try:
            sent += _send_one(pk, now)
        except Exception as error:  # any gateway failure: the next booking is not held up
            _failed(pk, error)
    return sent


def _failed(pk: int, error: Exception) -> None:
    # The exception's text may hold the number: only its type and the booking's id are logged.
    attempts = F("reminder_attempts") + 1
    Booking.objects.filter(pk=pk).update(reminder_attempts=attempts)
    logger.warning("Appointment reminder for booking %s failed: %s", pk, type(error).__name__)


@transaction.atomic
def _send_one(pk: int, now: datetime.datetime) -> int:
    booking = due(now).select_for_update().select_related("person", "unit").filter(pk=pk).first()
    if booking is None:  # sent, cancelled or changed meanwhile
        return 0
    sender().send(phone=booking.person.phone, text=reminder_text(booking))
    booking.reminder_sent_at = now
    booking.save(update_fields=["reminder_sent_at"])
    entry = entry_for(
        Actor(system_user(), booking.unit),
        person=booking.person,
        action="read",
        what=what("appointment reminder sent", booking.unit),
        organisation_id=booking.organisation_id,
    )
    append([entry])
    return 1


@task()
def send_appointment_reminders() -> int:
    """The background task: send the reminders due (queued by `helhet remind`)."""
    return send_reminders()
