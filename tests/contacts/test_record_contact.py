"""Recording one contact: the action's rules, the page, and bad input that saves nothing."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from helhet.access import policy
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Basis
from helhet.contacts import actions
from helhet.contacts.models import Contact, ContactIntervention

from .. import factories as f
from ..people.utils import log_in, log_rows


def access_of(user, person, unit):
    request = RequestFactory().get("/")
    request.user, request.memberships = user, list(user.memberships.all())
    request.unit = unit
    return policy.person_access(request, person.pk)


def record(county, user=None, **kwargs):
    user = user or county.nurse
    access = access_of(user, county.patient, county.clinic)
    defaults = {
        "kind": Contact.Kind.VISIT,
        "starts_at": timezone.now() - datetime.timedelta(hours=1),
        "duration_minutes": 45,
    }
    return actions.contact_record(
        actor=Actor(user, county.clinic, "req-1"), access=access, **(defaults | kwargs)
    )


def test_the_nurse_records_a_visit_owned_by_the_region_with_herself_as_staff(county, catalogue):
    contact = record(county, interventions=[catalogue["health_talk"]], note="Mår bättre.")
    assert (contact.organisation, contact.unit, contact.episode) == (
        county.region,
        county.clinic,
        county.episode,
    )
    assert list(contact.staff.all()) == [county.nurse]
    assert list(contact.interventions.all()) == [catalogue["health_talk"]]
    [row] = log_rows(county.patient)
    assert (row.action, row.basis) == ("create", Basis.OWN_ORGANISATION)


def test_each_intervention_link_copies_the_contacts_unit_person_time_and_attendance(
    county, catalogue
):
    """The follow-up counts interventions from the links alone: their copies must match."""
    contact = record(
        county,
        attended=False,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        interventions=[catalogue["health_talk"], catalogue["drug_test"]],
    )
    links = ContactIntervention.objects.filter(contact=contact)
    assert (
        sorted(links.values_list("unit", "person", "starts_at", "attended"))
        == [(county.clinic.pk, county.patient.pk, contact.starts_at, False)] * 2
    )


def test_a_no_show_is_recorded_as_not_attended(county):
    contact = record(county, attended=False, duration_minutes=None)
    assert contact.attended is False and contact.duration_minutes is None


def test_several_staff_of_the_unit_may_share_a_contact(county):
    contact = record(county, staff=[county.nurse, county.social_worker])
    assert set(contact.staff.all()) == {county.nurse, county.social_worker}


def test_staff_from_another_unit_cannot_be_named(county):
    with pytest.raises(ValidationError) as error:
        record(county, staff=[county.outsider])
    assert "staff" in error.value.message_dict
    assert not Contact.objects.exists() and log_rows(county.patient) == []


def test_a_contact_in_the_future_is_refused_and_nothing_is_saved(county):
    with pytest.raises(ValidationError) as error:
        record(county, starts_at=timezone.now() + datetime.timedelta(hours=2))
    assert error.value.message_dict["starts_at"] == ["The date and time lie in the future."]
    assert not Contact.objects.exists() and log_rows(county.patient) == []


def test_a_contact_before_the_episode_opened_is_refused(county):
    with pytest.raises(ValidationError) as error:
        record(county, starts_at=timezone.make_aware(datetime.datetime(2025, 12, 1, 10)))
    assert "before the episode" in error.value.message_dict["starts_at"][0]


def test_an_intervention_taken_out_of_the_catalogue_is_refused(county, catalogue):
    retired = catalogue["group_treatment"]
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        record(county, interventions=[retired])
    assert "catalogue" in error.value.message_dict["interventions"][0]
    assert not Contact.objects.exists()


def test_an_unknown_intervention_id_is_refused(county):
    with pytest.raises(ValidationError):
        record(county, interventions=[999_999])
    assert not Contact.objects.exists()


def test_the_social_worker_under_consent_records_a_contact_owned_by_the_municipality(
    county, consent_for_coordination
):
    contact = record(county, user=county.social_worker)
    assert contact.organisation == county.municipality
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_a_user_without_a_relationship_at_the_active_unit_cannot_record(county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    access = access_of(county.outsider, county.patient, county.other_unit)
    with pytest.raises(ValidationError):
        actions.contact_record(
            actor=Actor(county.outsider, county.other_unit),
            access=access,
            kind=Contact.Kind.VISIT,
            starts_at=timezone.now(),
        )
    assert not Contact.objects.exists()


# --- The intake hook ------------------------------------------------------------------------


def test_the_first_attended_contact_tells_intake_and_later_ones_do_not(county):
    with mock.patch("helhet.contacts.actions.note_first_contact") as hook:
        first = record(county)
        record(county, starts_at=timezone.now() - datetime.timedelta(minutes=5))
    hook.assert_called_once_with(
        person=county.patient, unit=county.clinic, on=timezone.localdate(first.starts_at)
    )


def test_a_no_show_is_not_a_first_contact(county):
    with mock.patch("helhet.contacts.actions.note_first_contact") as hook:
        record(county, attended=False)
    hook.assert_not_called()


def test_the_hook_is_skipped_quietly_when_intake_does_not_offer_it(county):
    with mock.patch(
        "importlib.import_module", side_effect=ModuleNotFoundError(name="helhet.intake.actions")
    ):
        actions.note_first_contact(
            person=county.patient, unit=county.clinic, on=timezone.localdate()
        )


def test_the_hook_reaches_the_intake_app_when_it_offers_one(county):
    with mock.patch("helhet.intake.actions.note_first_contact", create=True) as hook:
        record(county)
    hook.assert_called_once()


# --- The page -------------------------------------------------------------------------------


def new_url(county):
    return reverse("contacts:new", args=[county.patient.pk])


def form_data(county, **overrides):
    when = timezone.localtime() - datetime.timedelta(hours=1)
    return {
        "kind": "visit",
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "attended": "on",
        "staff": [str(county.nurse.pk)],
        "note": "",
    } | overrides


def test_the_form_offers_the_units_staff_and_the_catalogue_grouped_by_authority(
    client, county, catalogue
):
    text = log_in(client, county.nurse, county.clinic).get(new_url(county)).text
    assert "<legend>Municipality (social services)</legend>" in text
    assert "Opioid substitution treatment (LARO) (1)" in text
    assert f'<option value="{county.social_worker.pk}"' in text
    assert f'<option value="{county.outsider.pk}"' not in text
    [row] = log_rows(county.patient)
    assert (row.action, row.what) == ("read", "contact form")


def test_the_nurse_records_a_contact_on_the_page(client, county, catalogue):
    log_in(client, county.nurse, county.clinic)
    data = form_data(county, interventions=[str(catalogue["drug_test"].pk)])
    response = client.post(new_url(county), data)
    assert response.status_code == 302
    assert response.url == reverse("contacts:list", args=[county.patient.pk])
    contact = Contact.objects.get()
    assert list(contact.interventions.all()) == [catalogue["drug_test"]]
    assert [r.action for r in log_rows(county.patient)] == ["create"]


def test_a_future_date_on_the_page_re_renders_with_the_message_and_saves_nothing(client, county):
    log_in(client, county.nurse, county.clinic)
    later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(new_url(county), form_data(county, starts_at=later))
    assert response.status_code == 200
    assert "The date and time lie in the future." in response.text
    assert not Contact.objects.exists()
    assert [r.action for r in log_rows(county.patient)] == ["read"]


def test_an_intervention_not_in_the_catalogue_on_the_page_is_named_as_such(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(new_url(county), form_data(county, interventions=["424242"]))
    assert response.status_code == 200
    assert "424242 is not an intervention in the catalogue." in response.text
    assert not Contact.objects.exists()


def test_the_social_worker_without_consent_cannot_post_a_contact(client, county):
    log_in(client, county.social_worker, county.clinic)
    before = AccessLogEntry.objects.count()
    response = client.post(new_url(county), form_data(county, staff=[county.social_worker.pk]))
    assert response.status_code == 404
    assert (
        not Contact.objects.exists()
        and AccessLogEntry.objects.exclude(action="refused").count() == before
    )


def test_the_outsider_under_emergency_access_cannot_post_a_contact(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    log_in(client, county.outsider)
    response = client.post(new_url(county), form_data(county, staff=[county.outsider.pk]))
    assert response.status_code == 404 and not Contact.objects.exists()


@pytest.mark.parametrize("field", ["staff", "interventions"])
def test_a_huge_id_in_a_multi_select_re_renders_the_form_and_saves_nothing(client, county, field):
    data = {"kind": "visit", "starts_at": "2026-01-20T10:00", "staff": [county.nurse.pk]}
    data[field] = ["9" * 30]
    log_in(client, county.nurse, county.clinic)
    response = client.post(reverse("contacts:new", args=[county.patient.pk]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Contact.objects.exists()
