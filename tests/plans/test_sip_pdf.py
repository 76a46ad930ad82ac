"""The SIP as a PDF: its content, who may download it, the log, and the renderer's fences
(helhet.core.pdf: static files only, no network, inline SVG, a clear page without WeasyPrint)."""

import io
import socket
import sys

import pypdf
import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from helhet.access.models import Basis
from helhet.core import pdf

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from .conftest import save_sip
from .test_sip_actions import record_meeting

CONSENT_NEEDED = "A SIP needs the person's consent"
BASE = "http://testserver/"


def pdf_url(county, version=None):
    url = reverse("plans:sip_pdf", args=[county.patient.pk])
    return url if version is None else f"{url}?version={version.pk}"


def words(text: str) -> str:
    """TEXT with each run of white space as one space: table cells wrap with the names' lengths."""
    return " ".join(text.split())


def text_of(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return words(" ".join(page.extract_text() for page in reader.pages))


def catalog_of(response):
    return pypdf.PdfReader(io.BytesIO(response.content)).trailer["/Root"]


# --- The document -------------------------------------------------------------------------


def test_the_pdf_has_the_person_the_four_elements_the_agreement_and_the_meetings(
    client, county, coordination
):
    version = save_sip(county, relatives=[county.relative], other_participants="Lena Lots")
    record_meeting(county, minutes="Planen gicks igenom.")
    log_in(client, county.nurse, county.clinic)
    response = client.get(pdf_url(county, version))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = text_of(response)
    for expected in (
        "Tolvan Tolvansson",
        county.patient.formatted_identity_number,
        "Testby kommun",  # the authority with overall responsibility
        "Att få ett eget boende.",
        "Abstinensbehandling",
        "Försäkringskassan",
        "2026-02-01",  # the person's agreement
        "Anna Anhörig",  # the participants
        "Lena Lots",
        "Planen gicks igenom.",  # the meeting
    ):
        assert expected in text, expected
    assert f"Version {version.number}, " in text


def test_every_page_has_the_person_in_its_header_and_page_x_of_y_and_the_date_at_its_foot(
    client, county, coordination
):
    interventions = [
        {"description": f"Insats {n}", "responsible_organisation": county.region} for n in range(60)
    ]
    version = save_sip(county, interventions=interventions)
    log_in(client, county.nurse, county.clinic)
    reader = pypdf.PdfReader(io.BytesIO(client.get(pdf_url(county, version)).content))
    pages = [words(page.extract_text()) for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Tolvan Tolvansson, {county.patient.formatted_identity_number}" in text
        assert f"Page {number} of {len(pages)}" in text
        assert "Printed 20" in text


def test_the_pdf_is_a_tagged_download_with_title_and_language_and_no_cache(
    client, county, coordination
):
    version = save_sip(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(pdf_url(county, version))
    assert response["Content-Disposition"] == (
        f'attachment; filename="sip-{county.patient.pk}-version-{version.number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    catalog = catalog_of(response)
    assert catalog["/Lang"] == "en" and catalog["/MarkInfo"]["/Marked"]
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "SIP for Tolvan Tolvansson"


def test_in_swedish_the_pdf_says_its_language_is_swedish(client, county, coordination):
    version = save_sip(county)
    log_in(client, county.nurse, county.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert catalog_of(client.get(pdf_url(county, version)))["/Lang"] == "sv"


def test_an_earlier_version_is_printed_when_asked_for(client, county, coordination):
    first = save_sip(county, goal="Första målet.")
    save_sip(county, goal="Andra målet.")
    log_in(client, county.nurse, county.clinic)
    text = text_of(client.get(pdf_url(county, first)))
    assert "Första målet." in text and "Andra målet." not in text


def test_the_pdf_is_logged_once_as_a_sip_pdf(client, county, coordination):
    version = save_sip(county)
    log_in(client, county.nurse, county.clinic)
    before = len(log_rows(county.patient))
    client.get(pdf_url(county, version))
    [row] = log_rows(county.patient)[before:]
    assert (row.what, row.basis, row.user) == ("sip pdf", Basis.OWN_ORGANISATION, county.nurse)


def test_without_consent_there_is_no_pdf_and_the_print_page_says_why(client, county, coordination):
    save_sip(county)
    coordination.withdrawn_on = coordination.valid_from
    coordination.save()
    log_in(client, county.nurse, county.clinic)
    response = client.get(pdf_url(county))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert CONSENT_NEEDED in response.text and "Abstinensbehandling" not in response.text
    assert "Download as PDF" not in response.text


def test_the_sip_page_and_the_print_page_link_to_the_pdf(client, county, coordination):
    version = save_sip(county)
    log_in(client, county.nurse, county.clinic)
    link = pdf_url(county, version)
    assert link in client.get(reverse("plans:sip", args=[county.patient.pk])).text
    printout = client.get(reverse("plans:sip_print", args=[county.patient.pk]))
    assert link in printout.text and "Download as PDF" in printout.text


# --- Who may ------------------------------------------------------------------------------


def test_the_social_worker_without_consent_gets_no_pdf(client, county, coordination):
    version = save_sip(county)
    coordination.withdrawn_on = coordination.valid_from
    coordination.save()
    log_in(client, county.social_worker, county.clinic)
    assert client.get(pdf_url(county, version)).status_code == 404
    assert client.get(pdf_url(county)).status_code == 404
    assert only_refused(log_rows(county.patient, user=county.social_worker))


def test_a_reader_without_a_relationship_at_the_unit_gets_no_pdf_of_the_other_version(
    client, county, coordination
):
    """The outsider (region) is enrolled with the person at Mini-Maria, not at the clinic:
    the municipality's version is not hers without a consent disclosing plans."""
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.outsider)
    version = save_sip(county, user=county.social_worker)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(pdf_url(county, version)).status_code == 404
    response = client.get(pdf_url(county))
    assert response["Content-Type"].startswith("text/html")
    assert "Abstinensbehandling" not in response.text


def test_the_social_worker_under_the_coordination_consent_gets_the_pdf_of_the_regions_sip(
    client, county, coordination
):
    """The twin of the refusal above: a party at the clinic reads the joint plan (hole 8)."""
    version = save_sip(county)
    log_in(client, county.social_worker, county.clinic)
    before = len(log_rows(county.patient))
    response = client.get(pdf_url(county, version))
    assert response.status_code == 200 and "Abstinensbehandling" in text_of(response)
    [row] = log_rows(county.patient)[before:]
    assert (row.what, row.basis, row.consent_id) == ("sip pdf", Basis.CONSENT, coordination.pk)


def test_the_outsider_gets_no_pdf(client, county, coordination):
    version = save_sip(county)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(pdf_url(county, version)).status_code == 404
    assert only_refused(log_rows(county.patient, user=county.outsider))


def test_emergency_access_gets_the_pdf_as_it_gets_the_print_page(client, county, coordination):
    version = save_sip(county)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider, county.other_unit)
    printout = client.get(reverse("plans:sip_print", args=[county.patient.pk]))
    response = client.get(pdf_url(county, version))
    assert printout.status_code == response.status_code == 200
    assert "Abstinensbehandling" in printout.text and "Abstinensbehandling" in text_of(response)
    row = log_rows(county.patient, user=county.outsider)[-1]
    assert (row.what, row.basis, row.emergency) == ("sip pdf", Basis.EMERGENCY, True)


# --- Without WeasyPrint -------------------------------------------------------------------


def test_without_weasyprint_the_answer_is_a_clear_503_page_linking_to_the_print_page(
    client, county, coordination, monkeypatch
):
    version = save_sip(county)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" now fails
    log_in(client, county.nurse, county.clinic)
    before = len(log_rows(county.patient))
    response = client.get(pdf_url(county, version))
    assert response.status_code == 503
    assert "The PDF is not available" in response.text
    print_url = reverse("plans:sip_print", args=[county.patient.pk]) + f"?version={version.pk}"
    assert f'href="{print_url}"' in response.text
    assert len(log_rows(county.patient)) == before  # nothing of the person was shown
    assert client.get(print_url).status_code == 200


def test_without_weasyprint_the_refusal_is_still_a_404(client, county, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    log_in(client, county.social_worker, county.clinic)
    assert client.get(pdf_url(county)).status_code == 404


def test_a_missing_system_library_counts_as_unavailable(monkeypatch):
    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    real_import = __import__
    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr("builtins.__import__", no_pango)
    assert pdf.available() is False
    with pytest.raises(pdf.PdfUnavailable):
        pdf.render_pdf(RequestFactory().get("/"), "plans/sip_pdf.html", {}, filename="x.pdf")


# --- The renderer's fences ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://example.com/static/plans/sip_pdf.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "http://testserver/persons/1/sip/",
        "http://testserver/static/../../../../etc/passwd",
        "http://testserver/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "http://testserver/static/plans/no-such-file.css",
    ],
)
def test_the_url_fetcher_refuses_everything_but_the_static_files(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.static_fetcher(BASE).fetch(url)


def test_the_url_fetcher_serves_the_static_files_from_disk():
    response = pdf.static_fetcher(BASE).fetch(BASE + "static/plans/sip_pdf.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


PAGE = """{% load static %}<!DOCTYPE html><html lang="en"><head><title>Test</title>
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="stylesheet" href="{% static 'plans/sip_pdf.css' %}"></head><body>
<p>A chart</p><img src="http://example.com/tracker.png" alt="">
<svg width="120" height="60" viewBox="0 0 120 60" role="img" aria-label="A bar">
  <rect x="0" y="0" width="90" height="40" fill="#336699"/></svg>
</body></html>"""
LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", {"test.html": PAGE})]},
    }
]


@override_settings(TEMPLATES=LOCMEM)
def test_inline_svg_is_drawn_and_nothing_is_fetched_from_the_network(monkeypatch):
    calls = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: calls.append(a))
    response = pdf.render_pdf(RequestFactory().get("/"), "test.html", {}, filename="t.pdf")
    assert response.content.startswith(b"%PDF") and calls == []
    page = pypdf.PdfReader(io.BytesIO(response.content)).pages[0]
    drawing = page.get_contents().get_data().decode("latin-1")
    assert "0.2 0.4 0.6 rg" in drawing and " re\n" in drawing  # the SVG's #336699 rectangle


@override_settings(TEMPLATES=LOCMEM)
def test_a_pdf_ua_failure_falls_back_to_a_plain_pdf(monkeypatch):
    import weasyprint

    write_pdf = weasyprint.Document.write_pdf

    def no_variants(self, *args, pdf_variant=None, **kwargs):
        if pdf_variant:
            raise KeyError(pdf_variant)
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.Document, "write_pdf", no_variants)
    response = pdf.render_pdf(RequestFactory().get("/"), "test.html", {}, filename="t.pdf")
    assert response.content.startswith(b"%PDF")


def test_the_print_page_shows_the_meetings_as_the_pdf_does(client, county, coordination):
    """Both render plans/sip_printout.html: the meetings are on the printout too."""
    save_sip(county)
    record_meeting(county, minutes="Planen gicks igenom.")
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("plans:sip_print", args=[county.patient.pk])).text
    assert "SIP meetings" in text and "Planen gicks igenom." in text
