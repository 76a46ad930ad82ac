"""Disputes between the authorities in a real browser, in Swedish: the region's coordinator
raises a dispute about the patient's needs from the person's overview (who acts meanwhile
required); the municipality's manager finds it under "Tvister", records a decision that does
not settle it, and the dispute moves up to step 2 (the line managers): the page shows the
decision with its reasons and the new deadline, and the overview says who acts meanwhile.
There the region proposes a settlement, which takes effect when the municipality's manager
confirms it. axe checks every page."""

import datetime

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from helhet.governance.models import Dispute, EscalationStep

from .conftest import PASSWORD
from .test_governance import agreement_in_force, steering_member


def test_a_manager_raises_a_dispute_and_the_other_party_moves_it_up_a_step(
    site, new_ui, consent_for_coordination
):
    agreement = agreement_in_force(site)  # ladder: Enhetscheferna 14 days, Styrgruppen 30
    version = agreement.versions.get(state="in_force")  # the line managers' step between them
    version.steps.filter(body="Styrgruppen").update(position=2)
    EscalationStep.objects.create(version=version, position=1, body="Linjecheferna", days=21)
    member = steering_member(site)
    overview = reverse("people:overview", args=[site.patient.pk])

    # --- the region's coordinator raises it from the person's overview -------------------------
    coordinator = new_ui(locale="sv-SE")
    page = coordinator.log_in_by_ids(site.coordinator)
    coordinator.goto(reverse("governance:disputes"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvister mellan huvudmännen")
    coordinator.check("disputes")
    page.get_by_role("link", name="Väck en tvist", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Väck en tvist")
    coordinator.check("new dispute")
    coordinator.goto(overview)
    page.get_by_role("link", name="Väck en tvist mellan huvudmännen om personen").click()
    coordinator.check("new dispute about the person")
    page.get_by_label("Mot").select_option(label="Testby kommun")
    page.locator("#id_kind").select_option("needs")
    page.get_by_label("Vad tvisten gäller").fill("Vem ger boendestöd innan behandlingen börjar?")
    page.get_by_role("button", name="Väck tvisten").click()
    expect(page.get_by_role("alert")).to_contain_text("Gör insatsen under tiden")  # required
    page.get_by_label("Gör insatsen under tiden").select_option(label="Region Testland")
    page.get_by_label("Vad parten gör under tiden").fill("Psykiatrin fortsätter behandlingen.")
    page.get_by_role("button", name="Väck tvisten").click()
    expect(page.get_by_role("status")).to_contain_text("Tvisten är väckt.")
    expect(page.get_by_role("main")).to_contain_text("Steg 1: Enhetscheferna")
    coordinator.check("raised")
    dispute = Dispute.objects.get(agreement=agreement)

    # --- the municipality's manager records "not settled": up to step 2 ------------------------
    manager = new_ui(locale="sv-SE")
    page = manager.log_in_by_ids(site.manager)
    main_menu = page.get_by_role("navigation", name="Huvudmeny")
    main_menu.get_by_role("link", name="Tvister", exact=True).click()
    page.get_by_role("link", name="Olika bedömningar av en persons behov").click()
    expect(page.get_by_role("main")).to_contain_text("Tolvansson")  # under the consent
    manager.check("dispute to decide")
    page.get_by_label("Inte löst: tvisten lyfts till nästa steg").check()
    page.locator("#id_decision").fill("Enhetscheferna är inte överens.")
    page.locator("#id_reasons").fill("Huvudmännen bedömer behovet olika.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutet är registrerat.")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Inte löst: lyft till nästa steg")
    expect(main).to_contain_text("Huvudmännen bedömer behovet olika.")
    deadline = (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    expect(page.locator("[aria-current=step]")).to_contain_text(f"beslut senast {deadline}")
    expect(page.locator("[aria-current=step]")).to_contain_text("Steg 2: Linjecheferna")
    manager.check("moved up")
    dispute.refresh_from_db()
    assert dispute.step == 2

    # --- the overview says who acts meanwhile; the steering group sees it running --------------
    page = coordinator.goto(overview)
    expect(page.get_by_role("main")).to_contain_text(
        "under tiden gör Region Testland insatsen: Psykiatrin fortsätter behandlingen."
    )
    coordinator.check("overview")
    steering = new_ui(locale="sv-SE")
    page = steering.goto("/accounts/login/")
    page.locator("#id_username").fill(member.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    steering.goto(reverse("governance:steering_group", args=[site.clinic.steering_groups.get().pk]))
    expect(page.get_by_role("table", name="Pågående tvister")).to_contain_text(deadline)
    steering.check("steering group")

    # --- the region proposes a settlement at the line managers' step; the municipality confirms
    url = reverse("governance:dispute", args=[dispute.pk])
    page = coordinator.goto(url)
    page.get_by_label("Löst: föreslås den andra parten, som bekräftar det").check()
    page.locator("#id_decision").fill("Kommunen ger boendestöd från nästa månad.")
    page.locator("#id_reasons").fill("Linjecheferna är överens om behovet.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_contain_text("Lösningen är föreslagen.")
    expect(page.get_by_role("button", name="Bekräfta lösningen")).to_have_count(0)
    coordinator.check("settlement proposed")
    page = manager.goto(url)
    expect(page.get_by_role("main")).to_contain_text("Kommunen ger boendestöd från nästa månad.")
    manager.check("settlement to confirm")
    page.get_by_role("button", name="Bekräfta lösningen").click()
    expect(page.get_by_role("status")).to_contain_text("Lösningen är bekräftad: tvisten är löst.")
    expect(page.get_by_role("main")).to_contain_text("bekräftat av")
    manager.check("settled")
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.SETTLED and dispute.step == 2
