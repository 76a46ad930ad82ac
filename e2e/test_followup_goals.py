"""Issue 18's pages in a real browser, in Swedish, with axe on each: a person's outcomes and the
outcome form (a nurse), the agreement's targets (the coordinator), the unit's surveys — the
staff page, paper entry, results, comments to review, the user council and a meeting's edit
page — and the public pages a person answers on (the code's page, the kiosk's start screen and
questionnaire)."""

import datetime
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from helhet.governance import steering_actions, target_actions
from helhet.surveys import actions as surveys
from helhet.surveys import questionnaires
from helhet.surveys.models import Channel

from .conftest import PASSWORD
from .test_governance import agreement_in_force, steering_member


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
    meeting = surveys.meeting_record(
        user=site.coordinator,
        units=[site.clinic],
        held_on=timezone.localdate(),
        groups=["persons"],
        participants="6",
        notes="Kvällsöppet",
    )
    surveys.proposal_record(
        user=site.coordinator,
        unit=site.clinic,
        meeting=meeting,
        raised_on=timezone.localdate(),
        from_group="persons",
        text="Öppet på kvällen",
    )
    for name, path in [
        ("results", f"/surveys/units/{unit}/results/"),
        ("council", f"/surveys/units/{unit}/council/"),
    ]:
        ui.goto(path, status=200)
        ui.check(name)
    page = ui.goto(f"/surveys/council/meetings/{meeting.pk}/edit/", status=200)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ändra mötet")
    ui.check("council meeting edit")

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


def test_the_steering_groups_meeting_shows_targets_outcomes_and_survey_results(site, new_ui):
    """Issue 18's "done when": a steering group's page with the agreement's targets, the
    outcomes and the survey results of the period, in Swedish, with axe."""
    agreement = agreement_in_force(site)
    member = steering_member(site)
    group = site.clinic.steering_groups.get()
    # the last whole month: its targets, its answers (kept by month) and its follow-up
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - datetime.timedelta(days=1)
    start = end.replace(day=1)
    target_actions.target_save(
        user=site.coordinator,
        agreement_id=agreement.pk,
        agreement_version=agreement.versions.get(),
        indicator="sip_share",
        comparison="at_least",
        value=Decimal(80),
        goal_image=1,
        starts_on=start,
        ends_on=end,
    )
    questionnaire = questionnaires.get("persons")
    for value in (5, 4, 4, 3, 4):
        surveys.response_submit(
            unit=site.clinic,
            questionnaire=questionnaire,
            channel=Channel.PAPER,
            day=start,
            answers={1: value},
            comment="",
        )
    meeting = steering_actions.meeting_save(
        user=member,
        group_id=group.pk,
        based_on=None,
        held_on=timezone.localdate(),
        period_start=start,
        period_end=end,
        place="Regionhuset",
        agenda=["Uppföljningen"],
        attendees=[member],
        minutes="",
    )

    ui = new_ui(locale="sv-SE")
    page = log_in(ui, member)
    ui.goto(f"/governance/meetings/{meeting.pk}/", status=200)
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name="Målvärden")).to_be_visible()
    expect(main).to_contain_text("80")
    expect(page.get_by_role("heading", name="Utfall", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Personernas egen röst: enkäter")).to_be_visible()
    voice = page.locator("section[aria-labelledby=group-voice]")
    expect(voice).to_contain_text("4,0")  # (5 + 4 + 4 + 3 + 4) / 5, in Swedish
    ui.check("steering meeting with targets, outcomes and surveys")
