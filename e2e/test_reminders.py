"""The task list in a real browser: an episode with no contact for weeks shows as a task with a
link to record one, and the list is checked with axe in both scopes."""

import re

from playwright.sync_api import expect

from helhet.care.models import CaseTeamMember
from helhet.reminders.refresh import refresh_unit


def test_the_nurse_sees_a_person_without_recent_contact_and_acts_on_it(site, ui):
    CaseTeamMember.objects.get_or_create(
        episode=site.episode,
        user=site.nurse,
        defaults={"added_by": site.nurse, "role": CaseTeamMember.Role.MEMBER},
    )
    refresh_unit(site.clinic)
    page = ui.log_in(site.nurse)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="To do").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(site.patient.family_name)
    ui.check("my tasks")
    page.get_by_role("link", name="Show everyone at the unit I may see").click()
    expect(main).to_contain_text(site.patient.family_name)
    ui.check("my tasks, whole unit")
    main.get_by_role("link", name=f"{site.patient.family_name}, {site.patient.given_name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.patient.full_name)
    page.go_back()
    main.get_by_role("link", name=re.compile("^Record a contact")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a contact with")
