"""The database cache's table (settings.CACHES), shared by all app processes: the public
self-referral page's flood counters live there."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_unit_reminder_settings")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
