"""The intervention catalogue as the seeds name it (000 "Metoder i kontakt med enskild",
001 Bilaga 3, DOMAIN.md step 6). Admin-editable afterwards.

Guideline priority (Socialstyrelsen 2019, 1–10) is set only where it is certain: LARO (opioid
substitution with psychosocial support at opioid dependence) has priority 1. The other
interventions are either not ranked as such in the guidelines or ranked per substance and
condition (e.g. relapse prevention, motivational interviewing): left empty for the units to fill.
"""

from django.db import migrations

CONTACTS, MEDICATION = "contacts", "medication"
MUNICIPALITY, REGION, BOTH = "municipality", "region", "both"

CATALOGUE = [
    # code, English name, Swedish name, typically given by, priority, record category
    ("medication_dispensing", "Medication dispensing", "Disponering av läkemedel", REGION, None, MEDICATION),
    ("drug_test", "Drug test", "Provtagning (drogtest)", REGION, None, MEDICATION),
    ("outpatient_detox", "Outpatient detox", "Poliklinisk avgiftning", REGION, None, CONTACTS),
    ("motivational_interviewing", "Motivational interviewing", "Motiverande samtal (MI)", BOTH, None, CONTACTS),
    ("health_talk", "Health talk", "Hälsosamtal", REGION, None, CONTACTS),
    ("individual_treatment", "Individual treatment", "Individuell behandling", BOTH, None, CONTACTS),
    ("group_treatment", "Group treatment", "Gruppbehandling", BOTH, None, CONTACTS),
    ("relapse_prevention", "Relapse prevention", "Återfallsprevention", BOTH, None, CONTACTS),
    ("laro", "Opioid substitution treatment (LARO)", "Läkemedelsassisterad behandling vid opioidberoende (LARO)", REGION, 1, MEDICATION),
    ("medpro_steps_tapering", "Tapering at Medpro Steps", "Nedtrappning, Medpro Steps", REGION, None, MEDICATION),
    ("relatives_support", "Relatives' support", "Anhörigstöd", MUNICIPALITY, None, CONTACTS),
    ("case_management", "Case management", "Case management", BOTH, None, CONTACTS),
    ("housing_support", "Housing support", "Boendestöd", MUNICIPALITY, None, CONTACTS),
    ("employment_support", "Employment support", "Sysselsättning och arbetsstöd", MUNICIPALITY, None, CONTACTS),
    ("sip_meeting", "SIP meeting", "SIP-möte (samordnad individuell plan)", BOTH, None, CONTACTS),
]  # fmt: skip


def seed(apps, schema_editor):
    Intervention = apps.get_model("contacts", "Intervention")
    for code, name, name_sv, authority, priority, category in CATALOGUE:
        Intervention.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_sv": name_sv,
                "authority": authority,
                "guideline_priority": priority,
                "category": category,
            },
        )


def unseed(apps, schema_editor):
    Intervention = apps.get_model("contacts", "Intervention")
    Intervention.objects.filter(code__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
