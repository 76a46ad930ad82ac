"""The SIP as a PDF in a real browser: the link downloads the file; without WeasyPrint the
link's page says so (503) and is checked with axe."""

import sys
from pathlib import Path

from playwright.sync_api import expect

from tests import factories as f


def sip_at_the_clinic(site):
    sip = f.SipFactory(person=site.patient, unit=site.clinic)
    version = f.SipVersionFactory(sip=sip, created_by=site.nurse, number=1)
    f.SipInterventionFactory(version=version)
    return version


def test_the_nurse_downloads_the_sip_as_a_pdf(site, ui, consent_for_coordination):
    sip_at_the_clinic(site)
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/sip/print/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"sip-{site.patient.pk}-version-1.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_without_weasyprint_the_pdf_link_leads_to_the_print_page(
    site, ui, consent_for_coordination, monkeypatch
):
    version = sip_at_the_clinic(site)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/sip/pdf/?version={version.pk}", status=503)
    expect(page.get_by_role("heading", level=1)).to_have_text("The PDF is not available")
    ui.server_errors.clear()  # the 503 is the answer expected here
    ui.check("pdf-unavailable")
    page.get_by_role("link", name="Open the printable page").click()
    expect(page.get_by_text("Boendestöd").first).to_be_visible()
