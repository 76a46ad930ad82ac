"""Page-level checks: the site's own assets are served, and every page not on the journey
(test_journey.py) passes axe."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from helhet.care.models import ClosureReason
from helhet.core.models import Unit
from tests import factories as f

from .conftest import axe_check


def test_stylesheet_is_served(live_server, transactional_db, ui):
    """helhet.css must be found by the static files' finders (and so by collectstatic)."""
    failed = []
    ui.page.on(
        "response",
        lambda r: (
            failed.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/static/" in r.url
            else None
        ),
    )
    page = ui.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not failed, (
        f"static files not served: {failed}. src/helhet/static/ is not a source of static files: "
        "`helhet` is not an installed app and STATICFILES_DIRS is not set in helhet/settings.py."
    )
    # The stylesheet is applied: the skip link is moved off screen until focused.
    box = page.get_by_role("link", name="Skip to content").bounding_box()
    assert box is not None and box["x"] < 0, box


def test_axe_check_catches_violations(browser):
    """The checker is not vacuous: a page with known WCAG failures fails it, with the rule ids."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html><body><img src="x.png"><input type="text">'
            '<p style="color:#aaa;background:#fff">faint</p></body></html>'
        )
        with pytest.raises(pytest.fail.Exception) as failure:
            axe_check(page, step="negative control", report=False)
        message = str(failure.value)
        for rule in ("html-has-lang", "image-alt", "label", "color-contrast"):
            assert rule in message, message
    finally:
        context.close()


# --- Every page not on the journey, each checked with axe -------------------------------------

NEW_PERSON = ("Greta", "Testberg", "19850412-9803")  # a test personnummer (birth number 980)


@pytest.fixture
def act_team(site):
    """A second unit for the nurse: an ACT team, where only a person's case team sees them."""
    unit = f.UnitFactory(
        name="ACT-teamet Testland",
        unit_type=Unit.Type.ACT,
        access_mode=Unit.AccessMode.CASE_TEAM,
        organisations=[site.region, site.municipality],
    )
    f.MembershipFactory(user=site.nurse, unit=unit)
    return unit


def episode_row(page, unit):
    return page.get_by_role("region", name="Episodes").get_by_role("row").filter(has_text=unit.name)


def test_the_nurses_pages_pass_axe(site, ui, act_team, consent_for_coordination):
    """Register a person, add a relative, switch unit, open an episode, the case team, close and
    reactivate an episode, withdraw a consent: every form, and the register form's errors."""
    patient = site.patient
    page = ui.log_in(site.nurse)
    # On no case team anywhere, the clinic (everyone sees its persons) is the default unit,
    # though the ACT team comes first by name.
    expect(page.get_by_label("Unit")).to_have_value(str(site.clinic.pk))

    # Register a person: the errors, then the person.
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Register a person").click()
    expect(page.get_by_role("heading", level=1, name="Register a person")).to_be_visible()
    page.get_by_role("button", name="Register and open episode").click()
    expect(page.get_by_role("alert")).to_be_focused()
    expect(page.get_by_label("Identity number")).to_have_attribute("aria-invalid", "true")
    ui.check("register-errors")
    given, family, number = NEW_PERSON
    page.get_by_label("Identity number").fill(number)
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Municipality of residence").select_option(label=site.home.name)
    page.get_by_role("button", name="Register and open episode").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{given} {family}")
    expect(page.get_by_role("status")).to_contain_text("is registered")

    # A relative of the patient.
    ui.goto(f"/persons/{patient.pk}/")
    page.get_by_role("link", name="Add a relative").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a relative")
    ui.check("relative-form")
    page.get_by_role("textbox", name="Name", exact=True).fill("Nils Tolvansson")
    page.get_by_label("Relation").fill("Bror")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Relatives")).to_contain_text("Nils Tolvansson")

    # The unit switcher: to the ACT team, on the same page.
    page.get_by_label("Unit").select_option(label=act_team.name)
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_label("Unit")).to_have_value(str(act_team.pk))
    expect(page.get_by_role("heading", level=1)).to_contain_text(patient.full_name)
    ui.check("unit-switched")

    # Open an episode at the ACT team; the nurse joins its case team.
    page.get_by_role("link", name=f"Open an episode at {act_team.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open an episode")
    ui.check("episode-open")
    page.get_by_role("button", name="Open episode").click()
    expect(page.get_by_role("status")).to_contain_text("The episode is opened.")
    episode_row(page, act_team).get_by_role("link", name="Case team").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case team of")
    ui.check("case-team")
    page.get_by_role("link", name="Back to the person").click()

    # Close the clinic's episode (the ACT episode keeps the person visible), then reactivate it.
    episode_row(page, site.clinic).get_by_role("link", name="Close").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Close the episode")
    ui.check("episode-close")
    page.get_by_label("Reason for closing").select_option(label="Goals reached")
    page.get_by_role("button", name="Close episode").click()
    expect(page.get_by_role("status")).to_contain_text("The episode is closed.")
    episode_row(page, site.clinic).get_by_role("link", name="Reactivate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reactivate")
    ui.check("episode-reactivate")
    page.get_by_role("button", name="Reactivate").click()
    expect(page.get_by_role("status")).to_contain_text("The episode is reactivated.")

    # Withdraw the consent.
    page.get_by_role("link", name="Record withdrawal").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw the consent")
    ui.check("consent-withdraw")
    page.get_by_label("Withdrawn by").fill("The person, by telephone")
    page.get_by_role("button", name="Withdraw the consent").click()
    expect(page.get_by_role("status")).to_contain_text("withdrawal")


def test_the_locked_out_page_passes_axe(site, ui, settings):
    settings.AXES_FAILURE_LIMIT = 1
    page = ui.goto("/accounts/login/")
    page.get_by_label("Username").fill(site.nurse.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed attempts")
    expect(page).to_have_title(re.compile(r"^Login locked"))
    # The lockout answers 429 (Too Many Requests): expected here, not a console error.
    ui.console_errors = [e for e in ui.console_errors if "status of 429" not in e]
    ui.check("locked-out")


def test_the_block_pages_pass_axe(site, ui):
    """Record a block at the person's request (its errors first), then lift it."""
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/")
    page.get_by_role("link", name="Blocks at this unit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blocks of")
    ui.check("blocks")
    page.get_by_role("button", name="Record the block").click()
    expect(page.get_by_role("alert")).to_be_focused()
    ui.check("blocks-errors")
    page.get_by_label("The person asked for the block, and I took the request.").check()
    page.get_by_role("button", name="Record the block").click()
    expect(page.get_by_role("status")).to_contain_text("The block is recorded.")
    page.get_by_role("link", name="Lift the block at the person's request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lift the block of")
    ui.check("block-lift")
    page.get_by_label("The person asked to lift the block, and I took the request.").check()
    page.get_by_role("button", name="Lift the block").click()
    expect(page.get_by_role("status")).to_contain_text("The block is lifted.")
    expect(page.get_by_role("region", name="Lifted blocks")).to_be_visible()


def test_the_units_block_pages_pass_axe(site, ui):
    """The coordinator lifts a block at the person's request from the unit's blocks, the
    person's episode at the unit closed (its errors first)."""
    episode = site.episode
    episode.closed_on, episode.closed_by = datetime.date(2026, 3, 1), site.nurse
    episode.closure_reason = ClosureReason.objects.get(code="moved")
    episode.save()
    f.BlockFactory(person=site.patient, unit=site.clinic, recorded_by=site.nurse)
    page = ui.log_in(site.coordinator)
    ui.goto("/tasks/")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Blocks").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Blocks in force at")
    ui.check("unit-blocks")
    page.get_by_role("link", name=f"Lift the block of {site.patient.full_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lift the block of")
    page.get_by_role("button", name="Lift the block").click()
    expect(page.get_by_role("alert")).to_be_focused()
    ui.check("unit-block-lift-errors")
    page.get_by_label("The person asked to lift the block, and I took the request.").check()
    page.get_by_role("button", name="Lift the block").click()
    expect(page.get_by_role("status")).to_contain_text("The block is lifted.")
    expect(page.get_by_text("No block of your organisation's records")).to_be_visible()


def test_the_password_link_pages_pass_axe(site, ui, mailoutbox):
    """Forgotten password: ask for the link, follow it, choose a password (core/accounts.py)."""
    site.nurse.email = "nurse@example.test"
    site.nurse.save()
    page = ui.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten password")
    ui.check("password-reset-form")
    page.get_by_label("Email").fill("nurse@example.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    ui.check("password-reset-done")
    [message] = mailoutbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", message.body).group(1)
    page = ui.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    ui.check("password-reset-confirm")
    page.locator("#id_new_password1").fill("Mitt-eget-losen-42")
    page.locator("#id_new_password2").fill("Mitt-eget-losen-42")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")
    ui.check("password-reset-complete")
