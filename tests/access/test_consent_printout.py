"""The consent form the person signs (samtyckesblankett): the print page and the PDF, what is
on them, who may print them, and the log.

Emergency access may print (a read: emergency access is read-only, and reading is what it is
for); the access matrix has every kind of user in tests/test_access_matrix.py.
"""

import io
import sys

import pypdf
import pytest
from django.urls import reverse

from helhet.access.models import AccessLogEntry, Basis, ConsentRelative

from .. import factories as f
from ..people.utils import only_refused
from .conftest import log_in


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return words(" ".join(page.extract_text() for page in reader.pages))


def print_url(person, consent):
    return reverse("access:consent_print", args=[person.pk, consent.pk])


def pdf_url(person, consent):
    return reverse("access:consent_pdf", args=[person.pk, consent.pk])


@pytest.fixture
def consent(county, consent_for_coordination):
    """The coordination consent at the clinic (relatives and enrolment disclosed region →
    municipality), with what the relative may be told."""
    ConsentRelative.objects.create(
        consent=consent_for_coordination, relative=county.relative, may_be_told="Att jag mår bra."
    )
    return consent_for_coordination


@pytest.fixture
def other_person(county):
    """Another person at the clinic with a consent of their own."""
    person = f.PersonFactory(
        given_name="Elvira", family_name="Annansson", registered_by=county.nurse
    )
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
    return f.ConsentFactory(person=person, unit=county.clinic, recorded_by=county.nurse)


CONTENT = (
    "Tolvan Tolvansson",
    "19800517-",  # the identity number, formatted
    "Socialmedicinska mottagningen",
    "Region Testland may tell Testby kommun:",
    "that I am enrolled at the unit, and who works with me",
    "who my relatives are, and how they take part",
    "Anna Anhörig (Mother): Att jag mår bra.",
    "From 2026-01-15 until I withdraw it",
    "I may withdraw the consent, wholly or in part, at any time",
    "Signature of the person",
    "Signature of the staff member who took the consent",
)


def test_the_print_page_has_the_person_the_unit_the_directions_and_the_signature_lines(
    client, county, consent, other_person
):
    log_in(client, county.nurse, county.clinic)
    response = client.get(print_url(county.patient, consent))
    assert response.status_code == 200
    page = words(response.text)
    for expected in CONTENT:
        assert expected in page, expected
    assert "Testby kommun may tell" not in page  # nothing disclosed that way
    assert "what the staff write in my records" not in page  # notes are not disclosed
    assert "Signature of guardian" not in page  # an adult
    assert "Elvira" not in page and "Annansson" not in page


def test_the_pdf_has_the_same_content_and_no_other_persons_data(
    client, county, consent, other_person
):
    log_in(client, county.nurse, county.clinic)
    response = client.get(pdf_url(county.patient, consent))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"samtycke-{county.patient.pk}-{consent.pk}.pdf" in response["Content-Disposition"]
    text = pdf_text(response)
    for expected in CONTENT:
        assert expected in text, expected
    assert "Elvira" not in text and "Annansson" not in text


@pytest.mark.parametrize(
    "view, what", [("print", "consent printout"), ("pdf", "consent pdf")], ids=["page", "pdf"]
)
def test_printing_writes_one_read_row_on_the_readers_basis(client, county, consent, view, what):
    log_in(client, county.social_worker, county.clinic)
    url = (print_url if view == "print" else pdf_url)(county.patient, consent)
    assert client.get(url).status_code == 200
    [row] = AccessLogEntry.objects.filter(person=county.patient)
    assert (row.action, row.what, row.basis, row.consent_id, row.user_id) == (
        "read",
        what,
        Basis.CONSENT,
        consent.pk,
        county.social_worker.pk,
    )


@pytest.mark.parametrize("view", [print_url, pdf_url], ids=["page", "pdf"])
def test_staff_of_another_unit_without_relationship_get_not_found(client, county, consent, view):
    log_in(client, county.outsider)
    assert client.get(view(county.patient, consent)).status_code == 404
    assert only_refused(AccessLogEntry.objects.all())


@pytest.mark.parametrize("view", [print_url, pdf_url], ids=["page", "pdf"])
def test_the_social_worker_without_the_consent_gets_not_found(client, county, view):
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    log_in(client, county.social_worker, county.clinic)
    assert client.get(view(county.patient, consent)).status_code == 404


def test_another_persons_consent_under_this_persons_url_is_not_found(
    client, county, consent, other_person
):
    log_in(client, county.nurse, county.clinic)
    assert client.get(print_url(county.patient, other_person)).status_code == 404
    assert client.get(pdf_url(county.patient, other_person)).status_code == 404


def test_emergency_access_may_print_and_is_logged_as_such(client, county, consent):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    assert client.get(print_url(county.patient, consent)).status_code == 200
    [row] = AccessLogEntry.objects.filter(person=county.patient)
    assert (row.basis, row.emergency, row.what) == (Basis.EMERGENCY, True, "consent printout")


def test_a_protected_persons_contact_details_are_not_on_the_printout(client, county, consent):
    patient = county.patient
    patient.protected_identity, patient.address, patient.phone = True, "Hemliga vägen 7", "073-1"
    patient.save()
    log_in(client, county.coordinator, county.clinic)  # who may see the details elsewhere
    page = client.get(print_url(patient, consent)).text
    text = pdf_text(client.get(pdf_url(patient, consent)))
    for secret in ("Hemliga vägen 7", "073-1", "Teststad", "123 45"):
        assert secret not in page and secret not in text


def test_a_minors_consent_given_by_both_guardians_has_two_guardian_lines(client, county, minor):
    consent = f.ConsentFactory(
        person=minor,
        unit=county.other_unit,
        recorded_by=county.outsider,
        given_by="guardians",
        guardian_names="Kim och Alex Testsson",
    )
    log_in(client, county.outsider, county.other_unit)
    page = client.get(print_url(minor, consent)).text
    assert page.count("Signature of guardian") == 2
    assert "Kim och Alex Testsson" in page


def test_without_weasyprint_the_pdf_link_offers_the_print_page(
    client, county, consent, monkeypatch
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    log_in(client, county.nurse, county.clinic)
    response = client.get(pdf_url(county.patient, consent))
    assert response.status_code == 503
    assert print_url(county.patient, consent) in response.text
