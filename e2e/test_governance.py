"""The collaboration agreement in a real browser: the municipality's manager walks the clinic's
agreement and proposes a change, the manager approves it for the municipality and the region's
coordinator for the region, and it is in force; the checklist, staffing and costs; the steering
group's member reads the open checklist items in Swedish. axe checks every page."""

import datetime
import re

from playwright.sync_api import expect

from helhet.core.models import User
from helhet.followup.models import SteeringGroup
from helhet.governance import actions
from helhet.governance.models import Agreement, Cost
from tests import factories as f

from .conftest import PASSWORD


def agreement_in_force(site):
    agreement = Agreement.objects.create(name="Överenskommelse Socialmedicin Testby")
    agreement.units.add(site.clinic)
    version = actions.version_propose(
        user=site.coordinator,
        agreement_id=agreement.pk,
        based_on=0,
        parties=[site.region, site.municipality],
        mission="Samordnat stöd från båda huvudmännen.",
        target_group="Vuxna med missbruk och psykisk ohälsa.",
        starts_on=datetime.date(2026, 1, 1),
        goals=["Fler får en SIP"],
        steps=[("Enhetscheferna", 14, False), ("Styrgruppen", 30, True)],
    )
    for user in (site.coordinator, site.manager):
        actions.version_approve(user=user, version_id=version.pk)
    year = datetime.date.today().year
    Cost.objects.create(agreement=agreement, year=year, kind="premises", amount=300_000)
    key = actions.key_save(
        user=site.manager,
        agreement_id=agreement.pk,
        year=year,
        method="fixed",
        shares={site.region.pk: 50, site.municipality.pk: 50},
    )
    actions.key_approve(user=site.coordinator, key_id=key.pk)  # the other party: in force
    return agreement


def steering_member(site):
    group = SteeringGroup.objects.create(name="Styrgrupp Testby")
    group.units.add(site.clinic)
    member = f.UserFactory(
        username="steering", organisation=site.region, profession=User.Profession.MANAGER
    )
    group.members.add(member)
    return member


def test_both_parties_approve_a_change_and_the_checklist_is_followed(site, new_ui):
    agreement = agreement_in_force(site)
    member = steering_member(site)

    # --- the municipality's manager walks the agreement and proposes a change ---------------
    manager = new_ui()
    page = manager.log_in(site.manager)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Agreements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements")
    manager.check("index")
    page.get_by_role("link", name=agreement.name).click()
    expect(page.get_by_role("heading", name="In force")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Samordnat stöd från båda huvudmännen.")
    manager.check("agreement")
    page.get_by_role("link", name="Propose a change").click()
    manager.check("propose")
    page.get_by_label("What changes and why").fill("Uppdraget vidgas till anhöriga.")
    page.get_by_label("Mission").fill("Samordnat stöd, också till anhöriga.")
    page.get_by_role("button", name="Propose the change").click()
    expect(page.get_by_role("table", name="Approvals")).to_contain_text("Not yet")
    manager.check("proposed")
    page.get_by_role("button", name="Approve for Testby kommun").click()
    expect(page.get_by_role("status")).to_contain_text("approval is recorded")
    manager.check("approved once")

    # --- the region's coordinator approves: the new version is in force ---------------------
    coordinator = new_ui()
    page = coordinator.log_in(site.coordinator)
    coordinator.goto(f"/governance/agreements/{agreement.pk}/")
    page.get_by_role("button", name="Approve for Region Testland").click()
    expect(page.get_by_role("status")).to_contain_text("Every party has approved")
    expect(page.get_by_role("main")).to_contain_text("Version 2, in force since")
    expect(page.get_by_role("main")).to_contain_text("Samordnat stöd, också till anhöriga.")
    coordinator.check("in force")
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("superseded")
    coordinator.check("version 1")

    # --- the checklist: an item done, by keyboard -------------------------------------------
    coordinator.goto(f"/governance/agreements/{agreement.pk}/")
    page.get_by_role("navigation", name="Agreement").get_by_role("link", name="Checklist").click()
    expect(page.get_by_role("table", name="Checklist")).to_contain_text("Written agreement")
    coordinator.check("checklist")
    page.get_by_role("link", name=re.compile(r"^Change ?: Written agreement")).focus()
    page.keyboard.press("Enter")
    coordinator.settle()
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Responsible").fill("Enhetschefen")
    coordinator.check("checklist item")
    page.get_by_role("button", name="Save").click()
    row = page.get_by_role("row", name=re.compile("Written agreement"))
    expect(row).to_contain_text("done")

    # --- staffing and costs -----------------------------------------------------------------
    page.get_by_role("navigation", name="Agreement").get_by_role("link", name="Staffing").click()
    page.get_by_label("Profession").select_option("nurse")
    page.get_by_label("Share of full time (%)").fill("80")
    page.get_by_role("button", name="Add the position").click()
    expect(page.get_by_role("table", name=re.compile("^Agreed against actual"))).to_contain_text(
        "0.80"
    )
    coordinator.check("staffing")
    page.get_by_role("navigation", name="Agreement").get_by_role("link", name="Costs").click()
    statement = page.get_by_role("table", name=re.compile("^Statement per party"))
    expect(statement.get_by_role("row", name=re.compile("^Region Testland"))).to_contain_text(
        "150000"
    )
    coordinator.check("costs")
    page.get_by_role("link", name="Change the key").click()
    coordinator.check("key")

    # --- the steering group's member, in Swedish: what is not done --------------------------
    steering = new_ui(locale="sv-SE")
    page = steering.goto("/accounts/login/")
    page.locator("#id_username").fill(member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()  # on the follow-up
    steering.goto(f"/governance/steering-groups/{agreement.units.get().steering_groups.get().pk}/")
    items = page.get_by_role("table", name="Punkter i checklistan som inte är klara")
    expect(items).to_contain_text("Ansvarsfördelning")
    expect(items).not_to_contain_text("Nedtecknad avtal/överenskommelse")
    steering.check("steering group")
    steering.goto(f"/governance/agreements/{agreement.pk}/")
    expect(page.get_by_role("heading", name="Gällande")).to_be_visible()
    expect(page.get_by_role("link", name="Föreslå en ändring")).to_have_count(0)
    steering.check("agreement in Swedish")
