"""A closed person in a real browser, in Swedish: the nurse closes the patient's episode, is
brought back to the person's page, now read-only with a notice; the search finds the person
marked with the closing date; one button reopens the episode. axe on every page."""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from helhet.care.models import ClosureReason, Episode


def sv(text: str, **values) -> str:
    with translation.override("sv"):
        translated = gettext(text)
    return translated % values if values else translated


def close_the_episode(ui, site) -> str:
    """From the patient's overview, close the episode (goals reached), axe on the form; back on
    the overview, whose address is returned."""
    page, overview = ui.page, reverse("people:overview", args=[site.patient.pk])
    ui.goto(overview)
    page.get_by_role("link", name=sv("Close"), exact=True).click()
    page.get_by_label(sv("Reason for closing")).select_option(
        str(ClosureReason.objects.get(code="goals_reached").pk)
    )
    ui.check("close form")
    page.get_by_role("button", name=sv("Close episode")).click()
    expect(page).to_have_url(f"{site.url}{overview}")
    return overview


def test_the_nurse_closes_rereads_finds_and_reopens_the_person(site, new_ui):
    ui = new_ui(locale="sv-SE")
    page = ui.log_in_by_ids(site.nurse)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    close_the_episode(ui, site)

    # Back on the person's page, read-only: the notice, no write buttons, the reopen button.
    expect(page.get_by_role("status")).to_contain_text(sv("The episode is closed."))
    notice = page.locator("#closed-notice")
    expect(notice).to_contain_text(
        sv("The person's episode is closed: you read the records read-only.")
    )
    expect(page.get_by_role("link", name=sv("Record a consent"))).to_have_count(0)
    expect(page.get_by_role("link", name=sv("Add a relative"))).to_have_count(0)
    reopen = page.get_by_role(
        "button", name=sv("Reopen the episode at %(unit)s", unit=site.clinic.name)
    )
    expect(reopen).to_be_visible()
    ui.check("closed overview")

    # The search finds the person, marked closed with the date.
    ui.goto(f"{reverse('people:search')}?q=Tolvansson")
    today = timezone.localdate().isoformat()
    row = page.get_by_role("row").filter(has_text="Tolvansson, Tolvan")
    expect(row).to_contain_text(sv("Closed %(date)s", date=today))
    ui.check("search")

    # One step reopens the episode at the clinic.
    row.get_by_role("link", name="Tolvansson, Tolvan").click()
    reopen.click()
    expect(page.get_by_role("status")).to_contain_text(sv("The episode is reactivated."))
    expect(reopen).to_have_count(0)
    ui.check("reopened overview")
    episode = Episode.objects.get(person=site.patient, closed_on__isnull=True)
    assert episode.reactivation_of == site.episode
