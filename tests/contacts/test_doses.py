"""A dose is a positive number within bounds and a unit from the list; the doses written as text
before are read into number and unit by the migration, or kept as written."""

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from helhet.contacts.actions import check_dose
from helhet.contacts.models import MedicationDispensing

from .. import factories as f
from ..people.utils import log_in
from .test_medication import an_hour_ago, url

migration = importlib.import_module("helhet.contacts.migrations.0006_input_limits")


def dispense(client, county, dose, unit="mg"):
    return client.post(
        url("dispensing_new", county),
        {
            "medication": "Metadon oral lösning 1 mg/ml",
            "dose": dose,
            "dose_unit": unit,
            "handed_out_at": an_hour_ago(),
            "handed_out_by": county.nurse.pk,
        },
    )


def test_a_dose_is_stored_as_a_number_and_a_unit_and_shown_so(client, county):
    log_in(client, county.nurse, county.clinic)
    assert dispense(client, county, "8.5", "ml").status_code == 302
    dispensing = MedicationDispensing.objects.get()
    assert (dispensing.dose, dispensing.dose_unit) == (Decimal("8.5"), "ml")
    assert dispensing.amount == "8.5 ml"
    with translation.override("sv"):
        assert dispensing.amount == "8,5 ml"
    page = client.get(url("medication", county)).text
    assert "8.5 ml" in page


@pytest.mark.parametrize(
    ("dose", "unit", "field"),
    [
        ("-1", "mg", "dose"),
        ("0", "mg", "dose"),
        ("1" + "0" * 30, "mg", "dose"),
        ("1e30", "mg", "dose"),
        ("10000.001", "mg", "dose"),
        ("0.0001", "mg", "dose"),
        ("ett", "mg", "dose"),
        ("", "mg", "dose"),
        ("60", "", "dose_unit"),
        ("60", "spoonful", "dose_unit"),
    ],
)
def test_a_dose_out_of_bounds_or_without_a_known_unit_is_refused(client, county, dose, unit, field):
    log_in(client, county.nurse, county.clinic)
    response = dispense(client, county, dose, unit)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not MedicationDispensing.objects.exists()


def test_the_largest_dose_is_accepted(client, county):
    log_in(client, county.nurse, county.clinic)
    assert dispense(client, county, "10000", "mg").status_code == 302


@pytest.mark.parametrize(
    ("dose", "unit"),
    [
        (Decimal(-1), "mg"),
        (Decimal(10) ** 30, "mg"),
        (Decimal(5), "spoon"),
        (None, "mg"),  # a dose without its number, or
        (Decimal(1), ""),  # its unit: refused as the form refuses it, not a server error
    ],
)
def test_the_action_refuses_what_the_form_would(dose, unit):
    with pytest.raises(ValidationError):
        check_dose(dose, unit)


def test_the_database_refuses_a_dose_out_of_bounds(county):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.MedicationDispensingFactory(person=county.patient, dose=Decimal(-1))


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("60 mg", (Decimal(60), "mg")),
        ("8,5 ml", (Decimal("8.5"), "ml")),
        ("1 resoriblett", (Decimal(1), "piece")),
        ("2 tabl.", (Decimal(2), "piece")),
        ("100 µg", (Decimal(100), "ug")),
        ("40 IE", (Decimal(40), "iu")),
        ("-1 mg", None),
        ("1000000000000000000000000000000 mg", None),
        ("en halv tablett", None),
        ("60 mg + 20 mg", None),
    ],
)
def test_the_migration_reads_a_dose_written_as_text(text, read):
    assert migration.read_dose(text) == read


def test_the_migration_moves_readable_doses_and_keeps_the_rest_as_written(county):
    readable = f.MedicationDispensingFactory(
        person=county.patient, dose=None, dose_unit="", earlier_amount="60 mg"
    )
    unreadable = f.MedicationDispensingFactory(
        person=county.patient, dose=None, dose_unit="", earlier_amount="en halv tablett"
    )
    migration.doses_from_text(apps, SimpleNamespace(connection=connection))
    readable.refresh_from_db()
    unreadable.refresh_from_db()
    assert (readable.dose, readable.dose_unit, readable.earlier_amount) == (Decimal(60), "mg", "")
    assert (unreadable.dose, unreadable.earlier_amount) == (None, "en halv tablett")
    assert unreadable.amount == "en halv tablett"
    migration.doses_to_text(apps, SimpleNamespace(connection=connection))
    readable.refresh_from_db()
    assert readable.earlier_amount == "60 mg"
