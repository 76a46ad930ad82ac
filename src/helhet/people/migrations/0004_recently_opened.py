"""The recently opened, per user (`people.RecentlyOpened`), and the trigger that keeps at most
eight rows per user: the page writes one upsert, and the database trims the user's rows as one
is inserted (the oldest first), on PostgreSQL and SQLite alike. Eight is `recent.RECENT_MAX`
(tests/people/test_recent.py holds the two together)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The rows of NEW's user beyond the eight newest.
TRIM = """
DELETE FROM people_recentlyopened WHERE user_id = NEW.user_id AND id NOT IN (
    SELECT id FROM people_recentlyopened WHERE user_id = NEW.user_id
    ORDER BY opened_at DESC, id DESC LIMIT 8
)"""

POSTGRESQL = [
    "CREATE FUNCTION people_recentlyopened_trim() RETURNS trigger LANGUAGE plpgsql AS $$"
    f" BEGIN {TRIM}; RETURN NULL; END $$",
    "CREATE TRIGGER people_recentlyopened_trim AFTER INSERT ON people_recentlyopened"
    " FOR EACH ROW EXECUTE FUNCTION people_recentlyopened_trim()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS people_recentlyopened_trim ON people_recentlyopened",
    "DROP FUNCTION IF EXISTS people_recentlyopened_trim()",
]
SQLITE = [
    "CREATE TRIGGER people_recentlyopened_trim AFTER INSERT ON people_recentlyopened"
    f" BEGIN {TRIM}; END",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS people_recentlyopened_trim"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_edits_and_changes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RecentlyOpened',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('opened_at', models.DateTimeField()),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recently_opened', to='people.person')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(fields=['user', '-opened_at'], name='people_rece_user_id_db615e_idx')],
                'constraints': [models.UniqueConstraint(fields=('user', 'person'), name='recently_opened_unique')],
            },
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
            elidable=False,
        ),
    ]
