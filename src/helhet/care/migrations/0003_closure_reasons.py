from django.db import migrations

# The catalogue's codes are stable; names are the Swedish ones the units use (editable in admin).
REASONS = [
    ("goals_reached", "Målen uppnådda"),
    ("person_ended", "Personen avslutade själv"),
    ("no_contact", "Ingen kontakt under lång tid"),
    ("moved", "Flyttat från kommunen"),
    ("referred_on", "Hänvisad till annan verksamhet"),
    ("compulsory_care", "Tvångsvård (LVM, LPT, LVU)"),
    ("deceased", "Avliden"),
    ("other", "Annat"),
]


def add_reasons(apps, schema_editor):
    ClosureReason = apps.get_model("care", "ClosureReason")
    for code, name in REASONS:
        ClosureReason.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("care", "0002_initial")]
    operations = [migrations.RunPython(add_reasons, migrations.RunPython.noop)]
