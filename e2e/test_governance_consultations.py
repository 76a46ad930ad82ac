"""Consultation across the boundary in a real browser, in Swedish: the municipality's manager
names the social worker its contact person at the clinic; the region's nurse asks her a
question about a person from the person's page; the social worker, without the person's
consent, sees "a person (identity held by Region Testland)" and answers from the menu; the
nurse reads the answer. A referral from social services gets its commission, shown on the
referral's page. axe checks every page."""

from playwright.sync_api import expect

from helhet.governance.models import Consultation, ContactPerson
from helhet.intake.models import Referral
from tests import factories as f

from .test_governance import agreement_in_force

QUESTION = "Kan boendestödet börja samma dag som personen skrivs ut?"


def test_a_nurse_asks_the_municipalitys_contact_person_who_answers(site, new_ui):
    agreement_in_force(site)
    site.social_worker.first_name, site.social_worker.last_name = "Sara", "Socionom"
    site.social_worker.save()

    # --- the municipality's manager names its contact person --------------------------------
    manager = new_ui(locale="sv-SE")
    page = manager.log_in_by_ids(site.manager)
    manager.goto("/governance/contacts/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontaktpersoner")
    manager.check("contacts")
    page.get_by_label("Kontaktperson").select_option(label="Sara Socionom")
    page.get_by_label("Funktion").fill("Kontaktperson socialtjänsten")
    page.get_by_role("button", name="Spara kontaktpersonen").click()
    expect(page.get_by_role("status")).to_contain_text("Kontaktpersonen är sparad.")
    expect(page.get_by_role("table", name="Kontaktpersoner")).to_contain_text("Sara Socionom")
    manager.check("contact named")
    contact = ContactPerson.objects.get()

    # --- the nurse asks about the person from the person's page -----------------------------
    nurse = new_ui(locale="sv-SE")
    page = nurse.log_in_by_ids(site.nurse)
    nurse.goto(f"/persons/{site.patient.pk}/")
    page.get_by_role(
        "link", name="Begär en konsultation om personen hos den andra huvudmannen"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Begär en konsultation om")
    nurse.check("ask form")
    page.get_by_label("Part som tillfrågas").select_option(label="Testby kommun")
    page.get_by_label("Kontaktperson").select_option(str(contact.pk))
    page.get_by_label("Frågeställning").fill(QUESTION)
    page.get_by_role("button", name="Skicka frågan").click()
    expect(page.get_by_role("status")).to_contain_text("Konsultationen är skickad.")
    expect(page.get_by_role("main")).to_contain_text("Tolvansson")  # the asker's own
    nurse.check("asked")
    consultation = Consultation.objects.get()

    # --- the contact person answers, without knowing who the person is ----------------------
    social_worker = new_ui(locale="sv-SE")
    page = social_worker.log_in_by_ids(site.social_worker)
    menu = page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Konsultationer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsultationer")
    social_worker.check("consultations")
    page.get_by_role("table", name="Konsultationer").get_by_role("link").first.click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("en person (identiteten finns hos Region Testland)")
    expect(main).not_to_contain_text("Tolvansson")
    expect(main).to_contain_text(QUESTION)
    social_worker.check("to answer")
    page.get_by_label("Svar").fill("Ja, om biståndsbeslutet finns. Ring mig på onsdag.")
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.get_by_role("status")).to_contain_text("Svaret är skickat.")
    social_worker.check("answered")

    # --- the nurse reads the answer and closes the consultation ----------------------------
    nurse.goto(f"/governance/consultations/{consultation.pk}/")
    expect(nurse.page.get_by_role("main")).to_contain_text("Ring mig på onsdag.")
    nurse.page.get_by_role("button", name="Avsluta konsultationen").click()
    expect(nurse.page.get_by_role("status")).to_contain_text("Konsultationen är avslutad.")
    nurse.check("closed")


def test_the_commission_of_a_referral_from_social_services_is_shown(site, new_ui):
    referral = f.ReferralFactory(
        unit=site.clinic,
        registered_by=site.social_worker,
        source=Referral.Source.SOCIAL_SERVICES,
        referrer="Socialtjänsten Testby",
    )
    nurse = new_ui(locale="sv-SE")
    page = nurse.log_in_by_ids(site.nurse)
    nurse.goto(f"/referrals/{referral.pk}/")
    nurse.check("referral without commission")
    page.get_by_role("link", name="Lägg till uppdragsbeskrivningen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Uppdragsbeskrivning från socialtjänsten"
    )
    nurse.check("commission form")
    page.get_by_label("Vad socialtjänsten ber enheten att göra").fill(
        "Bedöm behovet av samordnade insatser."
    )
    page.get_by_label("Frågor att besvara").fill("Behövs en SIP?")
    page.get_by_label("Från").fill("2026-12-01")
    page.get_by_label("Till och med").fill("2027-03-01")
    page.get_by_label("Kontakt på socialtjänsten").fill("Sara Socionom, 010-123 45 67")
    page.get_by_role("button", name="Spara uppdragsbeskrivningen").click()
    expect(page.get_by_role("status")).to_contain_text("Uppdragsbeskrivningen är sparad")
    section = page.get_by_role("region", name="Uppdragsbeskrivning från socialtjänsten")
    expect(section).to_contain_text("Behövs en SIP?")
    expect(section).to_contain_text("2026-12-01 – 2027-03-01")
    nurse.check("commission shown")
