"""`helhet remind`: queue a refresh of every unit's reminders (run it from cron); it also
forgets the create forms' one-time keys older than a day (core/submissions.py)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from helhet.bookings.reminders import send_appointment_reminders, send_reminders
from helhet.core import submissions
from helhet.core.models import Unit
from helhet.reminders.models import UnitRefresh
from helhet.reminders.refresh import refresh_unit
from helhet.reminders.tasks import refresh_reminders


class Command(BaseCommand):
    help = "Queue a refresh of every unit's reminders for the worker (helhet db_worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Refresh here and now instead of queueing (no worker needed).",
        )

    def handle(self, *args, now, **options):
        units = list(Unit.objects.order_by("pk"))
        for unit in units:
            if now:
                refresh_unit(unit)
            else:
                UnitRefresh.objects.update_or_create(
                    unit=unit, defaults={"requested_at": timezone.now()}
                )
                refresh_reminders.enqueue(unit_id=unit.pk)
        done = "Refreshed" if now else "Queued a refresh of"
        self.stdout.write(f"{done} the reminders of {len(units)} units.")
        # the persons' appointment reminders (bookings/reminders.py)
        if now:
            self.stdout.write(f"Sent {send_reminders()} appointment reminders.")
        else:
            send_appointment_reminders.enqueue()
            self.stdout.write("Queued the appointment reminders.")
        forgotten = submissions.forget_old()
        self.stdout.write(f"Forgot {forgotten} form submission keys older than a day.")
