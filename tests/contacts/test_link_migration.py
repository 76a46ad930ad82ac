"""The migration that gave the contact-intervention links their copies of the contact fills
them from the contacts (on either database)."""

import datetime
import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.utils import timezone

from helhet.contacts.models import ContactIntervention

from .. import factories as f

migration = importlib.import_module("helhet.contacts.migrations.0005_contact_intervention_copies")


def test_the_copies_are_filled_from_each_links_contact(county, catalogue):
    other = f.PersonFactory()
    episode = f.EpisodeFactory(person=other, unit=county.other_unit)
    visit = f.ContactFactory(
        episode=county.episode, recorded_by=county.nurse, interventions=[catalogue["health_talk"]]
    )
    missed = f.ContactFactory(
        episode=episode,
        recorded_by=county.nurse,
        attended=False,
        starts_at=timezone.now() - datetime.timedelta(days=40),
        interventions=[catalogue["drug_test"]],
    )
    # as the rows stood before: copies that say nothing about their contact
    ContactIntervention.objects.update(
        unit=county.clinic, person=county.patient, starts_at=timezone.now(), attended=True
    )
    migration.copy_from_contacts(apps, SimpleNamespace(connection=connection))
    assert sorted(
        ContactIntervention.objects.values_list(
            "contact", "unit", "person", "starts_at", "attended"
        )
    ) == sorted(
        [
            (visit.pk, visit.unit_id, visit.person_id, visit.starts_at, True),
            (missed.pk, county.other_unit.pk, other.pk, missed.starts_at, False),
        ]
    )
