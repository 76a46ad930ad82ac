"""Treatment plans and the SIP in a real browser: every page reached and checked with axe,
and a SIP version saved without an overall responsible authority is refused on the page."""

from playwright.sync_api import expect

from tests import factories as f


def test_the_nurse_reads_and_writes_the_sip_and_the_plan(site, ui, consent_for_coordination):
    sip = f.SipFactory(person=site.patient, unit=site.clinic)
    version = f.SipVersionFactory(sip=sip, created_by=site.nurse, number=1)
    f.SipInterventionFactory(version=version)
    base = f"/persons/{site.patient.pk}"
    page = ui.log_in(site.nurse)

    ui.goto(f"{base}/sip/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Boendestöd").first).to_be_visible()
    ui.check("sip")

    ui.goto(f"{base}/sip/new/")
    ui.check("sip-form")
    page.get_by_label("Authority with overall responsibility").select_option("")
    page.get_by_role("button", name="Save the new version").click()
    expect(page.locator(".error-summary")).to_contain_text("overall responsibility")
    ui.check("sip-form-errors")

    ui.goto(f"{base}/sip/meetings/new/")
    ui.check("sip-meeting-form")
    ui.goto(f"{base}/sip/print/")
    ui.check("sip-print")
    ui.goto(f"{base}/plans/")
    ui.check("plans")
    ui.goto(f"{base}/plans/edit/")
    ui.check("plan-form")
