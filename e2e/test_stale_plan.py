"""No lost update in a real browser: two staff of the same organisation open the treatment plan
form; the second to save is told, keeps what they wrote, sees the plan saved meanwhile beside
it (checked with axe), and saves again."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from helhet.plans.models import PlanVersion

REVIEW = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()


def fill_plan(page, goals: str, intervention: str) -> None:
    page.get_by_label("The person's goals, in their own words").fill(goals)
    page.get_by_label("Or in words").first.fill(intervention)
    page.get_by_label("Review date").fill(REVIEW)


def test_the_second_of_two_plan_saves_is_told_and_saves_again(site, new_ui):
    url = f"/persons/{site.patient.pk}/plans/edit/"
    nurse, coordinator = new_ui(), new_ui()
    nurse.log_in(site.nurse)
    coordinator.log_in(site.coordinator)
    nurse_page = nurse.goto(url)
    coordinator_page = coordinator.goto(url)

    fill_plan(nurse_page, "Sjuksköterskans mål.", "Motiverande samtal")
    fill_plan(coordinator_page, "Samordnarens mål.", "Boendestöd")
    coordinator_page.get_by_role("button", name="Save the plan").click()
    expect(coordinator_page.get_by_text("The treatment plan is saved.")).to_be_visible()

    nurse_page.get_by_role("button", name="Save the plan").click()
    alert = nurse_page.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved a new version while you were editing")
    saved = nurse_page.get_by_role("region", name="Saved meanwhile: version 1")
    expect(saved).to_contain_text("Samordnarens mål.")
    expect(saved).to_contain_text("Boendestöd")
    goals = nurse_page.get_by_label("The person's goals, in their own words")
    expect(goals).to_have_value("Sjuksköterskans mål.")
    assert [v.goals for v in PlanVersion.objects.all()] == ["Samordnarens mål."]
    nurse.check("stale-plan")

    nurse_page.get_by_role("button", name="Save the plan").click()
    expect(nurse_page.get_by_text("The treatment plan is saved.")).to_be_visible()
    latest = PlanVersion.objects.order_by("-number").first()
    assert (latest.number, latest.goals) == (2, "Sjuksköterskans mål.")
    nurse.check("plan-saved-again")
