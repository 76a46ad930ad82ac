"""The calendar in a real browser, in Swedish: the nurse books the patient and changes the
booking, a booked visit becomes a recorded contact in one step and another one a no-show; the
day and week views (hers and the unit's), the group session's participants, its move and
cancel pages and the feed page pass axe."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from helhet.bookings.models import Booking, GroupSession
from tests import factories as f


def swedish_login(ui, user):
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("test-password-123")
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    return page


def test_a_booking_becomes_a_contact_and_another_a_no_show(site, new_ui):
    ui = new_ui(locale="sv-SE")
    earlier = timezone.now() - datetime.timedelta(hours=2)
    came = f.BookingFactory(episode=site.episode, booked_by=site.nurse, starts_at=earlier)
    missed = f.BookingFactory(
        episode=site.episode, booked_by=site.nurse, starts_at=earlier - datetime.timedelta(days=1)
    )
    page = swedish_login(ui, site.nurse)

    # Book the patient for a telephone call the day after tomorrow.
    ui.goto(f"/persons/{site.patient.pk}/bookings/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bokningar för Tolvan")
    ui.check("bookings-sv")
    page.get_by_role("link", name="Boka en tid").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Boka Tolvan")
    ui.check("booking-new-sv")
    page.get_by_label("Typ av bokning").select_option("phone")
    when = timezone.localtime() + datetime.timedelta(days=2)
    page.get_by_label("Datum och tid").fill(when.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Längd (minuter)").fill("20")
    page.get_by_role("button", name="Boka", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Bokningen är gjord.")
    phone = Booking.objects.get(kind="phone", status="booked")

    # Change it: half an hour, in the unit's room; the form is filled in from the booking.
    page.locator(f"a[href$='/bookings/{phone.pk}/change/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ändra en bokning för Tolvan")
    expect(page.get_by_label("Längd (minuter)")).to_have_value("20")
    ui.check("booking-change-sv")
    page.get_by_label("Längd (minuter)").fill("30")
    page.get_by_label("Plats").fill("Rum 2")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Bokningen är ändrad.")
    phone.refresh_from_db()
    assert (phone.duration_minutes, phone.place, phone.version) == (30, "Rum 2", 1)

    # The visit held: the contact form, filled in from the booking.
    page.locator(f"a[href$='/bookings/{came.pk}/attended/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("kom: registrera kontakten")
    ui.check("attended-sv")
    page.get_by_label("Anteckning").fill("Samtal om veckan.")
    page.get_by_role("button", name="Registrera kontakt").click()
    expect(page.get_by_role("status")).to_contain_text("Kontakten är registrerad.")
    came.refresh_from_db()
    assert came.status == "attended" and came.contact.attended

    # The other one missed: a no-show, asked once more.
    page.locator(f"a[href$='/bookings/{missed.pk}/no-show/']").click()
    ui.check("no-show-sv")
    page.get_by_role("button", name="Registrera uteblivet besök").click()
    expect(page.get_by_role("status")).to_contain_text("Det uteblivna besöket är registrerat.")
    missed.refresh_from_db()
    assert missed.status == "no_show" and not missed.contact.attended


def test_the_day_and_week_views_and_the_group_session_pass_axe(site, new_ui):
    ui = new_ui(locale="sv-SE")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    f.BookingFactory(episode=site.episode, booked_by=site.nurse, starts_at=tomorrow)
    session = GroupSession.objects.create(
        unit=site.clinic,
        organisation=site.region,
        title="Återfallsprevention",
        starts_at=tomorrow + datetime.timedelta(hours=3),
        ends_at=tomorrow + datetime.timedelta(hours=4),
        created_by=site.nurse,
    )
    session.staff.set([site.nurse])
    f.BookingFactory(
        episode=site.episode,
        booked_by=site.nurse,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        group_session=session,
        kind="group",
    )
    page = swedish_login(ui, site.nurse)
    day = timezone.localdate(tomorrow).isoformat()

    ui.goto(f"/calendar/?day={day}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kalender för")
    bookings = page.get_by_role("table", name=re.compile("^Bokningar"))
    expect(bookings).to_contain_text("Tolvan Tolvansson")
    # the group session, by itself: its title and the number booked
    sessions = page.get_by_role("table", name=re.compile("^Gruppträffar"))
    expect(sessions).to_contain_text("Återfallsprevention")
    expect(sessions).to_contain_text("Planerad")
    ui.check("my-day-sv")
    ui.goto(f"/calendar/unit/{site.clinic.pk}/?view=week&day={day}")
    expect(page.get_by_role("heading", level=2)).to_have_count(7)
    ui.check("unit-week-sv")
    page.get_by_role("link", name="Återfallsprevention").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Återfallsprevention")
    expect(page.get_by_role("table")).to_contain_text("Tolvan Tolvansson")
    ui.check("group-session-sv")
    ui.goto("/calendar/group-sessions/new/")
    ui.check("group-session-form-sv")
    ui.goto("/calendar/feed/")
    page.get_by_role("button", name="Skapa en adress").click()
    expect(page.get_by_label("Kalenderflödets adress")).to_have_value(re.compile("/calendar/feed/"))
    ui.check("feed-sv")

    # The social worker without consent sees the booking, not the person.
    other = new_ui(locale="sv-SE")
    page = swedish_login(other, site.social_worker)
    other.goto(f"/calendar/unit/{site.clinic.pk}/?day={day}")
    table = page.get_by_role("table", name=re.compile("^Bokningar"))
    expect(table).to_contain_text("Bokad")
    expect(table).not_to_contain_text("Tolvan")
    other.check("unit-day-no-names-sv")


def test_the_nurse_cancels_a_group_session(site, new_ui):
    ui = new_ui(locale="sv-SE")
    starts = timezone.now() + datetime.timedelta(days=2)
    session = GroupSession.objects.create(
        unit=site.clinic,
        organisation=site.region,
        title="Återfallsprevention",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        created_by=site.nurse,
    )
    session.staff.set([site.nurse])
    booked = f.BookingFactory(
        episode=site.episode,
        booked_by=site.nurse,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        group_session=session,
        kind="group",
    )
    page = swedish_login(ui, site.nurse)
    ui.goto(f"/calendar/group-sessions/{session.pk}/")
    page.get_by_role("link", name="Flytta gruppträffen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flytta gruppträffen")
    ui.check("group-session-move-sv")
    page.get_by_role("link", name="Tillbaka").click()
    page.get_by_role("link", name="Ställ in gruppträffen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ställ in gruppträffen")
    ui.check("group-session-cancel-sv")
    page.get_by_role("button", name="Ställ in gruppträffen").click()
    expect(page.get_by_role("alert").or_(page.locator(".errorlist")).first).to_be_visible()
    page.get_by_label("Skäl").fill("Sjuk personal")
    page.get_by_role("button", name="Ställ in gruppträffen").click()
    expect(page.get_by_role("status").first).to_contain_text("Gruppträffen är inställd.")
    ui.check("group-session-cancelled-sv")
    booked.refresh_from_db()
    assert booked.status == "cancelled" and booked.cancelled_by == "unit"
