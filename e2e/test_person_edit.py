"""Keeping a person and their relatives up to date, in Swedish, in a real browser: the nurse
records the person's wish for secrecy towards a relative in the middle of care and reads the
history of changes; the coordinator changes a protected person's address, whose form the
nurse opens without it. Axe on every new page."""

import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from helhet.people.models import Change, Person, Relative

from .conftest import PASSWORD


def sv(text: str, **values) -> str:
    with translation.override("sv"):
        return gettext(text) % values if values else gettext(text)


def log_in_swedish(new_ui, user):
    ui = new_ui(locale="sv-SE")
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name=sv("Log out"))).to_be_visible()
    return ui, page


def test_the_nurse_records_secrecy_towards_a_relative_and_reads_the_history(site, new_ui):
    ui, page = log_in_swedish(new_ui, site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/")
    relatives = page.get_by_role("region", name=sv("Relatives"))
    relatives.get_by_role("link", name=f"{sv('Change')} {site.relative.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.relative.name)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    ui.check("relative-edit-sv")

    page.get_by_label(sv("The person asks for secrecy towards this relative")).check()
    page.get_by_label(sv("What the relative may be told")).fill("Allt")
    page.get_by_role("button", name=sv("Save")).click()
    # Secrecy and something to tell at once: refused, said in Swedish, nothing saved.
    expect(page.get_by_role("alert")).to_contain_text("inte får veta något")
    assert not Relative.objects.get(pk=site.relative.pk).secrecy_requested
    ui.check("relative-edit-refused-sv")

    page.get_by_label(sv("What the relative may be told")).fill("")
    page.get_by_role("button", name=sv("Save")).click()
    expect(page.get_by_text(sv("The relative's details are saved."))).to_be_visible()
    expect(relatives.get_by_text(sv("Secrecy requested"))).to_be_visible()
    assert Relative.objects.get(pk=site.relative.pk).secrecy_requested

    page.get_by_role("link", name=sv("History of changes")).click()
    expect(page).to_have_url(re.compile(r"/changes/$"))
    table = page.get_by_role("table")
    expect(table).to_contain_text(sv("Relative: %(name)s", name=site.relative.name))
    expect(table).to_contain_text(f"{sv('No')} → {sv('Yes')}")
    ui.check("changes-sv")


def test_the_coordinator_changes_a_protected_persons_address_which_the_nurse_never_sees(
    site, new_ui
):
    person = site.patient
    person.protected_identity = True
    person.save()
    coordinator, page = log_in_swedish(new_ui, site.coordinator)
    coordinator.goto(f"/persons/{person.pk}/")
    page.get_by_role("link", name=sv("Change the details")).click()
    expect(page.get_by_label(sv("Address"), exact=True)).to_have_value("Testgatan 1")
    coordinator.check("person-edit-coordinator-sv")
    page.get_by_label(sv("Address"), exact=True).fill("Hemliga vägen 7")
    page.get_by_role("button", name=sv("Save")).click()
    expect(page.get_by_text(sv("The person's details are saved."))).to_be_visible()
    assert Person.objects.get(pk=person.pk).address == "Hemliga vägen 7"

    nurse, page = log_in_swedish(new_ui, site.nurse)
    nurse.goto(f"/persons/{person.pk}/edit/")
    expect(page.get_by_label(sv("Family name"))).to_have_value(person.family_name)
    expect(page.get_by_label(sv("Address"), exact=True)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Hemliga vägen 7")
    nurse.check("person-edit-protected-sv")
    nurse.goto(f"/persons/{person.pk}/changes/")
    expect(page.get_by_role("table")).to_contain_text(sv("hidden: protected identity"))
    expect(page.locator("body")).not_to_contain_text("Hemliga vägen 7")
    assert Change.objects.get().protected
    nurse.check("changes-protected-sv")
