"""Contacts in a real browser: the nurse records a contact by keyboard and finds it in the list,
records a drug test and a medication dispensing, and registers a drop-in day for two persons (a
bad row first: its error shows and nothing is saved). Every page is checked with axe, and the
overview's contact block (fetched by htmx on load) is awaited before the page is left."""

import datetime

from playwright.sync_api import expect

from helhet.contacts.models import Contact, DrugTest, MedicationDispensing
from tests import factories as f


def test_the_nurse_records_contacts_tests_dispensing_and_a_drop_in_day(site, ui):
    f.InterventionFactory(code="health_talk", name="Health talk", name_sv="Hälsosamtal")
    greta = f.PersonFactory(
        given_name="Greta",
        family_name="Droppsson",
        birth_date=datetime.date(1990, 3, 3),
        registered_by=site.nurse,
    )
    f.EpisodeFactory(
        person=greta, unit=site.clinic, opened_by=site.nurse, opened_on=datetime.date(2026, 2, 1)
    )
    patient = site.patient

    # The overview's contact block arrives by itself.
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{patient.pk}/")
    block = page.get_by_role("region", name="Contacts")
    expect(block).to_contain_text("0 contacts you may see.")
    ui.check("overview")

    # A phone call, by keyboard alone.
    block.get_by_role("link", name="Record a contact").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a contact with")
    ui.check("contact form")
    page.get_by_label("Kind of contact").focus()
    page.keyboard.press("ArrowDown")  # Visit → Phone
    expect(page.get_by_label("Kind of contact")).to_have_value("phone")
    page.get_by_label("Duration (minutes)").focus()
    page.keyboard.type("20")
    page.get_by_role("checkbox", name="Health talk").focus()
    page.keyboard.press("Space")
    page.get_by_label("Note").focus()
    page.keyboard.type("Talked about the week ahead.")
    page.get_by_role("button", name="Record contact").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The contact is recorded.")
    table = page.get_by_role("table", name="Contacts 1–1, newest first")
    expect(table).to_contain_text("Phone")
    expect(table).to_contain_text("Health talk")
    expect(table).to_contain_text("Talked about the week ahead.")
    ui.check("contact list")

    # A drug test, then a dispensing.
    page.get_by_role("link", name="Drug tests and medication").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Drug tests and medication")
    ui.check("medication")
    page.get_by_role("link", name="Record a drug test").click()
    ui.check("drug test form")
    page.get_by_label("Sample").select_option("saliva")
    page.get_by_label("Amphetamine").select_option("positive")
    page.get_by_label("Cannabis").select_option("negative")
    page.get_by_role("button", name="Record drug test").click()
    expect(page.get_by_role("status")).to_contain_text("The drug test is recorded.")
    tests = page.get_by_role("table", name="Drug tests, newest first")
    expect(tests).to_contain_text("Amphetamine: Positive")
    expect(tests).to_contain_text("Saliva")

    page.get_by_role("link", name="Record medication dispensing").click()
    ui.check("dispensing form")
    page.get_by_role("textbox", name="Medication", exact=True).fill("Buprenorfin/naloxon 8 mg/2 mg")
    page.get_by_role("spinbutton", name="Dose").fill("1")
    page.get_by_role("combobox", name="Unit").select_option("piece")
    page.get_by_role("button", name="Record dispensing").click()
    expect(page.get_by_role("status")).to_contain_text("The dispensing is recorded.")
    expect(page.get_by_role("table", name="Dispensings, newest first")).to_contain_text("1 pcs")
    ui.check("medication with records")
    assert DrugTest.objects.filter(person=patient).count() == 1
    assert MedicationDispensing.objects.filter(person=patient).count() == 1

    # The drop-in day: two persons and a row that names no one.
    nav = page.get_by_role("navigation", name="Main menu")
    nav.get_by_role("link", name="Drop-in day").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Drop-in day at")
    ui.check("drop-in day")
    page.get_by_label("Identity number or name, row 1", exact=True).fill(
        patient.formatted_identity_number
    )
    page.get_by_label("Identity number or name, row 2", exact=True).fill("Greta Droppsson")
    page.get_by_label("Identity number or name, row 3", exact=True).fill("Ingen Alls")
    page.get_by_role("button", name="Register all visits").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Row 3: No one you may see at this unit matches.")
    ui.check("drop-in day with errors")
    assert Contact.objects.count() == 1  # nothing of the day is saved

    alert.get_by_role("link", name="Row 3").click()
    expect(page.get_by_label("Identity number or name, row 3", exact=True)).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.get_by_role("button", name="Register all visits").click()
    expect(page.get_by_role("status")).to_contain_text("2 drop-in visits are registered.")
    ui.check("drop-in day saved")
    assert Contact.objects.filter(person=greta).count() == 1
    assert Contact.objects.filter(person=patient).count() == 2

    # Back on the overview, the block counts them.
    ui.goto(f"/persons/{patient.pk}/")
    expect(page.get_by_role("region", name="Contacts")).to_contain_text("2 contacts you may see.")
    ui.check("overview with contacts")
