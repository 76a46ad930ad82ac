from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    apps.get_model("access", "LogChainHead").objects.get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "last_entry_id": 0, "entries": 0}
    )


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
