"""The way in, in a real browser: a person writes on the unit's public page; the nurse finds the
message in the inbox, sees it at the referral meeting, and accepts it into an episode. Every page
is checked with axe."""

import re

from playwright.sync_api import expect

NEW_PERSON_NUMBER = "19850412-9803"  # a test personnummer (birth number 980)


def test_a_self_referral_reaches_the_inbox_and_becomes_an_episode(site, new_ui):
    # A person, not logged in, on the unit's public page.
    public = new_ui()
    page = public.goto(f"/in/{site.clinic.slug}/")
    public.check("public form")
    page.get_by_role("button", name="Send").click()  # empty: the form says what is missing
    expect(page.get_by_role("alert")).to_contain_text("How can we reach you?")
    public.check("public form with errors")
    page.get_by_label("Your name").fill("Greta Testberg")
    page.get_by_label("How can we reach you?").fill("070-123 45 67")
    page.get_by_label("What would you like help with?").fill("Jag vill sluta dricka.")
    page.get_by_label("What would you like help with?").press("Tab")
    page.keyboard.press("Enter")  # the Send button is the next stop: the honeypot is skipped
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your message")
    expect(page.locator("main")).not_to_contain_text("Greta")
    public.check("thank you")

    # The nurse finds it through the main menu.
    staff = new_ui()
    page = staff.log_in(site.nurse)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("table")).to_contain_text("Greta Testberg")
    staff.check("inbox")
    page.get_by_role("link", name="Referral meeting").click()
    expect(page.get_by_role("table")).to_contain_text("Jag vill sluta dricka.")
    staff.check("meeting")
    page.get_by_role("link", name="Greta Testberg").click()  # the row's one link, its name
    staff.check("referral")
    page.get_by_role("link", name="Decline").click()
    staff.check("decline form")
    page.go_back()
    page.get_by_role("link", name="Accept").click()
    expect(page.get_by_label("Given name")).to_have_value("Greta")
    expect(page.get_by_label("Phone")).to_have_value("070-123 45 67")
    staff.check("accept form")
    page.get_by_label("Identity number").fill(NEW_PERSON_NUMBER)
    page.get_by_label("Municipality of residence").select_option(label=site.home.name)
    page.get_by_role("button", name="Accept and open episode").click()
    expect(page.get_by_role("status")).to_contain_text("The referral is accepted")
    expect(page).to_have_url(re.compile(r"/persons/\d+/consents/new/$"))
    staff.check("consent form after accepting")
