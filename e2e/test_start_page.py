"""The start page for the day and the person header, in Swedish, with axe: the nurse on the
patient's case team logs in, sees what is overdue, opens the person (the header with the
consent and a warning), adds and ends a warning, and finds the person under recently opened."""

import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from helhet.alerts.models import Alert
from helhet.care.models import CaseTeamMember
from tests import factories as f


def sv(text: str) -> str:
    with translation.override("sv"):
        return gettext(text)


def test_the_start_page_and_the_person_header_in_swedish(site, new_ui):
    CaseTeamMember.objects.get_or_create(
        episode=site.episode,
        user=site.nurse,
        defaults={"added_by": site.nurse, "role": CaseTeamMember.Role.CASE_MANAGER},
    )
    f.ConsentFactory(
        person=site.patient, unit=site.clinic, recorded_by=site.nurse, coordination=True
    )
    f.AlertFactory(person=site.patient, unit=site.clinic, added_by=site.nurse)
    ui = new_ui(locale="sv-SE")
    page = ui.log_in_by_ids(site.nurse)
    expect(page.get_by_role("heading", level=1)).to_contain_text(sv("Today"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=sv("Overdue"))).to_be_visible()
    expect(main).to_contain_text(site.patient.family_name)  # no recent contact: overdue
    ui.check("start page (sv)")

    # The person's page: the header names who, the consent in force, the case manager, the warning.
    main.get_by_role(
        "link", name=f"{site.patient.family_name}, {site.patient.given_name}"
    ).first.click()
    header = page.get_by_role("region", name=sv("The person this page is about"))
    expect(header).to_contain_text(site.patient.formatted_identity_number)
    expect(header).to_contain_text(sv("in force"))
    expect(header).to_contain_text(sv("Risk to staff on home visits"))
    ui.check("overview with the header (sv)")

    # A warning added from the header, shown on every page; then ended.
    header.get_by_role("link", name=sv("Add a warning")).click()
    page.get_by_label(sv("Kind of warning")).select_option(Alert.Kind.LARO.value)
    page.get_by_label(sv("What the team needs to know")).fill("Hämtar metadon dagligen.")
    ui.check("warning form (sv)")
    page.get_by_role("button", name=sv("Add the warning")).click()
    expect(header).to_contain_text("Hämtar metadon dagligen.")
    page = ui.goto(f"/persons/{site.patient.pk}/contacts/")
    expect(header).to_contain_text("Hämtar metadon dagligen.")
    ui.check("contacts with the header (sv)")
    header.get_by_role("link", name=re.compile(sv("End") + ".*LARO")).click()
    ui.check("warning end form (sv)")
    page.get_by_role("button", name=sv("End the warning")).click()
    expect(header).not_to_contain_text("Hämtar metadon dagligen.")

    # Back at the start page: the person is under recently opened.
    page.get_by_role("navigation", name=sv("Main menu")).get_by_role(
        "link", name=sv("Today")
    ).click()
    recent = page.get_by_role("region", name=sv("Recently opened"))
    expect(recent).to_contain_text(site.patient.family_name)
    ui.check("start page with recently opened (sv)")
