"""Follow-up in a real browser: a steering-group member opens the social-medicine clinic's
follow-up for last year, changes the breakdown with the keyboard, tries a bad period, opens the
county comparison and the definitions; axe checks each page, and print media hides the
filters."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from helhet.core.models import User
from helhet.followup.models import SteeringGroup
from tests import factories as f


def enrol_last_year(site, count: int):
    year = timezone.localdate().year - 1
    for index in range(count):
        person = f.PersonFactory(
            birth_date=datetime.date(1970 + index, 2, 1),
            legal_sex="female" if index % 2 else "male",
            registered_by=site.nurse,
        )
        episode = f.EpisodeFactory(
            person=person,
            unit=site.clinic,
            opened_by=site.nurse,
            opened_on=datetime.date(year, 2, 1 + index),
        )
        f.ContactFactory(
            episode=episode,
            recorded_by=site.nurse,
            starts_at=timezone.make_aware(datetime.datetime(year, 3, 1 + index, 10)),
        )
    return year


def steering_member(site):
    group = SteeringGroup.objects.create(name="Styrgrupp Testby")
    group.units.add(site.clinic)
    member = f.UserFactory(
        username="steering",
        first_name="Stina",
        last_name="Styrgrupp",
        organisation=site.region,
        profession=User.Profession.MANAGER,
    )
    group.members.add(member)
    return member


def tab_stops(page, count: int) -> list[str]:
    """The ids of the elements Tab reaches, from the top of the page, COUNT presses."""
    page.locator("body").focus()
    reached = []
    for _ in range(count):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    return reached


def test_a_steering_member_follows_the_clinic_up_and_compares_it(site, ui):
    year = enrol_last_year(site, 7)
    page = ui.log_in(steering_member(site))

    # --- lands on the follow-up: the units they follow up -----------------------------------
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up")
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Follow-up")).to_be_visible()
    expect(nav.get_by_role("link", name="My persons")).to_have_count(0)
    ui.check("index")
    page.get_by_role("link", name=site.clinic.name, exact=True).click()

    # --- the clinic's follow-up for last year, suppressed -----------------------------------
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.clinic.name)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Small counts are suppressed.")
    enrolment = page.get_by_role("table", name=re.compile(f"^Enrolment, .*{year}$"))
    expect(enrolment.get_by_role("row", name=re.compile("^Persons enrolled"))).to_contain_text("7")
    expect(page.get_by_role("img", name=re.compile("^Contacts attended"))).to_be_visible()
    ui.check("unit")

    # --- the filters are reachable by keyboard; the breakdown changes with the arrow keys ---
    stops = tab_stops(page, 40)
    for control in ("id_kind", "id_year", "id_quarter", "id_month", "id_start", "id_end"):
        assert control in stops, f"{control} not reached by Tab: {stops}"
    assert "id_breakdown_0" in stops
    page.locator("#id_breakdown_0").focus()
    page.keyboard.press("ArrowDown")  # from Total to By sex
    expect(page.get_by_label("By sex")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show"
    page.keyboard.press("Enter")
    ui.settle()
    enrolment = page.get_by_role("table", name=re.compile("^Enrolment"))
    expect(enrolment.get_by_role("columnheader", name="Female")).to_be_visible()
    expect(enrolment.get_by_role("row", name=re.compile("^Persons enrolled"))).to_contain_text("<5")
    ui.check("unit by sex")

    # --- a bad period: the form comes back with its message, focused ------------------------
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill(f"{year}-06-01")
    page.get_by_label("To", exact=True).fill(f"{year}-01-01")
    page.get_by_role("button", name="Show").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The period ends before it starts.")
    expect(summary).to_be_focused()
    ui.check("unit bad period")

    # --- print: no filters, no menu, the tables -------------------------------------------
    page.go_back()
    ui.settle()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_hidden()
    expect(page.get_by_role("table").first).to_be_visible()
    ui.screenshot("unit-print")
    page.emulate_media(media="screen")

    # --- the trend: a column per period, a line per indicator, its export form ---------------
    page.get_by_role("link", name="Trend over the last periods").click()
    enrolment = page.get_by_role("table", name=re.compile("^Enrolment"))
    expect(enrolment.get_by_role("columnheader", name=str(year))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Persons enrolled"))).to_be_visible()
    expect(page.get_by_role("button", name="Export")).to_be_visible()
    ui.check("trend")
    # one group's trend: the women's, suppressed with the men's
    page.get_by_label("Group", exact=True).select_option("sex:female")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Trend of {site.clinic.name}, Female"
    )
    enrolment = page.get_by_role("table", name=re.compile("^Enrolment, .*, Female, per period"))
    expect(enrolment.get_by_role("row", name=re.compile("^Persons enrolled"))).to_contain_text("<5")
    ui.check("trend one group")
    page.go_back()
    ui.settle()
    page.go_back()
    ui.settle()

    # --- the county comparison and the definitions ------------------------------------------
    page.get_by_role("link", name=re.compile("^Compare with every unit of type")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "County comparison: Social-medicine clinic"
    )
    table = page.get_by_role("table", name=re.compile("^Enrolment"))
    expect(table.get_by_role("columnheader", name=site.clinic.name)).to_be_visible()
    ui.check("county")
    page.get_by_role("link", name="Definitions and suppression rules").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up: definitions")
    expect(page.get_by_role("heading", name="Small-cell suppression")).to_be_visible()
    ui.check("definitions")
