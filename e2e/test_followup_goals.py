"""Issue 18's pages in a real browser, in Swedish, with axe on each: a person's outcomes and the
outcome form (a nurse), the agreement's targets (the coordinator), the unit's surveys — the
staff page, paper entry, results, comments to review, the user council — and the public pages
a person answers on (the code's page, the kiosk's start screen and questionnaire)."""

from django.utils import timezone
from playwright.sync_api import expect

from helhet.surveys import actions as surveys

from .conftest import PASSWORD
from .test_governance import agreement_in_force


def log_in(ui, user):
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    return page


def test_outcomes_targets_and_surveys_pages_pass_axe(site, new_ui):
    agreement = agreement_in_force(site)
    ui = new_ui(locale="sv-SE")
    log_in(ui, site.nurse)

    person = site.patient.pk
    ui.goto(f"/persons/{person}/outcomes/", status=200)
    ui.check("outcomes")
    page = ui.goto(f"/persons/{person}/outcomes/new/", status=200)
    expect(page.get_by_role("main")).to_contain_text("Diagnoser")
    ui.check("outcome form")

    unit = site.clinic.pk
    for name, path in [
        ("surveys", f"/surveys/units/{unit}/"),
        ("paper", f"/surveys/units/{unit}/paper/persons/"),
        ("comments", f"/surveys/units/{unit}/comments/"),
    ]:
        ui.goto(path, status=200)
        ui.check(name)

    ui = new_ui(locale="sv-SE")
    log_in(ui, site.coordinator)
    page = ui.goto(f"/governance/agreements/{agreement.pk}/targets/", status=200)
    expect(page.get_by_role("main")).to_contain_text("Målvärden")
    ui.check("targets")
    for name, path in [
        ("results", f"/surveys/units/{unit}/results/"),
        ("council", f"/surveys/units/{unit}/council/"),
    ]:
        ui.goto(path, status=200)
        ui.check(name)

    # the public pages: a code from a slip, answered without logging in
    code = surveys.code_issue(
        unit=site.clinic, questionnaire="persons", today=timezone.localdate()
    ).code
    ui = new_ui(locale="sv-SE")
    ui.goto("/s/", status=200)
    ui.check("code entry")
    page = ui.goto(f"/s/{code}/", status=200)
    expect(page.locator("fieldset").first).to_be_visible()
    ui.check("code questionnaire")
