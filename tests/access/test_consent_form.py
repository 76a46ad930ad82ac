"""The consent form people can fill in: only the directions that apply to the person at the
unit, the presets, and the guardian fields for minors only.

The clinic here is run by the region and two municipalities: Testby kommun (the patient's home
municipality) and Grannby kommun, which has nothing to do with the patient.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.consent_scope import COORDINATION_CATEGORIES
from helhet.access.models import AccessLogEntry, Consent, ConsentDisclosure
from helhet.core.models import Membership, Organisation, User

from .. import factories as f
from .conftest import log_in

TODAY = timezone.localdate


@pytest.fixture
def grannby(county):
    """A second municipality running the clinic, where the patient does not live."""
    organisation = f.OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY,
        name="Grannby kommun",
        municipality=f.MunicipalityFactory(code="9902", name="Grannby"),
    )
    county.clinic.organisations.add(organisation)
    return organisation


def url(person):
    return reverse("access:consent_new", args=[person.pk])


def field(source, target) -> str:
    return f"disclose_{source.pk}_{target.pk}"


def post(client, person, **data):
    base = {"form": "written", "valid_from": TODAY().isoformat()}
    return client.post(url(person), base | data)


def saved_disclosures() -> set[tuple[int, int, str]]:
    return set(
        ConsentDisclosure.objects.values_list("from_organisation", "to_organisation", "category")
    )


# --- Directions --------------------------------------------------------------------------------


def test_the_form_offers_only_the_directions_between_the_region_and_the_home_municipality(
    client, county, grannby
):
    log_in(client, county.nurse, county.clinic)
    page = client.get(url(county.patient)).text
    region, home = county.region, county.municipality
    assert f'name="{field(region, home)}"' in page
    assert f'name="{field(home, region)}"' in page
    assert "Grannby kommun" not in page
    assert f'name="{field(region, grannby)}"' not in page


def test_a_direction_that_does_not_apply_posted_by_hand_is_refused_and_nothing_is_saved(
    client, county, grannby
):
    log_in(client, county.nurse, county.clinic)
    response = post(
        client,
        county.patient,
        preset="choose",
        coordination="on",
        **{field(county.region, grannby): ["notes"]},
    )
    assert response.status_code == 200
    assert (
        "A disclosure from Region Testland to Grannby kommun does not apply to this person at "
        "Socialmedicinska mottagningen" in response.text
    )
    assert not Consent.objects.exists() and not ConsentDisclosure.objects.exists()
    assert [r.action for r in AccessLogEntry.objects.all()] == ["read"]


def test_a_direction_that_does_not_apply_is_refused_under_a_preset_too(client, county, grannby):
    log_in(client, county.nurse, county.clinic)
    response = post(
        client, county.patient, preset="coordination", **{field(grannby, county.region): ["plans"]}
    )
    assert "does not apply to this person" in response.text
    assert not Consent.objects.exists()


def test_an_unreadable_direction_posted_by_hand_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    response = post(client, county.patient, preset="choose", coordination="on", disclose_x_1=["x"])
    assert "A disclosure must go from one organisation running the unit" in response.text
    assert not Consent.objects.exists()


def test_the_same_post_in_a_direction_that_applies_is_saved(client, county, grannby):
    """The control for the refusals above."""
    log_in(client, county.nurse, county.clinic)
    response = post(
        client, county.patient, preset="choose", **{field(county.region, county.municipality): []}
    )
    assert response.status_code == 200  # nothing chosen: the consent covers nothing
    response = post(
        client,
        county.patient,
        preset="choose",
        **{field(county.region, county.municipality): ["notes"]},
    )
    assert response.status_code == 302
    assert saved_disclosures() == {(county.region.pk, county.municipality.pk, "notes")}


def test_without_a_home_municipality_each_municipality_may_apply_but_never_between_two(
    client, county, grannby
):
    county.patient.municipality = None
    county.patient.save()
    log_in(client, county.nurse, county.clinic)
    page = client.get(url(county.patient)).text
    region, home = county.region, county.municipality
    for source, target in ((region, home), (home, region), (region, grannby), (grannby, region)):
        assert f'name="{field(source, target)}"' in page
    assert f'name="{field(home, grannby)}"' not in page
    assert f'name="{field(grannby, home)}"' not in page


def test_a_municipality_holding_the_persons_episode_at_the_unit_is_involved(
    client, county, grannby
):
    """Enrolled by Grannby, home municipality unknown: the region and Grannby, not Testby."""
    worker = f.UserFactory(
        username="grannby_worker", organisation=grannby, profession=User.Profession.SOCIAL_WORKER
    )
    f.MembershipFactory(user=worker, unit=county.clinic, role=Membership.Role.STAFF)
    person = f.PersonFactory(registered_by=worker)
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=worker)
    log_in(client, worker, county.clinic)
    page = client.get(url(person)).text
    assert f'name="{field(grannby, county.region)}"' in page
    assert f'name="{field(county.region, grannby)}"' in page
    assert "Testby kommun" not in page


# --- Presets -----------------------------------------------------------------------------------


def test_everything_needed_for_coordination_saves_coordination_and_all_but_notes_both_ways(
    client, county, grannby
):
    log_in(client, county.nurse, county.clinic)
    assert post(client, county.patient, preset="coordination").status_code == 302
    consent = Consent.objects.get()
    assert consent.coordination
    region, home = county.region.pk, county.municipality.pk
    assert saved_disclosures() == {
        (source, target, category)
        for source, target in ((region, home), (home, region))
        for category in COORDINATION_CATEGORIES
    }
    assert "notes" not in COORDINATION_CATEGORIES and len(COORDINATION_CATEGORIES) == 6


def test_nothing_but_coordination_saves_coordination_and_no_disclosure(client, county):
    log_in(client, county.nurse, county.clinic)
    assert post(client, county.patient, preset="coordination_only").status_code == 302
    assert Consent.objects.get().coordination
    assert not ConsentDisclosure.objects.exists()


def test_a_preset_wins_over_the_boxes_ticked_in_the_grid(client, county):
    """Without JavaScript the grid is always shown: its boxes count only with "choose"."""
    log_in(client, county.nurse, county.clinic)
    response = post(
        client,
        county.patient,
        preset="coordination_only",
        **{field(county.region, county.municipality): ["notes", "plans"]},
    )
    assert response.status_code == 302
    assert not ConsentDisclosure.objects.exists()


def test_choose_myself_saves_what_is_ticked_and_no_coordination_unless_ticked(client, county):
    log_in(client, county.nurse, county.clinic)
    data = {field(county.municipality, county.region): ["contacts", "plans"]}
    assert post(client, county.patient, preset="choose", **data).status_code == 302
    assert not Consent.objects.get().coordination
    home, region = county.municipality.pk, county.region.pk
    assert saved_disclosures() == {(home, region, "contacts"), (home, region, "plans")}


def test_a_consent_without_a_choice_of_preset_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    response = post(client, county.patient, coordination="on")
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Consent.objects.exists()


def test_the_form_has_the_presets_as_radio_buttons_and_a_fieldset_per_direction(client, county):
    log_in(client, county.nurse, county.clinic)
    page = client.get(url(county.patient)).text
    for preset in ("coordination", "coordination_only", "choose"):
        assert f'type="radio" name="preset" value="{preset}"' in page
    assert "<legend>From Region Testland to Testby kommun</legend>" in page
    assert "<legend>From Testby kommun to Region Testland</legend>" in page
    assert 'id="consent-choices"' in page and "access/consent_form.js" in page


# --- Guardian fields -----------------------------------------------------------------------------

GUARDIAN_FIELDS = ('name="given_by"', 'name="guardian_names"', 'name="maturity_note"')


def test_an_adults_form_has_no_guardian_fields(client, county):
    log_in(client, county.nurse, county.clinic)
    page = client.get(url(county.patient)).text
    assert not any(name in page for name in GUARDIAN_FIELDS)
    assert "The person is an adult and gives the consent themselves." in page


def test_a_minors_form_has_the_guardian_fields(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    page = client.get(url(minor)).text
    assert all(name in page for name in GUARDIAN_FIELDS)


@pytest.mark.parametrize(
    "posted",
    [
        {"given_by": "guardians"},
        {"guardian_names": "Kim Testsson"},
        {"maturity_note": "Mature."},
        {"given_by": "mature_minor", "maturity_note": "Mature."},
    ],
)
def test_guardian_fields_posted_for_an_adult_are_refused(client, county, posted):
    log_in(client, county.nurse, county.clinic)
    response = post(client, county.patient, preset="coordination_only", **posted)
    assert response.status_code == 200
    assert "gives it themselves: no guardian and no assessment of maturity" in response.text
    assert not Consent.objects.exists()


def test_a_minor_who_is_18_on_the_first_day_of_the_consent_gives_it_as_an_adult(client, county):
    today = TODAY()
    eighteen_soon = today.replace(year=today.year - 18) + datetime.timedelta(days=10)
    person = f.PersonFactory(birth_date=eighteen_soon, registered_by=county.nurse)
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    assert 'name="guardian_names"' in client.get(url(person)).text  # a minor today
    first_day = (today + datetime.timedelta(days=11)).isoformat()
    response = client.post(
        url(person), {"form": "oral", "preset": "coordination_only", "valid_from": first_day}
    )
    assert response.status_code == 302
    assert Consent.objects.get(person=person).given_by == "person"


def test_at_a_unit_of_one_organisation_no_direction_is_offered(client, county):
    county.clinic.organisations.remove(county.municipality)
    log_in(client, county.nurse, county.clinic)
    page = client.get(url(county.patient)).text
    assert 'name="disclose_' not in page
    assert "No disclosure applies to this person at this unit" in page
    assert post(client, county.patient, preset="coordination").status_code == 302
    assert Consent.objects.get().coordination and not ConsentDisclosure.objects.exists()
