"""The consent form in a Swedish browser: a preset, the grid shown only for "Välj själv", the
consent recorded, and the consent form to sign; axe on the form (an adult's and a minor's) and
on the print page."""

import re

from playwright.sync_api import expect

from helhet.access.consent_scope import COORDINATION_CATEGORIES
from helhet.access.models import Consent
from tests.access.conftest import minor  # noqa: F401

PASSWORD = "test-password-123"  # tests.factories.UserFactory


def log_in_in_swedish(new_ui, user):
    """A Swedish browser, logged in as USER (the login form's Swedish labels by their ids)."""
    ui = new_ui(locale="sv-SE")
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    return ui, page


def test_the_nurse_records_the_coordination_preset_and_prints_the_form(site, new_ui):
    ui, page = log_in_in_swedish(new_ui, site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/consents/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samtycke från Tolvan Tolvansson")
    grid = page.get_by_role("group", name="Välj själv: samordning och utlämnanden")
    expect(grid).to_be_hidden()  # no preset chosen yet
    ui.check("consent form")

    page.get_by_label("Välj själv", exact=True).check()
    expect(grid).to_be_visible()
    direction = grid.get_by_role(
        "group", name=f"Från {site.region.name} till {site.municipality.name}"
    )
    expect(direction.get_by_role("checkbox")).to_have_count(7)
    ui.check("consent form, choose myself")

    page.get_by_label("Allt som behövs för samordningen", exact=True).check()
    expect(grid).to_be_hidden()
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.get_by_role("status")).to_contain_text("Samtycket är registrerat.")
    consent = Consent.objects.get(person=site.patient)
    assert consent.coordination
    assert consent.disclosures.count() == 2 * len(COORDINATION_CATEGORIES)

    page.get_by_role("link", name="Samtyckesblankett att skriva under").click()
    expect(page).to_have_url(
        re.compile(rf"/persons/{site.patient.pk}/consents/{consent.pk}/print/$")
    )
    printout = page.get_by_role("article")
    expect(printout.get_by_role("heading", level=1)).to_have_text(
        "Samtycke till samordning och informationsöverföring"
    )
    expect(printout).to_contain_text(
        f"{site.region.name} får lämna ut till {site.municipality.name}:"
    )
    expect(printout).to_contain_text("Personens underskrift")
    ui.check("consent form to sign")


def test_a_minors_consent_form_asks_who_gave_it(site, new_ui, minor):  # noqa: F811
    ui, page = log_in_in_swedish(new_ui, site.outsider)
    ui.goto(f"/persons/{minor.pk}/consents/new/")
    expect(page.get_by_role("group", name="Lämnat av")).to_be_visible()
    page.get_by_label("Bara samordning", exact=True).check()
    page.get_by_role("button", name="Registrera samtycket").click()
    expect(page.get_by_role("alert")).to_contain_text("Personen är under 18")
    ui.check("minor's consent form with the error")
