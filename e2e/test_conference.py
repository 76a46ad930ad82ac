"""The team conference in a real browser, in Swedish: the board from the main menu, a
conference created, a person added from the person's page and from the conference, the order
changed, the decision recorded, the minutes printed; axe on every page."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f

PASSWORD = "test-password-123"


def log_in_swedish(ui, user):
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    return page


def test_a_conference_from_the_board_to_the_minutes_in_swedish(site, new_ui):
    second = f.EpisodeFactory(unit=site.clinic, opened_by=site.nurse).person
    ui = new_ui(locale="sv-SE")
    page = log_in_swedish(ui, site.nurse)
    main = page.get_by_role("main")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Teamkonferens"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teamkonferens på")
    expect(main).to_contain_text("Ingen konferens är planerad")
    ui.check("board, empty")

    # Today's conference (it is held today, so its decisions can be recorded).
    now = timezone.localtime() + datetime.timedelta(minutes=5)
    if now.date() != timezone.localdate():  # just before midnight: keep it today
        now = timezone.localtime()
    page.get_by_label("Datum och tid").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Rubrik (valfri)").fill("Behandlingskonferens")
    page.get_by_role("button", name="Skapa konferensen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teamkonferens")
    ui.check("conference, empty")

    # From the person's page.
    ui.goto(f"/persons/{site.patient.pk}/")
    page.get_by_role("link", name="Lägg till på teamkonferensen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.patient.full_name)
    ui.check("person, add to the conference")
    page.get_by_label("Varför personen ska tas upp").fill("Återfall, behöver ny plan.")
    page.get_by_role("button", name="Lägg till på konferensen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teamkonferens")
    expect(main.locator("table")).to_contain_text("Återfall, behöver ny plan.")

    # From the conference's page.
    main.get_by_role("link", name="Lägg till en person").click()
    ui.check("conference, add a person")
    page.locator("#id_person").select_option(str(second.pk))
    page.get_by_label("Varför personen ska tas upp").fill("Vräkningshot.")
    page.get_by_role("button", name="Lägg till på konferensen").click()
    rows = main.locator("table.conference-items tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(site.patient.family_name)

    main.get_by_role("button", name=re.compile(f"^Upp.*{second.given_name}")).click()
    expect(rows.first).to_contain_text(second.family_name)
    ui.check("conference, reordered")

    main.get_by_role(
        "link", name=re.compile(f"^Registrera beslutet.*{site.patient.given_name}")
    ).click()
    ui.check("item, decision form")
    page.get_by_label("Beslut").fill("Boka SIP-möte inom två veckor.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(main).to_contain_text("Boka SIP-möte inom två veckor.")
    expect(main).to_contain_text("Upptagen")

    main.get_by_role("link", name="Minnesanteckningar (utskrift)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Minnesanteckningar")
    expect(main).to_contain_text("Boka SIP-möte inom två veckor.")
    ui.check("minutes")

    ui.goto("/conference/past/")
    ui.check("past conferences")
