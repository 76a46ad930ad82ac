"""The contact-intervention link becomes a model of its own (`ContactIntervention`) on the
same table, and copies the contact's unit, person, time and attendance, with an index on unit
and time: the follow-up reads a unit's interventions in a period without joining the contacts.

The table and its keys stay as they are (state only); the new columns are added empty and
without their foreign keys, filled from the contacts, then made required and given the foreign
keys (on PostgreSQL, constraints added in the transaction that filled the rows would otherwise
leave the update's deferred checks pending, and the ALTER TABLE would fail).
"""

import django.db.models.deletion
from django.db import migrations, models

COPIED = ("unit_id", "person_id", "starts_at", "attended")


def copy_from_contacts(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE contacts_contact_interventions AS link"
                " SET unit_id = c.unit_id, person_id = c.person_id,"
                " starts_at = c.starts_at, attended = c.attended"
                " FROM contacts_contact AS c WHERE c.id = link.contact_id"
            )
        return
    Link = apps.get_model("contacts", "ContactIntervention")
    Contact = apps.get_model("contacts", "Contact")
    contact = Contact.objects.filter(pk=models.OuterRef("contact_id"))
    Link.objects.update(**{name: models.Subquery(contact.values(name)[:1]) for name in COPIED})


def copies(*, required: bool):
    """The copied fields, first empty and without foreign keys, then REQUIRED with them."""

    def key(to):
        return models.ForeignKey(
            db_constraint=required,
            db_index=False,
            null=not required,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to=to,
        )

    return [
        ("unit", key("core.unit")),
        ("person", key("people.person")),
        ("starts_at", models.DateTimeField(null=not required)),
        ("attended", models.BooleanField(null=not required)),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_guideline_priorities"),
        ("core", "0003_cache_table"),
        ("people", "0002_person_search_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContactIntervention",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "contact",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contacts.contact",
                            ),
                        ),
                        (
                            "intervention",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contacts.intervention",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "contacts_contact_interventions",
                        "unique_together": {("contact", "intervention")},
                    },
                ),
                migrations.AlterField(
                    model_name="contact",
                    name="interventions",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="contacts",
                        through="contacts.ContactIntervention",
                        to="contacts.intervention",
                        verbose_name="interventions",
                    ),
                ),
            ],
            database_operations=[],
        ),
        *(
            migrations.AddField(model_name="contactintervention", name=name, field=field)
            for name, field in copies(required=False)
        ),
        migrations.RunPython(copy_from_contacts, migrations.RunPython.noop, elidable=True),
        *(
            migrations.AlterField(model_name="contactintervention", name=name, field=field)
            for name, field in copies(required=True)
        ),
        migrations.AddIndex(
            model_name="contactintervention",
            index=models.Index(fields=["unit", "starts_at"], name="contact_intervention_unit_at"),
        ),
    ]
