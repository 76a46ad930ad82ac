"""Assessments in a real browser: entered by keyboard alone, the history's chart and table, the
overview's block (the latest results fetched by htmx when asked for), each page checked with axe."""

import datetime

from playwright.sync_api import expect

from helhet.assessments.models import Assessment
from helhet.people.models import Person
from tests import factories as f


def test_the_nurse_enters_an_audit_by_keyboard_and_follows_it_over_time(site, ui):
    Person.objects.filter(pk=site.patient.pk).update(legal_sex="female")
    f.AssessmentFactory(
        person=site.patient,
        unit=site.clinic,
        recorded_by=site.nurse,
        assessed_on=datetime.date(2026, 1, 20),
        occasion="intake",
        total=14,
    )
    for day, total, zone in ((5, 30, "probable_dependence"), (40, 8, "problems_likely")):
        f.AssessmentFactory(
            person=site.patient,
            unit=site.clinic,
            recorded_by=site.nurse,
            instrument="dudit",
            assessed_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=day),
            total=total,
            zone=zone,
            zone_label={"sv": zone, "en": zone.replace("_", " ").capitalize()},
            cutoff_code="drug_related_problems",
            cutoff_value=2,
            cutoff_description={"sv": "DUDIT ≥ 2, kvinnor", "en": "DUDIT ≥ 2, women"},
            subscores={},
        )
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/")
    block = page.get_by_role("region", name="Assessments")
    block.get_by_role("button", name="Show the latest results").press("Enter")
    expect(block.get_by_role("table", name="Latest result per instrument")).to_contain_text("14")
    ui.check("overview-block")

    block.get_by_role("link", name="Enter AUDIT").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("AUDIT for")
    ui.check("entry")

    # Keyboard only: Tab into each item's radio group, the arrow key moves to the next answer.
    first = page.get_by_role("group", name="1. How often do you drink alcohol?")
    first.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowRight")  # "Monthly or less" (1)
    for _item in range(2, 11):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")  # the first answer, scoring 0
    expect(first.get_by_role("radio", name="Monthly or less (1)")).to_be_checked()

    # Item 10 left blank: "Save" refuses and says which.
    page.get_by_role("group", name="10.", exact=False).get_by_role("radio").first.evaluate(
        "radio => { radio.checked = false; }"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Item 10 is not answered. Answer it")
    ui.check("entry-errors")
    assert not Assessment.objects.filter(total=1).exists()

    page.get_by_role("group", name="10.", exact=False).get_by_role("radio").first.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("AUDIT is saved: total 1, Zone I: low risk")
    expect(page.get_by_role("img", name="AUDIT totals over time")).to_be_visible()
    expect(page.get_by_role("img", name="DUDIT totals over time")).to_be_visible()
    table = page.get_by_role("table", name="AUDIT results, oldest first")
    expect(table.get_by_role("row")).to_have_count(3)  # the header and two results
    ui.check("history")


def test_the_nurse_corrects_a_result_by_keyboard_and_the_earlier_one_stays_marked(site, ui):
    Person.objects.filter(pk=site.patient.pk).update(legal_sex="female")
    earlier = f.AssessmentFactory(
        person=site.patient, unit=site.clinic, recorded_by=site.nurse, occasion="intake"
    )
    page = ui.log_in(site.nurse)
    ui.goto(f"/persons/{site.patient.pk}/assessments/")
    page.get_by_role("link", name="Correct the result of 2026-02-01").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct AUDIT of 2026-02-01")
    first = page.get_by_role("group", name="1. How often do you drink alcohol?")
    expect(first.get_by_role("radio", name="2–4 times a month (2)")).to_be_checked()
    ui.check("correction")

    # Without a reason the correction is refused; with one it is saved.
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the reason for the correction.")
    ui.check("correction-errors")
    page.get_by_label("Reason for the correction").focus()
    page.keyboard.type("Item 1 was entered wrongly.")
    first.get_by_role("radio", name="Monthly or less (1)").check()
    page.get_by_role("button", name="Save the correction").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("AUDIT is saved: total 9")
    table = page.get_by_role("table", name="AUDIT results, oldest first")
    expect(table).to_contain_text("Corrected on")
    expect(table).to_contain_text("Item 1 was entered wrongly.")
    ui.check("history-corrected")
    assert Assessment.objects.get(corrects=earlier).total == 9
