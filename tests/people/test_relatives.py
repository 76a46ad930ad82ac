"""Recording a relative: owned by the recorder's organisation, write access needed."""

from django.urls import reverse

from helhet.people.models import Relative

from .. import factories as f
from .utils import log_in, log_rows

DATA = {
    "name": "Bo Bror",
    "relation": "Brother",
    "phone": "070-111",
    "email": "",
    "involved": "on",
    "secrecy_requested": "on",
}


def url(person):
    return reverse("people:relative_add", args=[person.pk])


def test_nurse_records_a_relative_owned_by_the_region(client, county):
    response = log_in(client, county.nurse).post(url(county.patient), DATA)
    assert response.status_code == 302
    relative = Relative.objects.get(name="Bo Bror")
    assert relative.organisation == county.region
    assert relative.involved and relative.secrecy_requested
    assert [r.action for r in log_rows(county.patient)] == ["create"]


def test_a_relative_without_a_name_is_refused_and_the_form_logs_one_read(client, county):
    response = log_in(client, county.nurse).post(url(county.patient), {**DATA, "name": ""})
    assert response.status_code == 200 and "This field is required" in response.text
    assert not Relative.objects.filter(relation="Brother").exists()
    assert [r.action for r in log_rows(county.patient)] == ["read"]


def test_social_worker_without_consent_cannot_record_a_relative(client, county):
    response = log_in(client, county.social_worker).post(url(county.patient), DATA)
    assert response.status_code == 404
    assert not Relative.objects.filter(name="Bo Bror").exists()


def test_emergency_access_is_read_only(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    log_in(client, county.outsider)
    assert client.get(url(county.patient)).status_code == 404
    assert client.post(url(county.patient), DATA).status_code == 404


def test_a_secret_relative_who_may_be_told_something_is_refused_in_swedish(client, county):
    log_in(client, county.nurse).cookies["django_language"] = "sv"
    response = client.post(url(county.patient), {**DATA, "may_be_told": "Allt"})
    assert response.status_code == 200
    assert "Personen begär sekretess mot den här anhörige" in response.text
    assert not Relative.objects.filter(name="Bo Bror").exists()


def test_a_relative_without_secrecy_may_be_told_something(client, county):
    data = {**DATA, "secrecy_requested": "", "may_be_told": "Allt"}
    assert log_in(client, county.nurse).post(url(county.patient), data).status_code == 302
    assert Relative.objects.get(name="Bo Bror").may_be_told == "Allt"
