"""Corrections in a real browser, in Swedish: the nurse corrects a contact recorded as attended
into a no-show, with a reason; the list shows the correction marked, and the versions page shows
both versions and the reason. axe on the correction form (also with its error) and the versions
page."""

import re

from playwright.sync_api import expect

from helhet.contacts.models import Contact
from tests import factories as f

from .conftest import PASSWORD


def test_the_nurse_corrects_a_contact_into_a_no_show_in_swedish(site, new_ui):
    visit = f.ContactFactory(episode=site.episode, recorded_by=site.nurse, note="Kom i tid.")
    ui = new_ui(locale="sv-SE")
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(site.nurse.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    ui.goto(f"/persons/{site.patient.pk}/contacts/")
    page.get_by_role("link", name=re.compile(r"^Rätta")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rätta kontakten")
    expect(page.get_by_label("Anteckning")).to_have_value("Kom i tid.")
    ui.check("correction form")

    # Without a reason: refused, said in Swedish, nothing saved.
    page.get_by_label("Personen kom (kryssa inte i om personen uteblev)").uncheck()
    page.get_by_role("button", name="Spara rättelsen").click()
    expect(page.locator(".has-error")).to_contain_text("Ange skälet till rättelsen.")
    assert not Contact.objects.filter(corrects=visit).exists()
    ui.check("correction form with an error")

    page.get_by_label("Personen kom (kryssa inte i om personen uteblev)").uncheck()
    page.get_by_label("Skäl till rättelsen").fill("Fel person antecknad som närvarande.")
    page.get_by_role("button", name="Spara rättelsen").click()
    expect(page.get_by_role("status")).to_contain_text("Rättelsen är sparad.")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Rättad ")
    expect(table).to_contain_text("Fel person antecknad som närvarande.")
    ui.check("contact list with a correction")
    correction = Contact.objects.get(corrects=visit)
    assert correction.attended is False

    page.get_by_role("link", name="Tidigare versioner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tidigare versioner")
    versions = page.get_by_role("table", name="Versioner, nyaste först")
    expect(versions.get_by_role("row")).to_have_count(3)  # the header and two versions
    expect(versions).to_contain_text("Gällande")
    expect(versions).to_contain_text("Kom i tid.")
    ui.check("contact versions")
