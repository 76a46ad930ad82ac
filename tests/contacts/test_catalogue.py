"""The intervention catalogue: seeded from the seeds, admin-editable, guideline priority 1–10."""

import pytest
from django.contrib import admin
from django.db import IntegrityError
from django.utils import translation

from helhet.access.models import RecordCategory
from helhet.contacts.models import Intervention

from .. import factories as f

SEEDED = {
    "medication_dispensing",
    "drug_test",
    "outpatient_detox",
    "motivational_interviewing",
    "health_talk",
    "individual_treatment",
    "group_treatment",
    "relapse_prevention",
    "laro",
    "medpro_steps_tapering",
    "relatives_support",
    "case_management",
    "housing_support",
    "employment_support",
    "sip_meeting",
}


def test_the_catalogue_is_seeded_with_the_fifteen_interventions_the_seeds_name(catalogue):
    assert set(catalogue) == SEEDED
    assert all(i.active and i.name and i.name_sv for i in catalogue.values())


def test_each_seeded_intervention_names_the_authority_that_typically_gives_it(catalogue):
    assert catalogue["housing_support"].authority == Intervention.Authority.MUNICIPALITY
    assert catalogue["relatives_support"].authority == Intervention.Authority.MUNICIPALITY
    assert catalogue["outpatient_detox"].authority == Intervention.Authority.REGION
    assert catalogue["sip_meeting"].authority == Intervention.Authority.BOTH


def test_medication_and_drug_tests_are_medication_records_the_rest_contacts(catalogue):
    medication = {c for c, i in catalogue.items() if i.category == RecordCategory.MEDICATION}
    assert medication == {"medication_dispensing", "drug_test", "laro", "medpro_steps_tapering"}


def test_laro_carries_priority_one_and_unknown_priorities_stay_empty(catalogue):
    assert catalogue["laro"].guideline_priority == 1
    assert catalogue["health_talk"].guideline_priority is None


@pytest.mark.django_db
def test_the_database_refuses_a_priority_outside_one_to_ten():
    with pytest.raises(IntegrityError):
        f.InterventionFactory(guideline_priority=11)


def test_the_name_follows_the_language(catalogue):
    with translation.override("sv"):
        assert str(catalogue["relatives_support"]) == "Anhörigstöd"
    with translation.override("en"):
        assert str(catalogue["relatives_support"]) == "Relatives' support"


def test_the_catalogue_is_reference_data_in_the_admin():
    assert admin.site.is_registered(Intervention)


def test_an_administrator_edits_the_catalogue_in_the_admin(client, county, catalogue):
    client.force_login(county.admin)
    url = f"/admin/contacts/intervention/{catalogue['health_talk'].pk}/change/"
    assert client.get(url).status_code == 200


def test_a_staff_member_without_admin_rights_cannot_open_the_catalogue_admin(client, county):
    client.force_login(county.nurse)
    response = client.get("/admin/contacts/intervention/")
    assert response.status_code == 302
