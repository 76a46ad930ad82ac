"""A day at the clinic in a real browser, in Swedish, axe on every page: the nurse opens the
start page and sees her bookings today (one of a person she may not see, without a name);
one booking becomes a recorded contact, another a no-show, each reached from the start page;
she corrects the contact with a reason, records the person's wish for secrecy towards a
relative, records a consent with the preset "everything needed for coordination", closes the
episode, rereads the closed person (read-only) and finds them in the search marked closed.

The bookings are made with the factory (a booking cannot be made in the past through the
action, and a contact cannot be recorded in the future): two earlier today, one later today.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from helhet.access.consent_scope import COORDINATION_CATEGORIES
from helhet.access.models import Consent
from helhet.bookings.models import Booking
from helhet.care.models import Episode
from helhet.contacts.models import Contact
from helhet.people.models import Relative
from tests import factories as f

from .test_closed_person import close_the_episode


def sv(text: str, **values) -> str:
    with translation.override("sv"):
        translated = gettext(text)
    return translated % values if values else translated


def today_times() -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    """Three times today: 40 and 20 minutes ago (not before midnight) and in an hour (not
    after it)."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    later = now + datetime.timedelta(minutes=30)
    if now - midnight < datetime.timedelta(minutes=5) or later.date() != now.date():
        pytest.skip("too close to midnight for three bookings today")
    came = max(now - datetime.timedelta(minutes=40), midnight + datetime.timedelta(minutes=1))
    missed = max(now - datetime.timedelta(minutes=20), midnight + datetime.timedelta(minutes=3))
    return came, missed, later


def test_the_nurse_walks_a_day_in_swedish(site, new_ui):
    came_at, missed_at, later_at = today_times()
    came = f.BookingFactory(episode=site.episode, booked_by=site.nurse, starts_at=came_at)
    missed = f.BookingFactory(episode=site.episode, booked_by=site.nurse, starts_at=missed_at)
    hidden_episode = f.EpisodeFactory(  # the municipality's person: not the nurse's to see
        person=f.PersonFactory(given_name="Hemlig", family_name="Person"),
        unit=site.clinic,
        opened_by=site.social_worker,
    )
    f.BookingFactory(
        episode=hidden_episode,
        booked_by=site.social_worker,
        starts_at=later_at,
        staff=[site.social_worker, site.nurse],
    )
    tomorrow = f.BookingFactory(
        episode=site.episode,
        booked_by=site.nurse,
        starts_at=came_at + datetime.timedelta(days=1),
    )
    patient = site.patient

    # Log in: the start page, with my bookings today.
    ui = new_ui(locale="sv-SE")
    page = ui.log_in_by_ids(site.nurse)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_contain_text(sv("Today"))
    todays = page.get_by_role("region", name=sv("My bookings today"))
    rows = todays.get_by_role("row")
    expect(rows).to_have_count(4)  # the header and three bookings
    expect(rows.nth(1)).to_contain_text(patient.full_name)
    expect(rows.nth(2)).to_contain_text(patient.full_name)
    expect(rows.nth(3)).to_contain_text(sv("Booked"))
    expect(todays).not_to_contain_text("Hemlig")
    expect(todays.locator(f"a[href*='/bookings/{tomorrow.pk}/']")).to_have_count(0)
    expect(todays.get_by_role("link", name=sv("Open the calendar"))).to_be_visible()
    ui.check("start page with the bookings today")

    # The first booking held: one click to the contact form, filled in from the booking.
    todays.locator(f"a[href$='/bookings/{came.pk}/attended/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        sv("%(name)s came: record the contact", name=patient.full_name)
    )
    ui.check("attended form")
    page.get_by_label(sv("Note")).fill("Samtal om veckan.")
    page.get_by_role("button", name=sv("Record contact")).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The contact is recorded."))
    ui.check("bookings after the contact")
    came.refresh_from_db()
    assert came.status == Booking.Status.ATTENDED and came.contact.attended

    # Back on the start page: the second one missed, a no-show.
    page.get_by_role("navigation", name=sv("Main menu")).get_by_role(
        "link", name=sv("Today")
    ).click()
    todays = page.get_by_role("region", name=sv("My bookings today"))
    expect(todays.locator(f"a[href$='/bookings/{came.pk}/attended/']")).to_have_count(0)
    expect(todays.get_by_role("row").nth(1)).to_contain_text(sv("Attended"))
    ui.check("start page after the contact")
    todays.locator(f"a[href$='/bookings/{missed.pk}/no-show/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        sv("%(name)s did not come", name=patient.full_name)
    )
    ui.check("no-show form")
    page.get_by_role("button", name=sv("Record the no-show")).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The no-show is recorded."))
    ui.check("bookings after the no-show")
    missed.refresh_from_db()
    assert missed.status == Booking.Status.NO_SHOW and not missed.contact.attended

    # The contact corrected, with a reason: the list shows it, the versions keep both.
    page.get_by_role("link", name=sv("Contacts"), exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/persons/{patient.pk}/contacts/$"))
    ui.check("contacts")
    page.locator(f"a[href$='/contacts/{came.contact.pk}/correct/']").click()
    expect(page.get_by_label(sv("Note"))).to_have_value("Samtal om veckan.")
    ui.check("correction form")
    page.get_by_label(sv("Note")).fill("Samtal om veckan och om boendet.")
    page.get_by_label(sv("Reason for the correction")).fill("Boendet saknades i anteckningen.")
    page.get_by_role("button", name=sv("Save the correction")).click()
    expect(page.get_by_role("status")).to_contain_text(
        sv("The correction is saved. The earlier version stays in the history.")
    )
    expect(page.get_by_role("table")).to_contain_text("Boendet saknades i anteckningen.")
    ui.check("contacts with the correction")
    correction = Contact.objects.get(corrects=came.contact)
    assert correction.note == "Samtal om veckan och om boendet."

    # The person asks for secrecy towards a relative.
    ui.goto(reverse("people:overview", args=[patient.pk]))
    relatives = page.get_by_role("region", name=sv("Relatives"))
    relatives.get_by_role("link", name=f"{sv('Change')} {site.relative.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.relative.name)
    ui.check("relative form")
    page.get_by_label(sv("The person asks for secrecy towards this relative")).check()
    page.get_by_role("button", name=sv("Save")).click()
    expect(page.get_by_text(sv("The relative's details are saved."))).to_be_visible()
    expect(relatives.get_by_text(sv("Secrecy requested"))).to_be_visible()
    ui.check("overview with the relative's secrecy")
    assert Relative.objects.get(pk=site.relative.pk).secrecy_requested

    # A consent with the preset "everything needed for coordination".
    page.get_by_role("link", name=sv("Record a consent")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(patient.full_name)
    ui.check("consent form")
    page.get_by_label(sv("Everything needed for coordination"), exact=True).check()
    page.get_by_role("button", name=sv("Record the consent")).click()
    expect(page.get_by_role("status")).to_contain_text(sv("The consent is recorded."))
    ui.check("after the consent")
    consent = Consent.objects.get(person=patient)
    assert consent.coordination
    assert consent.disclosures.count() == 2 * len(COORDINATION_CATEGORIES)

    # The episode closed; the person reread, read-only.
    close_the_episode(ui, site)
    expect(page.locator("#closed-notice")).to_contain_text(
        sv("The person's episode is closed: you read the records read-only.")
    )
    expect(page.get_by_role("link", name=sv("Record a consent"))).to_have_count(0)
    expect(page.locator("main")).to_contain_text(site.relative.name)
    ui.check("closed person")
    assert Episode.objects.get(pk=site.episode.pk).closed_on == timezone.localdate()

    # Found in the search, marked closed.
    ui.goto(f"{reverse('people:search')}?q=Tolvansson")
    row = page.get_by_role("row").filter(has_text="Tolvansson, Tolvan")
    expect(row).to_contain_text(sv("Closed %(date)s", date=timezone.localdate().isoformat()))
    ui.check("search with the closed person")
