"""Treatment plans: each organisation's own plan at the unit, versioned; read across
organisations only under a consent that discloses plans."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import Basis
from helhet.plans import actions
from helhet.plans.models import PlanItem, PlanVersion, TreatmentPlan

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import access_of, disclose, save_sip

REVIEW = timezone.localdate() + datetime.timedelta(days=90)


def save_plan(county, user=None, **overrides):
    user = user or county.nurse
    data = {
        "goals": "Jag vill sova bättre och dricka mindre.",
        "review_on": REVIEW,
        "items": [
            {"description": "Återfallsprevention", "responsible": county.nurse},
            {"description": "Boendestöd", "responsible": county.social_worker},
        ],
    }
    return actions.plan_save(
        actor=Actor(user, county.clinic, "req-3"),
        access=access_of(user, county.patient, county.clinic),
        **(data | overrides),
    )


def test_the_nurse_saves_the_regions_plan_as_version_one(county):
    version = save_plan(county)
    assert (version.number, version.organisation, version.plan.organisation) == (
        1,
        county.region,
        county.region,
    )
    assert [(i.description, i.responsible) for i in version.items.all()] == [
        ("Återfallsprevention", county.nurse),
        ("Boendestöd", county.social_worker),
    ]
    [row] = log_rows(county.patient)
    assert (row.action, row.basis) == ("create", Basis.OWN_ORGANISATION)
    assert row.what == "treatment plan saved: Socialmedicinska mottagningen, version 1"


def test_editing_makes_a_new_version_and_keeps_the_old(county):
    first = save_plan(county)
    second = save_plan(county, goals="Jag vill börja arbeta.")
    assert second.number == 2 and second.plan_id == first.plan_id
    first.refresh_from_db()
    assert first.goals == "Jag vill sova bättre och dricka mindre."


def test_each_organisation_keeps_its_own_plan(county, consent_for_coordination):
    save_plan(county)
    theirs = save_plan(county, user=county.social_worker)
    assert theirs.number == 1 and theirs.plan.organisation == county.municipality
    assert TreatmentPlan.objects.count() == 2


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"goals": "  "}, "goals"),
        ({"review_on": timezone.localdate() - datetime.timedelta(days=1)}, "review_on"),
        ({"items": []}, None),
        ({"items": [{"description": "", "responsible": None, "intervention": None}]}, None),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(county, overrides, field):
    with pytest.raises(ValidationError) as error:
        save_plan(county, **overrides)
    if field:
        assert field in error.value.message_dict
    assert not TreatmentPlan.objects.exists() and not PlanItem.objects.exists()
    assert log_rows(county.patient) == []


def test_the_responsible_staff_member_works_at_the_unit(county):
    with pytest.raises(ValidationError):
        save_plan(county, items=[{"description": "Samtal", "responsible": county.outsider}])
    assert not PlanVersion.objects.exists()


# --- Pages --------------------------------------------------------------------------------


def plan_form(**overrides):
    data = {
        "version": "0",
        "goals": "Jag vill må bättre.",
        "review_on": REVIEW.isoformat(),
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Motiverande samtal",
        "items-1-description": "",
    }
    return data | overrides


def test_the_plan_form_saves_and_the_plans_page_shows_it(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    assert client.post(url, plan_form()).status_code == 302
    text = client.get(reverse("plans:plans", args=[county.patient.pk])).text
    assert "Jag vill må bättre." in text and "Motiverande samtal" in text


def test_the_plan_form_with_a_past_review_date_says_so_and_saves_nothing(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    response = client.post(url, plan_form(review_on="2020-01-01"))
    assert response.status_code == 200 and "today or later" in response.text
    assert not PlanVersion.objects.exists()


def test_an_earlier_plan_version_stays_readable(client, county):
    first = save_plan(county, goals="Gamla målet.")
    save_plan(county, goals="Nya målet.")
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plans", args=[county.patient.pk])
    assert "Nya målet." in client.get(url).text
    assert "Gamla målet." in client.get(url, {"version": first.pk}).text


def test_the_regions_plan_is_not_shown_to_the_municipality_without_a_plans_disclosure(
    client, county, consent_for_coordination
):
    save_plan(county)
    log_in(client, county.social_worker, county.clinic)
    url = reverse("plans:plans", args=[county.patient.pk])
    assert "Återfallsprevention" not in client.get(url).text


def test_with_a_plans_disclosure_the_municipality_reads_it_logged_under_the_consent(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "plans", both_ways=False)
    save_plan(county)
    log_in(client, county.social_worker, county.clinic)
    before = len(log_rows(county.patient))
    assert (
        "Återfallsprevention" in client.get(reverse("plans:plans", args=[county.patient.pk])).text
    )
    [row] = log_rows(county.patient)[before:]
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_plans_page_reads_a_fixed_number_of_queries(
    client, county, django_assert_max_num_queries
):
    log_in(client, county.nurse, county.clinic)
    save_plan(county)
    url = reverse("plans:plans", args=[county.patient.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _ in range(5):
        save_plan(county)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# --- Emergency access: read-only ----------------------------------------------------------


def test_emergency_access_reads_the_sip_but_offers_no_writing(client, county):
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    assert consent
    save_sip(county)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider, county.other_unit)
    text = client.get(reverse("plans:sip", args=[county.patient.pk])).text
    assert "Abstinensbehandling" in text
    assert reverse("plans:sip_new", args=[county.patient.pk]) not in text
    assert client.get(reverse("plans:sip_new", args=[county.patient.pk])).status_code == 404
