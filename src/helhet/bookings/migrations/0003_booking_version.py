from django.db import migrations, models
from django.db.models import Exists, OuterRef


def follow_corrections(apps, schema_editor):
    """A booking held or missed shows the attendance of its contact's version in force: the
    bookings whose contact was corrected before the correction moved them are moved now."""
    Booking = apps.get_model("bookings", "Booking")
    Contact = apps.get_model("contacts", "Contact")
    # Only a booking whose contact has a correction can be out of step: its version in force
    # is then a correction (which names the first version, `original`; indexed).
    versions = Contact.objects.filter(original_id=OuterRef("contact_id"))
    came = Exists(versions.filter(correction__isnull=True, attended=True))
    held = Booking.objects.filter(Exists(versions), status__in=["attended", "no_show"])
    held.filter(came).exclude(status="attended").update(status="attended")
    held.filter(~came).exclude(status="no_show").update(status="no_show")


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0002_session_cancel_reminder_attempts"),
        ("contacts", "0007_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="version",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(follow_corrections, migrations.RunPython.noop),
    ]
