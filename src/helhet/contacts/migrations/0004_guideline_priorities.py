"""Guideline priorities of the catalogue's interventions (Socialstyrelsen, Nationella riktlinjer
för vård och stöd vid missbruk och beroende, 2019; 1 highest, 1–3 "should offer").

The guidelines rank an intervention for a condition, not as such. A catalogue item gets the
priority of the recommendation it corresponds to where that correspondence is clear:

- relapse_prevention: 2, "KBT eller återfallsprevention" at alcohol dependence (its cost per
  effect is said to be worse than motivational enhancement therapy's, which ranks above it);
- case_management: 3, case management in integrated or collaborating teams on the ACT model at
  substance use with severe mental illness (the ACT team's target group; seed 001).

Left empty, since no recommendation corresponds to the item as the catalogue names it:
motivational interviewing (the guidelines rank MET, a manual-based treatment built on it, not
MI as such), individual and group treatment (the form, not a method), housing support
("Boendestöd" is not "Bostad först"), employment support (not IPS), relatives' support, health
talk, outpatient detox, the Medpro Steps tapering, drug tests, dispensing and the SIP meeting.
LARO (1) is set by 0002. The units may refine these in the admin.
"""

from django.db import migrations

PRIORITIES = {"relapse_prevention": 2, "case_management": 3}


def set_priorities(apps, schema_editor):
    Intervention = apps.get_model("contacts", "Intervention")
    for code, priority in PRIORITIES.items():
        Intervention.objects.filter(code=code).update(guideline_priority=priority)


def clear_priorities(apps, schema_editor):
    Intervention = apps.get_model("contacts", "Intervention")
    Intervention.objects.filter(code__in=PRIORITIES).update(guideline_priority=None)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0003_contact_relative")]

    operations = [migrations.RunPython(set_priorities, clear_priorities)]
