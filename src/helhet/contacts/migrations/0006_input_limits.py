"""Input limits: a contact's note has a maximum length, and a dispensing's dose is a number and
a unit instead of a text.

The dose written as text ("60 mg", "8,5 ml", "1 resoriblett") is read into the number and the
unit; a text that cannot be read so is kept as it was written (`earlier_amount`), shown as
before, and its dose left empty (the check constraint allows that only with the text).
"""

import re
from decimal import Decimal, InvalidOperation

import django.core.validators
from django.db import migrations, models
from django.db.models import Q

import helhet.core.limits

MIN_DOSE, MAX_DOSE = Decimal("0.001"), Decimal(10_000)
UNITS = {
    "mg": "mg",
    "milligram": "mg",
    "µg": "ug",
    "μg": "ug",
    "ug": "ug",
    "mcg": "ug",
    "mikrogram": "ug",
    "g": "g",
    "gram": "g",
    "ml": "ml",
    "milliliter": "ml",
    "ie": "iu",
    "iu": "iu",
    "e": "iu",
    "st": "piece",
    "styck": "piece",
    "tablett": "piece",
    "tabletter": "piece",
    "tabl": "piece",
    "kapsel": "piece",
    "kapslar": "piece",
    "resoriblett": "piece",
    "resoribletter": "piece",
}
DOSE_TEXT = re.compile(r"^([0-9]{1,5}(?:[.,][0-9]{1,3})?)\s*([^\W\d_]+\.?)$")


def read_dose(text: str) -> tuple[Decimal, str] | None:
    """The number and unit of a dose written as TEXT, else None."""
    match = DOSE_TEXT.match(text.strip())
    if not match:
        return None
    unit = UNITS.get(match[2].rstrip(".").casefold())
    try:
        dose = Decimal(match[1].replace(",", "."))
    except InvalidOperation:
        return None
    if unit is None or not MIN_DOSE <= dose <= MAX_DOSE:
        return None
    return dose, unit


def doses_from_text(apps, schema_editor):
    Dispensing = apps.get_model("contacts", "MedicationDispensing")
    for dispensing in Dispensing.objects.only("earlier_amount").iterator(chunk_size=2000):
        read = read_dose(dispensing.earlier_amount)
        if read is not None:
            Dispensing.objects.filter(pk=dispensing.pk).update(
                dose=read[0], dose_unit=read[1], earlier_amount=""
            )


def doses_to_text(apps, schema_editor):
    Dispensing = apps.get_model("contacts", "MedicationDispensing")
    for dispensing in Dispensing.objects.filter(dose__isnull=False).iterator(chunk_size=2000):
        number = f"{dispensing.dose:f}".rstrip("0").rstrip(".")
        unit = "µg" if dispensing.dose_unit == "ug" else dispensing.dose_unit
        unit = "st" if unit == "piece" else "IE" if unit == "iu" else unit
        Dispensing.objects.filter(pk=dispensing.pk).update(earlier_amount=f"{number} {unit}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_contact_intervention_copies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contact",
            name="note",
            field=models.TextField(
                blank=True, max_length=helhet.core.limits.NOTE_LENGTH, verbose_name="note"
            ),
        ),
        migrations.RenameField(
            model_name="medicationdispensing", old_name="amount", new_name="earlier_amount"
        ),
        migrations.AlterField(
            model_name="medicationdispensing",
            name="earlier_amount",
            field=models.CharField(
                blank=True,
                help_text="A dose recorded as text before doses were a number and a unit.",
                max_length=200,
                verbose_name="dose as written",
            ),
        ),
        migrations.AddField(
            model_name="medicationdispensing",
            name="dose",
            field=models.DecimalField(
                decimal_places=3,
                max_digits=8,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(MIN_DOSE),
                    django.core.validators.MaxValueValidator(MAX_DOSE),
                ],
                verbose_name="dose",
            ),
        ),
        migrations.AddField(
            model_name="medicationdispensing",
            name="dose_unit",
            field=models.CharField(
                blank=True,
                choices=[
                    ("mg", "mg"),
                    ("ug", "µg"),
                    ("g", "g"),
                    ("ml", "ml"),
                    ("iu", "IU"),
                    ("piece", "pcs"),
                ],
                max_length=10,
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(doses_from_text, doses_to_text, elidable=False),
        migrations.AddConstraint(
            model_name="medicationdispensing",
            constraint=models.CheckConstraint(
                condition=Q(dose__isnull=True, earlier_amount__gt="")
                | Q(
                    dose__gte=MIN_DOSE,
                    dose__lte=MAX_DOSE,
                    dose_unit__in=["mg", "ug", "g", "ml", "iu", "piece"],
                ),
                name="dispensing_dose_in_range",
            ),
        ),
    ]
