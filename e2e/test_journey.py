"""The foundation flow in a real browser, with an accessibility check on every page visited.

log in (the region nurse) → search → person overview → record a consent → emergency access by
the outsider → the coordinator's log extract (the clinic, and the outsider's emergency access)
→ the coordinator's log review (the region's: the outsider read the region's patient), where the
emergency access is marked reviewed. Plus keyboard use, a wrong login and the Swedish default.
Labels are the English msgids: the journey's browser has chosen English (the language cookie).
"""

import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

EMERGENCY_REASON = "Unconscious at the emergency department; the team needs the care history now."


def open_overview_by_search(ui, patient):
    """The nurse's way to a person: the menu's search, by family name, then the result."""
    page = ui.page
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Find a person"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Find a person")).to_be_visible()
    ui.check("search")
    page.get_by_label("Identity number or name").fill(patient.family_name)
    page.get_by_role("button", name="Search").click()
    result = page.get_by_role("link", name=f"{patient.family_name}, {patient.given_name}")
    expect(result).to_be_visible()
    ui.check("search-results")
    result.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(patient.full_name)
    return page


def test_foundation_journey(site, new_ui):
    """log in → search → overview → record consent → emergency access → log extract → review,
    with axe on every page reached."""
    patient, identity = site.patient, site.patient.formatted_identity_number

    # --- the nurse: log in, find the patient, record a consent ---------------------------------
    nurse = new_ui()
    page = nurse.log_in(site.nurse, check=True)
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))  # the start page for the day
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    nurse.check("start")
    page = nurse.goto("/caseload/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My persons")
    nurse.check("caseload")

    open_overview_by_search(nurse, patient)
    expect(page).to_have_url(re.compile(rf"/persons/{patient.pk}/$"))
    expect(page.get_by_text("No consents you may see.")).to_be_visible()
    nurse.check("overview")

    page.get_by_role("link", name="Record a consent").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent of")
    nurse.check("consent-form")
    page.get_by_label("Choose myself", exact=True).check()
    page.get_by_label("Coordination within the unit").check()
    disclosures = page.get_by_role(
        "group", name=f"From {site.region.name} to {site.municipality.name}"
    )
    disclosures.get_by_label("Relatives").check()
    page.get_by_role("button", name="Record the consent").click()

    expect(page).to_have_url(re.compile(rf"/persons/{patient.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("The consent is recorded.")
    consents = page.get_by_role("region", name="Consents")
    expect(consents.get_by_role("heading", level=3)).to_contain_text(site.clinic.name)
    expect(consents.get_by_role("heading", level=3)).to_contain_text("Active")
    expect(consents).to_contain_text(f"{site.region.name} → {site.municipality.name}: Relatives")
    nurse.check("overview-with-consent")
    nurse.close()

    # --- the outsider: nothing found, then emergency access -----------------------------------
    outsider = new_ui()
    page = outsider.log_in(site.outsider)
    # The overview's address gives the same "not found" as for a person who does not exist.
    outsider.goto(f"/persons/{patient.pk}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text(patient.family_name)
    outsider.check("overview-not-found")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Find a person"
    ).click()
    page.get_by_label("Identity number or name").fill(identity)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No person you have access to matches.")).to_be_visible()
    expect(page.get_by_role("link", name=patient.family_name)).to_have_count(0)
    outsider.check("outsider-search-nothing")

    page.get_by_role("link", name="Take emergency access to this person").click()
    expect(page.get_by_role("heading", level=1, name="Emergency access")).to_be_visible()
    expect(page.get_by_label("Identity number")).to_have_value(re.compile(r"\d{8}-?\d{4}"))
    outsider.check("emergency-form")
    # The menu's way in, as a user who did not search first, fills the form from scratch.
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Emergency access"
    ).click()
    page.get_by_label("Identity number").fill(identity)
    page.get_by_label("The person cannot consent (unconscious or otherwise unable)").check()
    page.get_by_label(re.compile("^Reason")).fill("Urgent")  # too short: the form says why
    page.get_by_role("button", name="Take emergency access").click()
    summary = page.get_by_role("alert").filter(has_text="Please correct the following")
    expect(summary).to_be_focused()  # helhet.js: the summary first, its links lead on
    reason = page.get_by_label(re.compile("^Reason"))
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(re.compile("at least 3 different words"))
    outsider.check("emergency-form-errors")
    summary.get_by_role("link", name=re.compile("^Reason")).click()
    expect(reason).to_be_focused()
    reason.fill(EMERGENCY_REASON)
    page.get_by_role("button", name="Take emergency access").click()

    # (The browser keeps the error link's #id_reason through the redirect.)
    expect(page).to_have_url(re.compile(rf"/persons/{patient.pk}/(#.*)?$"))
    expect(page.get_by_role("alert")).to_contain_text("emergency access")
    expect(page.get_by_role("heading", level=1)).to_contain_text(patient.full_name)
    # Emergency access is read-only: no write actions are offered.
    expect(page.get_by_role("link", name="Record a consent")).to_have_count(0)
    expect(page.get_by_role("link", name="Add a relative")).to_have_count(0)
    outsider.check("overview-emergency")
    outsider.close()

    # --- the coordinator's log extract: the clinic, and the emergency access from elsewhere ---
    coordinator = new_ui()
    page = coordinator.log_in(site.coordinator)
    coordinator.goto(f"/persons/{patient.pk}/")
    page.get_by_role("link", name=re.compile("^Log extract")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log extract")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text=site.clinic.name).first).to_be_visible()
    expect(
        rows.filter(has_text=site.other_unit.name).filter(has_text="Emergency access").first
    ).to_be_visible()
    # Staff names are left out of the extract on purpose (see access.views.log_extract).
    expect(page.get_by_role("table")).not_to_contain_text(site.outsider.username)
    coordinator.check("log-extract")
    # Printable: the Print button prints, and print media hides the header, menu and buttons.
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed === true"), "the Print button does not print"
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("table")).to_be_visible()
    coordinator.screenshot("log-extract-print")
    page.emulate_media(media="screen")
    coordinator.close()

    # --- the coordinator reviews the region's access log ---------------------------------------
    reviewer = new_ui()
    page = reviewer.log_in(site.coordinator)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Access log").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Access log")
    expect(page.get_by_role("region", name="Log rows").get_by_role("table")).to_contain_text(
        patient.full_name
    )
    waiting = page.get_by_role("region", name="Emergency accesses to review")
    expect(waiting).to_contain_text("The person cannot consent")
    reviewer.check("log-review")
    waiting.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("status")).to_contain_text("marked as reviewed")
    expect(page.get_by_text("No emergency access waits for review.")).to_be_visible()


def test_wrong_login_shows_an_error(site, ui):
    page = ui.goto("/accounts/login/")
    page.get_by_label("Username").fill(site.nurse.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Log in"))
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.get_by_label("Username")).to_have_value(site.nurse.username)
    ui.check("login-error")


def test_login_by_keyboard(site, ui):
    """The login page focuses nothing on load (no autofocus), so the first Tab reaches the skip
    link, as on every page; Enter on it skips the header, and Tab goes on through user name,
    password and the button."""
    page = ui.goto("/accounts/login/")
    assert page.evaluate("document.activeElement === document.body")
    skip = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, f"the focused skip link is off screen: {box}"
    ui.screenshot("skip-link-focused")
    page.keyboard.press("Enter")  # skip the header: the next Tab starts in main
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(site.nurse.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("test-password-123")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Log in")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.press("Enter")  # Enter in a field submits the form
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    # the start page; the redirect keeps the skip link's #main
    expect(page).to_have_url(re.compile(r"://[^/]+/(#main)?$"))


def test_skip_link_is_the_first_tab_stop(site, ui):
    """On a page without autofocus, the first Tab reaches the skip link, and Enter on it moves
    the next Tab past the header and menu into the main content."""
    ui.log_in(site.nurse)
    page = ui.goto("/caseload/?scope=unit")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert in_main, page.evaluate("document.activeElement.outerHTML")


def focus_sequence(page, limit=120):
    """Tab through the page from the top; the focused elements' names, with a visible focus."""
    seen = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id,
                    name: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
                    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                    key: el.tagName + '#' + el.id + '|' + (el.href || el.name || '') + '|'
                         + (el.innerText || el.value || '')};
        }""")
        if info is None or (seen and info["key"] == seen[0]["key"]):
            break  # wrapped around to the browser's UI or the first element
        seen.append(info)
    return seen


def test_overview_actions_reachable_by_keyboard(site, ui):
    ui.log_in(site.nurse)
    page = ui.goto(f"/persons/{site.patient.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.patient.full_name)
    sequence = focus_sequence(page)
    names = [s["name"] for s in sequence]
    for action in (
        "Skip to content",
        "Find a person",
        "Record a consent",
        "Add a relative",
        "Close",
        "Case team",
        "Log out",
    ):
        assert action in names, f"{action!r} is not reached by Tab; reached: {names}"
    assert names[0] == "Skip to content", names
    no_outline = [s for s in sequence if not s["outline"]]
    assert not no_outline, f"focused without a visible outline: {no_outline}"
    # And an action works from the keyboard: Enter on the focused link opens the consent form.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(len(names)):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.innerText.trim()") == "Record a consent":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent of")


def test_swedish_by_default(site, new_ui):
    """Swedish chosen (as it is by default in production): lang="sv", and the Swedish
    catalogue's text (the English msgid while the catalogue is not compiled)."""
    ui = new_ui(locale="sv-SE")
    page = ui.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    with translation.override("sv"):
        expect(page.get_by_role("heading", level=1)).to_have_text(gettext("Log in to Helhet"))
    expect(page.locator("#language")).to_have_value("sv")
    ui.check("login-sv")
    page.locator("#id_username").fill(site.nurse.username)
    page.locator("#id_password").fill("test-password-123")
    page.locator("form.stacked button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    ui.check("start-sv")


def test_english_for_an_english_browser(site, ui):
    page = ui.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Helhet")


def test_language_can_be_changed(site, ui):
    """The footer's language menu names each language in itself and switches the UI."""
    page = ui.goto("/accounts/login/")
    menu = page.get_by_label("Language")
    expect(menu.locator("option[value=sv]")).to_have_text("Svenska")
    expect(menu.locator("option[value=sv]")).to_have_attribute("lang", "sv")
    menu.select_option("sv")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
