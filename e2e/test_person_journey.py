"""One person's whole journey, in a real browser, as the region's nurse and the municipality's
social worker, with the axe check on every page reached (issue 3, "Done when"):

self-referral → inbox and triage → intake (episode) → consent → AUDIT (nurse) and DUDIT (social
worker) → a SIP with both authorities and a follow-up meeting → a month of contacts and a
drop-in day → closure → reactivation. Each sees what the consent allows and no more, and every
page about the person wrote its row in the access log, whose chain still verifies.
"""

import datetime
import re

from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from helhet.access import log
from helhet.access.models import AccessLogEntry
from helhet.care.models import ClosureReason, Episode
from helhet.contacts.models import Contact
from helhet.people.models import Person
from tests import factories as f

NUMBER = "19900118-9803"  # a test personnummer (birth number 980)
NURSE_NOTE = "The region's note: withdrawal symptoms are easing."
SW_NOTE = "The municipality's note: the housing application is sent."


def answer_all(page, items: int) -> None:
    """The first answer of each item (score 0), then item 1's second answer."""
    for n in range(1, items + 1):
        page.get_by_role("group", name=re.compile(rf"^{n}\. ")).get_by_role("radio").first.check()
    page.get_by_role("group", name=re.compile(r"^1\. ")).get_by_role("radio").nth(1).check()


def overview(ui, person):
    page = ui.goto(f"/persons/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.family_name)
    ui.settle()
    return page


def test_from_self_referral_to_closure_and_return(site, new_ui):
    cache.clear()  # the public page's flood limit counts per address: start from zero
    f.InterventionFactory(code="mi", name="Motivational interviewing", name_sv="MI")
    f.InterventionFactory(code="housing_support", name="Housing support", name_sv="Boendestöd")
    region, municipality = site.region.name, site.municipality.name

    # --- a person writes on the unit's public page ----------------------------------------------
    public = new_ui()
    page = public.goto(f"/in/{site.clinic.slug}/")
    page.get_by_label("Your name").fill("Vera Vägin")
    page.get_by_label("How can we reach you?").fill("070-555 01 02")
    page.get_by_label("What would you like help with?").fill("Jag dricker för mycket.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your message")
    public.check("self-referral sent")
    public.close()

    # --- the nurse: triage, intake, consent ------------------------------------------------------
    nurse = new_ui()
    page = nurse.log_in(site.nurse)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Referrals").click()
    page.get_by_role("row", name=re.compile("Vera Vägin")).get_by_role("link").first.click()
    nurse.check("referral")
    page.get_by_role("link", name="Accept").click()
    page.get_by_label("Identity number").fill(NUMBER)
    page.get_by_label("Municipality of residence").select_option(label=site.home.name)
    page.get_by_role("button", name="Accept and open episode").click()
    expect(page.get_by_role("status")).to_contain_text("The referral is accepted")
    vera = Person.objects.get(given_name="Vera")
    episode = Episode.objects.get(person=vera, unit=site.clinic, closed_on=None)

    # The consent: coordination; the region shares contacts, assessments and plans with the
    # municipality; the municipality shares contacts and plans with the region. No notes.
    page.get_by_label("Choose myself", exact=True).check()
    page.get_by_label("Coordination within the unit").check()
    to_municipality = page.get_by_role("group", name=f"From {region} to {municipality}")
    for category in ("Contacts and interventions", "Assessments (AUDIT, DUDIT)"):
        to_municipality.get_by_label(category).check()
    to_municipality.get_by_label("Treatment plans and SIP").check()
    to_region = page.get_by_role("group", name=f"From {municipality} to {region}")
    to_region.get_by_label("Contacts and interventions").check()
    to_region.get_by_label("Treatment plans and SIP").check()
    nurse.check("consent form")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_role("status")).to_contain_text("The consent is recorded.")

    # --- the nurse's AUDIT -----------------------------------------------------------------------
    nurse.goto(f"/persons/{vera.pk}/assessments/new/audit/")
    answer_all(page, 10)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("AUDIT is saved: total 1")
    nurse.check("audit saved")

    # --- the social worker: sees the person under the consent; the DUDIT ---------------------
    social = new_ui()
    page_sw = social.log_in(site.social_worker)
    overview(social, vera)
    expect(page_sw.get_by_role("main")).to_contain_text("under the consent recorded on")
    social.check("overview under consent")
    social.goto(f"/persons/{vera.pk}/assessments/new/dudit/")
    answer_all(page_sw, 11)
    page_sw.get_by_role("button", name="Save", exact=True).click()
    expect(page_sw.get_by_role("status")).to_contain_text("DUDIT is saved")
    # The region's AUDIT is disclosed to the municipality under the consent.
    expect(page_sw.get_by_role("table", name=re.compile("AUDIT results"))).to_be_visible()
    social.check("assessments under consent")

    # --- the nurse: the SIP with both authorities, and a follow-up meeting --------------------
    nurse.goto(f"/persons/{vera.pk}/sip/new/")
    page.get_by_label("The person's goal, in their own words").fill("Ett eget boende och nykter.")
    first = page.get_by_role("group", name="Intervention 1")
    first.get_by_label("Intervention").select_option(label="Motivational interviewing")
    first.get_by_label("Responsible authority").select_option(label=region)
    second = page.get_by_role("group", name="Intervention 2")
    second.get_by_label("Intervention").select_option(label="Housing support")
    second.get_by_label("Responsible authority").select_option(label=municipality)
    page.get_by_label("Authority with overall responsibility").select_option(label=region)
    page.get_by_role("button", name="Save the new version").click()
    expect(page.get_by_role("status")).to_be_visible()
    nurse.check("sip saved")
    nurse.goto(f"/persons/{vera.pk}/sip/meetings/new/")
    page.get_by_label("Called by").select_option(str(site.nurse.pk))
    page.get_by_label("Invited (one per line)").fill("Vera\nSocialtjänsten")
    page.get_by_label("Minutes").fill("Planen gicks igenom. Boendestöd söks.")
    follow_up = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Next follow-up").fill(follow_up.isoformat())
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_role("status")).to_be_visible()
    nurse.check("sip meeting saved")

    # The social worker reads the region's SIP under the consent.
    social.goto(f"/persons/{vera.pk}/sip/")
    expect(page_sw.get_by_role("main")).to_contain_text("Housing support")
    social.check("sip under consent")

    # --- a month of contacts, each recorded by its writer ------------------------------------
    today = timezone.localdate()
    for days_ago in range(28, 0, -3):
        writer = site.nurse if days_ago % 2 else site.social_worker
        f.ContactFactory(
            person=vera,
            unit=site.clinic,
            episode=episode,
            organisation=writer.organisation,
            recorded_by=writer,
            starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        )
    nurse.goto(f"/persons/{vera.pk}/contacts/new/")
    page.get_by_label("Note").fill(NURSE_NOTE)
    page.get_by_role("button", name="Record contact").click()
    expect(page.get_by_role("status")).to_contain_text("The contact is recorded.")
    social.goto(f"/persons/{vera.pk}/contacts/new/")
    page_sw.get_by_label("Note").fill(SW_NOTE)
    page_sw.get_by_role("button", name="Record contact").click()
    expect(page_sw.get_by_role("status")).to_contain_text("The contact is recorded.")
    # Contacts are disclosed both ways, the notes are not: each sees only their own.
    expect(page_sw.get_by_role("main")).to_contain_text(SW_NOTE)
    expect(page_sw.get_by_role("main")).not_to_contain_text(NURSE_NOTE)
    social.check("contacts, social worker")
    nurse.goto(f"/persons/{vera.pk}/contacts/")
    expect(page.get_by_role("main")).to_contain_text(NURSE_NOTE)
    expect(page.get_by_role("main")).not_to_contain_text(SW_NOTE)
    nurse.check("contacts, nurse")

    # The social worker's timeline: her own items, and the region's under the consent.
    social.goto(f"/persons/{vera.pk}/timeline/")
    timeline = page_sw.get_by_role("main")
    expect(timeline).to_contain_text("AUDIT")
    expect(timeline).to_contain_text("Disclosed under consent recorded")
    expect(timeline).to_contain_text("Own organisation")
    expect(timeline).not_to_contain_text(NURSE_NOTE)
    social.check("timeline, social worker")

    # --- the drop-in day -----------------------------------------------------------------------
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Drop-in day").click()
    page.get_by_label("Identity number or name, row 1", exact=True).fill(NUMBER)
    page.get_by_role("button", name="Register all visits").click()
    expect(page.get_by_role("status")).to_contain_text("1 drop-in visit is registered.")
    assert Contact.objects.filter(person=vera).count() == 13  # 10 + 2 + the drop-in visit

    # --- closure, and the return ---------------------------------------------------------------
    page = overview(nurse, vera)
    page.get_by_role("link", name="Close", exact=True).click()
    reason = ClosureReason.objects.get(code="goals_reached")
    page.get_by_label("Reason for closing").select_option(str(reason.pk))
    nurse.check("close form")
    page.get_by_role("button", name="Close episode").click()
    expect(page.get_by_role("status")).to_be_visible()
    episode.refresh_from_db()
    assert episode.closed_on == today

    # Closed: the nurse, whose organisation owned the episode, still reads it, read-only; for
    # the social worker (the other organisation) the person is "not found".
    nurse.goto(f"/persons/{vera.pk}/")
    expect(nurse.page.locator("#closed-notice")).to_contain_text("read-only")
    social.goto(f"/persons/{vera.pk}/", status=404)
    expect(social.page.get_by_role("main")).not_to_contain_text("Vägin")

    # Vera writes again; the nurse accepts, and Helhet recognises her: a reactivation.
    public = new_ui()
    page_public = public.goto(f"/in/{site.clinic.slug}/")
    page_public.get_by_label("Your name").fill("Vera Vägin")
    page_public.get_by_label("How can we reach you?").fill("070-555 01 02")
    page_public.get_by_label("What would you like help with?").fill("Jag behöver stöd igen.")
    page_public.get_by_role("button", name="Send").click()
    expect(page_public.get_by_role("heading", level=1)).to_have_text("Thank you for your message")
    public.close()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Referrals").click()
    page.get_by_role("row", name=re.compile("Vera Vägin")).get_by_role("link").first.click()
    page.get_by_role("link", name="Accept").click()
    page.get_by_label("Identity number").fill(NUMBER)
    page.get_by_label("Municipality of residence").select_option(label=site.home.name)
    page.get_by_role("button", name="Accept and open episode").click()
    expect(page.get_by_role("status")).to_contain_text("the new episode is a reactivation")
    nurse.check("reactivated")
    again = Episode.objects.get(person=vera, unit=site.clinic, closed_on=None)
    assert again.reactivation_of == episode
    assert Person.objects.filter(identity_number=vera.identity_number).count() == 1

    # The nurse's task list: the open referral is decided, so nothing waits for Vera there.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="To do").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    nurse.check("my tasks")

    # --- every access to Vera is in the log, by both, and the chain holds ----------------------
    rows = AccessLogEntry.objects.naming(vera.pk)  # her own rows and the lists that showed her
    assert rows.filter(user=site.nurse).count() >= 10
    assert rows.filter(user=site.social_worker, basis="consent").count() >= 5
    assert log.verify() is None and log.verify_listed() is None
    nurse.close()
    social.close()
