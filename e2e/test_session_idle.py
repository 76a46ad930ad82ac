"""The idle logout in a real browser (core/idle.py, helhet.js): the warning comes before it and
"Stay signed in" keeps the session; a note typed while the session ends is not lost — sending
it leads to the login page, and after signing in the form is filled in again, not sent."""

from playwright.sync_api import expect

from helhet.contacts.models import Contact
from tests.conftest import county  # noqa: F401

from .conftest import PASSWORD

NOTE = "Talked about sleep and the week ahead."


def short_sessions(settings, *, idle: int, warning: int) -> None:
    settings.SESSION_COOKIE_AGE = idle
    settings.HELHET_SESSION_WARNING_SECONDS = warning


def test_the_warning_comes_before_the_idle_logout_and_staying_keeps_the_session(site, ui, settings):
    short_sessions(settings, idle=10, warning=5)
    page = ui.log_in(site.nurse)
    ui.goto("/caseload/")
    warning = page.get_by_role("alertdialog", name="You will soon be signed out")
    expect(warning).to_be_visible(timeout=12_000)
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    ui.check("warning")
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    # Renewed: a page asked for now (within the new idle time) is still signed in.
    ui.goto("/caseload/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_note_typed_while_the_session_ends_is_filled_in_again_after_signing_in(
    site, ui, settings
):
    short_sessions(settings, idle=6, warning=3)
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/contacts/new/")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Note").fill(NOTE)
    signed_out = page.get_by_role("alertdialog", name="You have been signed out")
    expect(signed_out).to_be_visible(timeout=12_000)
    expect(signed_out.get_by_role("button", name="Stay signed in")).to_be_hidden()
    ui.check("signed out")

    page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert not Contact.objects.exists()
    page.get_by_label("Username").fill(site.nurse.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a contact with")
    expect(page.get_by_role("status")).to_contain_text("What you typed is filled in again")
    expect(page.get_by_label("Note")).to_have_value(NOTE)
    expect(page.get_by_label("Duration (minutes)")).to_have_value("40")
    ui.check("filled in again")
    assert not Contact.objects.exists()

    page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_role("status")).to_contain_text("The contact is recorded.")
    assert Contact.objects.get().note == NOTE
