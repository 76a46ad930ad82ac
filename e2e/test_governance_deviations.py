"""Deviations between the authorities in a real browser: the region's nurse reports a deviation
to the municipality from the menu; it goes past its deadline (set in the test data) and shows
escalated on the steering group's page, in Swedish; the municipality's manager answers it from
the task list and the nurse closes it. axe checks every page."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from helhet.governance.models import Deviation
from helhet.reminders.refresh import refresh_unit

from .conftest import PASSWORD
from .test_governance import agreement_in_force, steering_member


def test_a_nurse_reports_it_goes_overdue_and_escalates_and_the_manager_answers(site, new_ui):
    agreement = agreement_in_force(site)
    member = steering_member(site)

    # --- the nurse reports a deviation to the municipality ----------------------------------
    nurse = new_ui()
    page = nurse.log_in(site.nurse)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Deviations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deviations between the authorities")
    nurse.check("deviations")
    page.get_by_role("link", name="Report a deviation").click()
    nurse.check("report form")
    page.get_by_label("Addressed to").select_option(label="Testby kommun")
    page.get_by_label("Function addressed").fill("Enhetschef socialtjänsten")
    page.get_by_label("Category").select_option("unanswered")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Happened on").fill(yesterday.isoformat())
    page.get_by_label("What happened").fill("Konsultationen till socialtjänsten besvarades aldrig.")
    page.get_by_role("button", name="Report the deviation").click()
    expect(page.get_by_role("status")).to_contain_text("The deviation is reported.")
    expect(page.get_by_role("main")).to_contain_text("Enhetschef socialtjänsten")
    nurse.check("reported")
    deviation = Deviation.objects.get(agreement=agreement)

    # --- the deadline passes: escalated to the steering group, in Swedish ----------------------
    Deviation.objects.filter(pk=deviation.pk).update(
        answer_by=timezone.localdate() - datetime.timedelta(days=2)
    )
    refresh_unit(site.clinic)
    steering = new_ui(locale="sv-SE")
    page = steering.goto("/accounts/login/")
    page.locator("#id_username").fill(member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    steering.goto(f"/governance/steering-groups/{site.clinic.steering_groups.get().pk}/")
    escalated = page.get_by_role("table", name="Avvikelser efter svarstiden")
    expect(escalated).to_contain_text("Obesvarad remiss eller konsultation")
    expect(escalated).to_contain_text("svarstiden passerad, lyft till styrgruppen")
    figures = page.get_by_role("table", name="Avvikelser ställda till varje part")
    expect(figures).to_contain_text("Testby kommun")
    steering.check("steering group")

    # --- the municipality's manager answers from the task list ------------------------------
    manager = new_ui()
    page = manager.log_in(site.manager)
    manager.goto("/tasks/?scope=unit")
    page.get_by_role("link", name="Answer the deviation").first.click()
    expect(page.get_by_role("main")).to_contain_text("overdue, escalated to the steering group")
    manager.check("deviation to answer")
    page.get_by_label("Answer").fill("Vi har infört en rutin för konsultationer.")
    page.get_by_label("Measures taken").fill("Kontaktperson utsedd.")
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("status")).to_contain_text("The answer is recorded.")
    expect(page.get_by_role("main")).to_contain_text("After the deadline.")
    manager.check("answered")

    # --- the nurse closes it ------------------------------------------------------------------
    nurse.goto(f"/governance/deviations/{deviation.pk}/")
    nurse.page.get_by_role("button", name="Close the deviation").click()
    expect(nurse.page.get_by_role("status")).to_contain_text("The deviation is closed.")
    nurse.check("closed")
