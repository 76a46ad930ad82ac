"""Trigram indexes for the person search, on PostgreSQL only.

The search matches any part of a name (`icontains`: UPPER(column) LIKE UPPER('%word%')) or of
an identity number (`contains`), which a b-tree cannot serve: without these indexes every search
reads the whole person table. SQLite (demo and default tests) has no pg_trgm; there the migration
does nothing, and the model state is unchanged on every database.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    # name: the indexed expression, exactly as Django's lookups write it
    "person_family_name_trgm": 'UPPER("family_name"::text)',
    "person_given_name_trgm": 'UPPER("given_name"::text)',
    "person_identity_number_trgm": '"identity_number"',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "people_person" '
            f"USING gin (({expression}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        TrigramExtension(),  # a no-op on other databases
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
