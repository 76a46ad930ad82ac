"""The steering group's work in a real browser, in Swedish: a member opens the group's page
(members per party, the year's cycle), records a meeting that looks at the last month, opens
it — the follow-up of the period and the open checklist items are there — records a decision
with its owner and due date, and opens the printable minutes, the decision, the meeting's edit
page and a new step of the year's cycle, marked done on its own page. axe checks every page."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from helhet.governance.models import Decision, Meeting

from .conftest import PASSWORD
from .test_governance import agreement_in_force, steering_member


def test_a_member_opens_a_meeting_with_the_follow_up_and_records_a_decision(site, new_ui):
    agreement_in_force(site)
    member = steering_member(site)
    group = site.clinic.steering_groups.get()
    today = timezone.localdate()

    ui = new_ui(locale="sv-SE")
    page = ui.goto("/accounts/login/")
    page.locator("#id_username").fill(member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    ui.goto(f"/governance/steering-groups/{group.pk}/")
    expect(page.get_by_role("heading", name="Ledamöter per part")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Region Testland")
    expect(page.get_by_role("heading", name=f"Årshjulet {today.year}")).to_be_visible()
    ui.check("steering group")

    # --- a new step of the year's cycle -------------------------------------------------------
    page.get_by_role("link", name="Lägg till ett moment i årshjulet").click()
    ui.check("new cycle step")
    page.locator("#id_kind").select_option("budget")
    page.locator("#id_month").select_option(str(today.month))
    page.locator("#id_day").fill(str(min(today.day + 3, 28)))
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Momentet är tillagt i årshjulet.")
    expect(page.get_by_role("table", name="Årets moment och om de är utförda")).to_contain_text(
        "Budget"
    )

    # --- a new meeting looking at the last month ----------------------------------------------
    page.get_by_role("link", name="Nytt möte").click()
    ui.check("new meeting")
    page.get_by_label("Datum").fill(today.isoformat())
    page.get_by_label("Plats").fill("Regionhuset")
    page.get_by_label("Uppföljning från").fill((today - datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Uppföljning till och med").fill(
        (today - datetime.timedelta(days=1)).isoformat()
    )
    page.get_by_label("Dagordning").fill("Uppföljningen\nChecklistan\nAvvikelser")
    page.get_by_label(str(member)).check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Mötet är registrerat.")
    meeting = Meeting.objects.get(group=group)

    # --- the meeting shows the follow-up and the open checklist items -------------------------
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("möte")
    expect(page.get_by_role("heading", name="Uppföljningen av", exact=False)).to_be_visible()
    expect(page.locator("table.figures").first).to_be_visible()
    expect(
        page.get_by_role("table", name="Punkter i checklistan som inte är klara")
    ).to_be_visible()
    expect(main).to_contain_text("Uppföljning av Socialmedicinska mottagningen")
    ui.check("meeting")

    # --- a decision with its owner and due date -----------------------------------------------
    due = today + datetime.timedelta(days=30)
    page.locator("#id_text").fill("Ta fram en rutin för överlämning vid utskrivning.")
    page.locator("#id_owner").select_option(label=f"{member} (Region Testland)")
    page.locator("#id_due_on").fill(due.isoformat())
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är registrerat.")
    decisions = page.get_by_role("table", name="Mötets beslut")
    expect(decisions).to_contain_text("Ta fram en rutin")
    expect(decisions).to_contain_text(due.isoformat())
    decision = Decision.objects.get(meeting=meeting)
    assert (decision.owner, decision.due_on) == (member, due)
    ui.check("decision recorded")

    # --- the other new pages ------------------------------------------------------------------
    ui.goto(f"/governance/decisions/{decision.pk}/")
    ui.check("decision")
    ui.goto(f"/governance/meetings/{meeting.pk}/edit/")
    ui.check("meeting edit")
    ui.goto(f"/governance/meetings/{meeting.pk}/minutes/")
    expect(page.get_by_role("main")).to_contain_text("Ta fram en rutin")
    ui.check("minutes")
    step = group.cycle_steps.get()
    ui.goto(f"/governance/cycle/{step.pk}/")
    ui.check("cycle step")

    # --- the step's page (where its reminder leads) marks the occurrence due done --------------
    page.get_by_role("button", name=f"Utfört för {today.year}").click()
    expect(page.get_by_role("status")).to_contain_text("Årshjulet är uppdaterat.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Budget")
    assert list(step.done.values_list("year", flat=True)) == [today.year]
    ui.check("cycle step done")
