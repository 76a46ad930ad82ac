"""`helhet demo`: the demo county is complete, consistent, deterministic and loaded only once."""

import datetime
import io
import itertools
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from helhet.access import policy
from helhet.access.models import AccessLogEntry, Consent, ConsentDisclosure
from helhet.access.policy import active_consent_q
from helhet.assessments.instruments import bundled_instrument
from helhet.assessments.models import Assessment
from helhet.assessments.scoring import score
from helhet.bookings.models import Booking
from helhet.care.models import CaseTeamMember, Episode
from helhet.contacts.models import Contact, DrugTest, DrugTestResult, MedicationDispensing
from helhet.core.models import Membership, Organisation, Unit, User
from helhet.demo.county import DEMO_PASSWORD, STAFF, saved_county
from helhet.demo.population import Population
from helhet.demo.showcase import SHOWCASE, formatted, identity_number
from helhet.followup import indicators
from helhet.followup.periods import last_full_year
from helhet.intake.models import Referral
from helhet.outcomes.models import Outcome
from helhet.people.identity import age_on, parse
from helhet.people.models import Person, Relative
from helhet.plans.models import PlanVersion, Sip, SipIntervention, SipMeeting

PERSONS = 60
README = Path(__file__).resolve().parents[2] / "README.md"


def run_demo(**options) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo(db):
    return run_demo(persons=PERSONS)


def test_the_organisations_units_and_logins_exist(demo):
    assert set(Organisation.objects.values_list("name", "kind")) == {
        ("Region Demoland", "region"),
        ("Norrby kommun", "municipality"),
        ("Söderby kommun", "municipality"),
    }
    units = {u.unit_type: u for u in Unit.objects.prefetch_related("organisations")}
    assert set(units) == {Unit.Type.SOCIAL_MEDICINE, Unit.Type.MINI_MARIA, Unit.Type.ACT}
    assert all(u.organisations.count() == 3 for u in units.values())
    assert (units[Unit.Type.MINI_MARIA].age_min, units[Unit.Type.MINI_MARIA].age_max) == (13, 21)
    assert units[Unit.Type.ACT].access_mode == Unit.AccessMode.CASE_TEAM
    assert {m.code for m in units[Unit.Type.SOCIAL_MEDICINE].municipalities.all()} == {
        "9901",
        "9902",
    }
    for unit in units.values():
        roles = set(unit.memberships.values_list("role", flat=True))
        assert {Membership.Role.COORDINATOR, Membership.Role.MANAGER} <= roles

    nurse = User.objects.get(username="anna.sjukskoterska")
    social_worker = User.objects.get(username="sara.socionom")
    assert (nurse.organisation.kind, nurse.profession) == ("region", "nurse")
    assert (social_worker.organisation.kind, social_worker.profession) == (
        "municipality",
        "social_worker",
    )
    assert nurse.check_password(DEMO_PASSWORD) and social_worker.check_password(DEMO_PASSWORD)
    for kind in ("region", "municipality"):
        professions = set(
            User.objects.filter(organisation__kind=kind).values_list("profession", flat=True)
        )
        assert professions >= set(User.Profession.values) - {User.Profession.OTHER}
    assert all(User.objects.get(username=s.username).memberships.exists() for s in STAFF)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.organisation is None
    assert "anna.sjukskoterska" in demo and DEMO_PASSWORD in demo
    assert f"persons {PERSONS}/{PERSONS}" in demo


def test_persons_have_valid_test_numbers_and_ages_that_fit_their_units(demo):
    persons = list(Person.objects.all())
    assert len(persons) == PERSONS
    assert len({p.identity_number for p in persons}) == PERSONS
    for person in persons:
        number = parse(person.identity_number)
        assert 980 <= int(person.identity_number[8:11]) <= 999
        assert (number.kind, number.birth_date, number.legal_sex) == (
            person.identity_kind,
            person.birth_date,
            person.legal_sex,
        )
    assert {p.identity_kind for p in persons} == {"personnummer", "samordningsnummer"}
    assert any(p.protected_identity for p in persons)

    for episode in Episode.objects.select_related("person", "unit", "opened_by"):
        age = age_on(episode.person.birth_date, episode.opened_on)
        unit = episode.unit
        assert unit.age_min <= age <= (unit.age_max or 80), (unit.name, age)
        if unit.municipalities.exists():
            assert unit.municipalities.filter(pk=episode.person.municipality_id).exists()
        assert episode.organisation_id == episode.opened_by.organisation_id
        assert episode.opened_by.memberships.filter(unit=unit).exists()
        assert episode.opened_on <= (episode.closed_on or timezone.localdate())
    assert Relative.objects.filter(secrecy_requested=True).exists()
    assert Relative.objects.filter(involved=True).exists()


def test_consents_exist_in_every_state(demo):
    today = timezone.localdate()
    consents = list(Consent.objects.all())
    active = [c for c in consents if policy.consent_is_active(c, today)]
    assert active and all(c.disclosures.exists() for c in active)
    assert any(c.coordination for c in active)
    assert any(c.withdrawn_on and c.withdrawn_on <= today for c in consents)
    assert any(c.valid_until and c.valid_until < today for c in consents)
    open_episodes = Episode.objects.filter(closed_on__isnull=True)
    assert open_episodes.exclude(person__consents__isnull=False).exists()  # no consent at all
    given_by = Counter(c.given_by for c in consents)
    assert {"person", "guardian", "guardians", "mature_minor"} <= set(given_by)
    for consent in consents:
        age = age_on(consent.person.birth_date, consent.valid_from)
        if consent.given_by in ("guardian", "guardians"):
            assert age < 18 and consent.guardian_names
            assert consent.guardian_names.count(",") == (consent.given_by == "guardians")
        if consent.given_by == "mature_minor":
            assert age < 18 and consent.maturity_note
        if consent.unit.unit_type == Unit.Type.MINI_MARIA and age < 18:
            assert consent.given_by != "person"
    units = {c.pk: set(c.unit.organisations.values_list("pk", flat=True)) for c in consents}
    for disclosure in ConsentDisclosure.objects.all():
        assert {disclosure.from_organisation_id, disclosure.to_organisation_id} <= units[
            disclosure.consent_id
        ]


def test_act_episodes_have_case_managers_from_two_organisations(demo):
    act = Episode.objects.filter(unit__unit_type=Unit.Type.ACT)
    assert act.exists()
    for episode in act:
        managers = episode.case_team.filter(role=CaseTeamMember.Role.CASE_MANAGER)
        assert managers.count() == 2
        assert len({m.user.organisation_id for m in managers}) == 2
        assert episode.opened_by_id in {m.user_id for m in managers}
    others = Episode.objects.exclude(unit__unit_type=Unit.Type.ACT)
    assert all(e.case_team.filter(role="case_manager").count() == 1 for e in others)


def test_reactivated_episodes_follow_a_closed_one_at_the_same_unit(demo):
    reactivated = Episode.objects.filter(reactivation_of__isnull=False).select_related(
        "reactivation_of"
    )
    assert reactivated.exists()
    for episode in reactivated:
        earlier = episode.reactivation_of
        assert earlier.closed_on is not None and earlier.closure_reason.code != "deceased"
        assert (earlier.unit_id, earlier.person_id) == (episode.unit_id, episode.person_id)
        assert earlier.closed_on <= episode.opened_on
    assert Episode.objects.filter(closed_on__isnull=False, reactivated_by__isnull=True).exists()


def test_the_headline_logins_see_what_the_readme_says(demo):
    nurse = User.objects.get(username="anna.sjukskoterska")
    social_worker = User.objects.get(username="sara.socionom")
    clinic = Unit.objects.get(unit_type=Unit.Type.SOCIAL_MEDICINE)
    act = Unit.objects.get(unit_type=Unit.Type.ACT)
    seen_by_nurse = set(policy.visible_persons(nurse, unit=clinic))
    seen_by_social_worker = set(policy.visible_persons(social_worker, unit=clinic))
    region_owned = Person.objects.filter(
        episodes__unit=clinic,
        episodes__closed_on__isnull=True,
        episodes__organisation=nurse.organisation,
    )
    assert seen_by_nurse & seen_by_social_worker & set(region_owned)  # with consent: both
    assert (seen_by_nurse - seen_by_social_worker) & set(region_owned)  # no consent: region only
    for user in (nurse, social_worker):
        assert CaseTeamMember.objects.filter(user=user, episode__unit=clinic).exists()
        on_team = set(policy.visible_persons(user, unit=act))
        assert on_team and all(
            p.episodes.filter(unit=act, case_team__user=user).exists() for p in on_team
        )


def test_demo_data_writes_no_access_log_rows(demo):
    assert not AccessLogEntry.objects.exists()


def test_running_again_adds_nothing(demo):
    models = (Person, Episode, User, Consent, CaseTeamMember, Referral, Contact, Assessment)
    counts = [m.objects.count() for m in models]
    again = run_demo(persons=PERSONS)
    assert "already loaded" in again
    assert [m.objects.count() for m in models] == counts


def test_the_same_seed_gives_the_same_persons(demo):
    saved = list(Person.objects.order_by("pk").values_list("identity_number", flat=True))
    today = timezone.localdate()
    again = Population(saved_county(), seed=1, today=today).batch(0, PERSONS)
    assert [p.identity_number for p in again.persons] == saved
    # Batches are a matter of saving: the stream of persons is the same in any batch size.
    population = Population(saved_county(), seed=1, today=today)
    pieces = population.batch(0, 7).persons + population.batch(7, PERSONS).persons
    assert [p.identity_number for p in pieces] == saved
    other = Population(saved_county(), seed=2, today=today).batch(0, PERSONS)
    assert [p.identity_number for p in other.persons] != saved


def test_small_batches_load_the_same_county(db):
    run_demo(persons=25, batch_size=4)
    assert Person.objects.count() == 25
    assert not Episode.objects.filter(
        reactivation_of__isnull=False, reactivation_of__closed_on__isnull=True
    ).exists()


def test_refuses_to_run_outside_development_and_demo(db, settings):
    settings.DEV = settings.DEMO = False
    with pytest.raises(CommandError, match="HELHET_DEMO"):
        run_demo(persons=1)
    assert not Organisation.objects.exists()
    run_demo(persons=1, force=True)
    assert Person.objects.count() == 1


# --- What a new user tries: the README's logins and named persons ------------------------------


def logged_in(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def found(client, given: str, family: str) -> bool:
    """Does the search by family name list the person (as "Family, Given")?"""
    return f"{family}, {given}" in client.get(reverse("people:search"), {"q": family}).text


def test_anna_and_sara_work_at_the_clinic_after_logging_in(demo, client):
    clinic = Unit.objects.get(unit_type=Unit.Type.SOCIAL_MEDICINE)
    act = Unit.objects.get(unit_type=Unit.Type.ACT)
    for username in ("anna.sjukskoterska", "sara.socionom"):
        user = User.objects.get(username=username)
        assert set(user.memberships.values_list("unit", flat=True)) == {clinic.pk, act.pk}
        response = logged_in(client, username).get(reverse("core:home"))
        assert response.wsgi_request.unit == clinic, username
        client.logout()


def test_the_named_persons_show_the_secrecy_boundary_between_anna_and_sara(demo, client):
    named = {" ".join(show["name"]): show for show in SHOWCASE if "name" in show}
    seen_by = {}
    for username in ("anna.sjukskoterska", "sara.socionom"):
        logged_in(client, username)
        seen_by[username] = {name for name, show in named.items() if found(client, *show["name"])}
        client.logout()
    anna, sara = seen_by["anna.sjukskoterska"], seen_by["sara.socionom"]
    assert anna & sara == {"Greta Ahlgren", "Siv Rosén"}  # with consent: both
    assert anna - sara == {"Bertil Ståhl", "Inger Nordin"}  # no or withdrawn consent
    assert sara - anna == {"Dennis Hellström", "Rune Sundqvist"}  # no or expired consent

    # Under the consent, what was disclosed and nothing more: Sara sees the relatives Anna
    # recorded of Greta (disclosed); Anna does not see those Sara recorded of Siv.
    greta = Person.objects.get(family_name="Ahlgren")
    siv = Person.objects.get(family_name="Rosén")
    greta_relatives = [r.name for r in greta.relatives.all()]
    siv_relatives = [r.name for r in siv.relatives.all()]
    assert greta_relatives and siv_relatives
    page = logged_in(client, "sara.socionom").get(reverse("people:overview", args=[greta.pk]))
    assert all(name in page.text for name in greta_relatives)
    client.logout()
    page = logged_in(client, "anna.sjukskoterska").get(reverse("people:overview", args=[siv.pk]))
    assert page.status_code == 200 and siv.full_name in page.text
    assert not any(name in page.text for name in siv_relatives)


def test_the_readme_names_the_persons_the_demo_creates(demo):
    readme = README.read_text()
    for show in SHOWCASE[:4]:
        number = identity_number(show)
        person = Person.objects.get(identity_number=number)
        assert (person.given_name, person.family_name) == show["name"]
        assert formatted(number) in readme and " ".join(show["name"]) in readme
    assert "Try the secrecy boundary" in demo


def test_the_act_teams_coordinator_is_on_case_teams_and_its_manager_on_none(demo):
    act = Unit.objects.get(unit_type=Unit.Type.ACT)
    coordinator = User.objects.get(username="eva.samordnare")
    manager = User.objects.get(username="lars.chef")
    on_teams = CaseTeamMember.objects.filter(user=coordinator, episode__unit=act)
    assert on_teams.exists()
    assert all(m.role == CaseTeamMember.Role.MEMBER for m in on_teams)
    assert set(policy.visible_persons(coordinator, unit=act))
    assert not CaseTeamMember.objects.filter(user=manager).exists()


def test_a_case_team_member_from_the_other_organisation_has_a_consent_to_work_under(demo):
    today = timezone.localdate()
    others = CaseTeamMember.objects.exclude(episode__unit__unit_type=Unit.Type.ACT).exclude(
        user__organisation=F("episode__organisation")
    )
    assert others.exists()
    for member in others.select_related("episode", "user"):
        episode = member.episode
        assert member.role == CaseTeamMember.Role.MEMBER
        assert episode.is_open
        consents = Consent.objects.filter(
            person=episode.person_id, unit=episode.unit_id, coordination=True
        )
        assert any(policy.consent_is_active(c, today) for c in consents)
        assert episode.person in set(policy.visible_persons(member.user, unit=episode.unit))


def test_consents_are_dated_the_day_they_were_given(demo):
    consents = Consent.objects.all()
    assert consents.exists()
    for consent in consents:
        assert timezone.localtime(consent.recorded_at).date() == consent.valid_from


# --- The journeys: referrals, assessments, contacts, drug tests and dispensing -------------------


def test_the_same_seed_gives_the_same_journeys(demo):
    today = timezone.localdate()

    def journeys(referrals, contacts, assessments):
        return (
            [(r.source, r.received_on, r.question, r.state, r.identity_number) for r in referrals],
            [(c.starts_at, c.kind, c.attended, c.recorded_by_id, c.note) for c in contacts],
            [
                (a.instrument, a.assessed_on, a.answers, a.total, a.recorded_by_id)
                for a in assessments
            ],
        )

    saved = journeys(
        Referral.objects.order_by("pk"),
        Contact.objects.order_by("pk"),
        Assessment.objects.order_by("pk"),
    )
    assert all(saved)
    population = Population(saved_county(), seed=1, today=today)
    pieces = [population.batch(0, 7), population.batch(7, PERSONS), population.inboxes()]
    again = journeys(
        [r for b in pieces for r in b.referrals],
        [c for b in pieces for c in b.contacts],
        [a for b in pieces for a in b.assessments],
    )
    assert again == saved
    other = Population(saved_county(), seed=2, today=today).batch(0, PERSONS)
    assert [(c.starts_at, c.kind) for c in other.contacts] != [c[:2] for c in saved[1]]


def test_each_unit_has_an_inbox_of_open_and_declined_referrals(demo):
    today = timezone.localdate()
    for unit in Unit.objects.all():
        referrals = Referral.objects.filter(unit=unit)
        open_ = [r for r in referrals if r.is_open]
        assert 5 <= len(open_) <= 15, unit
        for referral in open_:
            assert 1 <= (today - referral.received_on).days <= 60
            assert referral.person_id is None and referral.decided_at is None
            if referral.state == Referral.State.WAITING:
                assert referral.received_on <= timezone.localdate(referral.waitlisted_at) < today
        online = [r for r in open_ if r.came_in_online]
        assert {r.source for r in online} == {"self", "relative"}
        assert all(r.source in Referral.SELF_SOURCES for r in online)
        assert all(r.name and r.contact for r in online if r.source == "self")
        assert all(r.referrer and not r.name for r in online if r.source == "relative")
        declined = referrals.filter(state=Referral.State.DECLINED)
        assert declined.exists()
        for referral in declined:
            assert referral.decline_reason
            assert referral.redirect_unit_id not in (None, unit.pk) or referral.redirect_to
            assert referral.received_on < timezone.localdate(referral.decided_at) < today
    referrals = Referral.objects.all()
    assert referrals.filter(urgency="urgent", state__in=Referral.OPEN_STATES).exists()
    assert referrals.filter(state="waiting").exists()
    assert referrals.filter(state="declined", redirect_unit__isnull=False).exists()
    assert referrals.filter(state="declined", redirect_to__icontains="psykiatri").exists()
    assert not AccessLogEntry.objects.exists()


def test_accepted_referrals_lead_to_the_episode_and_its_first_contact(demo):
    accepted = Referral.objects.filter(state="accepted").select_related("episode", "decided_by")
    assert accepted.exists()
    for referral in accepted:
        episode = referral.episode
        assert (referral.person_id, referral.unit_id) == (episode.person_id, episode.unit_id)
        decided = timezone.localdate(referral.decided_at)
        assert referral.received_on <= decided == episode.opened_on <= referral.first_contact_on
        assert timezone.localdate(referral.registered_at) == referral.received_on
        times = [referral.registered_at, referral.waitlisted_at, referral.decided_at]
        assert [t for t in times if t] == sorted(t for t in times if t)
        if episode.reactivation_of_id:
            assert referral.received_on >= episode.reactivation_of.closed_on
        assert referral.first_contact_on <= (episode.closed_on or timezone.localdate())
        assert referral.decided_by.memberships.filter(unit=referral.unit_id).exists()
        first = Contact.objects.filter(episode=episode, attended=True).order_by("starts_at")[0]
        assert timezone.localdate(first.starts_at) == referral.first_contact_on
        assert referral.decided_at < first.starts_at
        if referral.registered_by_id is None:
            assert referral.source in Referral.SELF_SOURCES
        else:
            assert referral.organisation_id == referral.registered_by.organisation_id
            assert referral.identity_number == referral.person.identity_number
    assert accepted.filter(episode__reactivation_of__isnull=False).exists()
    assert accepted.filter(source__in=Referral.SELF_SOURCES).exists()
    assert Episode.objects.filter(referrals__isnull=True).exists()  # not every way in is one


def test_stored_assessments_are_what_the_scoring_gives(demo):
    assessments = Assessment.objects.select_related("person", "recorded_by", "episode")
    assert assessments.exists()
    for a in assessments:
        answers = {int(number): value for number, value in a.answers.items()}
        result = score(bundled_instrument(a.instrument), answers, sex=a.sex, age=a.age)
        assert (a.complete, a.total, a.subscores) == (
            result.complete,
            result.total,
            dict(result.subscores),
        )
        assert a.zone == (result.zone.code if result.zone else "")
        assert a.zone_raised == bool(result.zone and result.zone_raised)
        assert (a.cutoff_code, a.cutoff_value, a.at_or_above) == (
            result.cutoff.code,
            result.cutoff.value,
            result.cutoff.at_or_above,
        )
        assert [c["value"] for c in a.cutoffs] == [c.value for c in result.cutoffs]
        assert (a.sex, a.age) == (a.person.legal_sex, age_on(a.person.birth_date, a.assessed_on))
        assert a.age >= 18 and a.episode.unit_id == a.unit_id
        assert a.episode.opened_on <= a.assessed_on < timezone.localdate()
        assert a.assessed_on <= (a.episode.closed_on or a.assessed_on)
        assert a.organisation_id == a.recorded_by.organisation_id
        assert timezone.localdate(a.recorded_at) == a.assessed_on
    assessed = Unit.objects.filter(pk__in=assessments.values("unit"))
    assert {u.unit_type for u in assessed} == {"social_medicine", "mini_maria", "act"}
    assert assessments.filter(complete=False).exists()
    assert {"intake", "follow_up"} == set(assessments.values_list("occasion", flat=True))
    assert len(set(assessments.values_list("organisation", flat=True))) >= 2
    # Every enrolled adult's AUDIT starts at intake; some improve, some do not.
    change = {}
    for a in assessments.filter(instrument="audit", complete=True).order_by("assessed_on"):
        change.setdefault(a.person_id, []).append(a.total)
    changes = [totals[-1] - totals[0] for totals in change.values() if len(totals) > 1]
    assert any(d < 0 for d in changes) and any(d >= 0 for d in changes)


def test_contacts_lie_inside_their_episodes_and_never_in_the_future(demo):
    now, today = timezone.now(), timezone.localdate()
    contacts = Contact.objects.select_related("episode", "recorded_by").prefetch_related(
        "staff", "interventions"
    )
    assert contacts.exists()
    consents = list(Consent.objects.filter(coordination=True))
    for contact in contacts:
        episode = contact.episode
        day = timezone.localdate(contact.starts_at)
        assert episode.opened_on <= day <= (episode.closed_on or today)
        assert contact.starts_at < now and day < today
        assert (contact.person_id, contact.unit_id) == (episode.person_id, episode.unit_id)
        staff = list(contact.staff.all())
        assert contact.recorded_by in staff
        assert contact.organisation_id == contact.recorded_by.organisation_id
        assert all(u.memberships.filter(unit=contact.unit_id).exists() for u in staff)
        if any(u.organisation_id != episode.organisation_id for u in staff):
            assert any(
                c.person_id == episode.person_id
                and c.unit_id == episode.unit_id
                and policy.consent_is_active(c, today)
                and c.valid_from <= day
                for c in consents
            )
    # Closed episodes as well as open ones have months of contacts.
    closed = Episode.objects.filter(closed_on__isnull=False)
    assert closed.filter(contacts__kind="phone").exists()
    assert Contact.objects.filter(episode__closed_on__isnull=True).count() > 5 * PERSONS
    kinds = Counter(contacts.values_list("kind", flat=True))
    assert kinds["visit"] > kinds["video"] and kinds["phone"] > kinds["group"]
    assert kinds["drop_in"]
    drop_ins = contacts.filter(kind="drop_in")
    assert all(timezone.localtime(c.starts_at).weekday() == 3 for c in drop_ins)
    assert {c.unit.unit_type for c in drop_ins} == {Unit.Type.SOCIAL_MEDICINE}
    assert contacts.filter(attended=False).exists()
    with_notes = contacts.exclude(note="")
    assert {"region", "municipality"} == set(
        with_notes.values_list("organisation__kind", flat=True)
    )
    assert Contact.interventions.through.objects.exists()


def test_drug_tests_and_the_laro_groups_daily_dispensing(demo):
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    tests = DrugTest.objects.prefetch_related("results")
    assert tests.exists() and all(t.results.exists() for t in tests)
    assert DrugTestResult.objects.filter(result="positive").exists()
    bertil = Person.objects.get(family_name="Ståhl")
    days = sorted(
        timezone.localdate(at) for at in bertil.dispensings.values_list("handed_out_at", flat=True)
    )
    assert days and len(days) == len(set(days))
    # Every day for the first three months, then on Mondays, Wednesdays and Fridays.
    every_day = [days[0] + timezone.timedelta(days=n) for n in range(90)]
    assert days[:90] == [day for day in every_day if day <= yesterday]
    later = days[90:]
    assert {day.weekday() for day in later} <= {0, 2, 4}
    assert later and (yesterday - later[-1]).days < 3
    for dispensing in MedicationDispensing.objects.select_related("handed_out_by"):
        assert dispensing.organisation_id == dispensing.handed_out_by.organisation_id
        assert dispensing.handed_out_by.memberships.filter(unit=dispensing.unit_id).exists()
    assert bertil.assessments.filter(instrument="dudit", complete=False).exists()


def row(moment) -> str:
    """The start of a table row for a contact or an assessment on a page."""
    if hasattr(moment, "hour"):
        moment = f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"
    return f'<th scope="row">{moment}'


def test_the_named_persons_show_the_boundary_for_assessments_and_contacts(demo, client):
    greta = Person.objects.get(family_name="Ahlgren")
    siv = Person.objects.get(family_name="Rosén")
    region = Organisation.objects.get(kind="region")
    assert set(greta.assessments.values_list("organisation", flat=True)) == {region.pk}
    assert set(greta.contacts.values_list("organisation", flat=True)) == {region.pk}
    assert region.pk not in set(siv.contacts.values_list("organisation", flat=True))
    greta_contacts = list(greta.contacts.order_by("-starts_at", "-id")[:50])
    notes = {c.note for c in greta_contacts if c.note}
    assert notes and greta.assessments.filter(instrument="audit").exists()

    # Sara reads Greta's AUDIT and DUDIT and her contacts (disclosed), but not their notes.
    logged_in(client, "sara.socionom")
    page = client.get(reverse("assessments:history", args=[greta.pk])).text
    assert all(row(a.assessed_on) in page for a in greta.assessments.all())
    page = client.get(reverse("contacts:list", args=[greta.pk])).text
    assert all(row(c.starts_at) in page for c in greta_contacts)
    assert not any(note in page for note in notes)
    page = client.get(reverse("contacts:list", args=[siv.pk])).text
    assert any(row(c.starts_at) in page for c in siv.contacts.all())
    client.logout()

    # Anna reads Greta's notes too; of Siv she sees no assessment and no contact.
    logged_in(client, "anna.sjukskoterska")
    page = client.get(reverse("contacts:list", args=[greta.pk])).text
    assert all(note in page for note in notes)
    assert siv.assessments.exists() and siv.contacts.exists()
    page = client.get(reverse("assessments:history", args=[siv.pk]))
    assert page.status_code == 200
    assert not any(row(a.assessed_on) in page.text for a in siv.assessments.all())
    page = client.get(reverse("contacts:list", args=[siv.pk]))
    assert page.status_code == 200
    assert not any(row(c.starts_at) in page.text for c in siv.contacts.all())
    # Sara cannot open Bertil's contacts at all (no consent).
    client.logout()
    logged_in(client, "sara.socionom")
    bertil = Person.objects.get(family_name="Ståhl")
    assert client.get(reverse("contacts:list", args=[bertil.pk])).status_code == 404


def test_sips_only_under_coordination_consent_with_both_organisations_responsible(demo):
    today = timezone.localdate()
    sips = Sip.objects.all()
    assert sips.exists() and PlanVersion.objects.exists()
    under_active = 0
    for sip in sips:
        # Made and met while a consent to coordination was in force (it may have expired
        # since, with the episode's closure), never under a withdrawn one.
        [consent] = sip.person.consents.filter(unit=sip.unit, coordination=True)
        assert consent.withdrawn_on is None
        for meeting in sip.meetings.all():
            assert consent.valid_from <= meeting.held_on <= (consent.valid_until or today)
        under_active += sip.person.consents.filter(active_consent_q(today), pk=consent.pk).exists()
        for version in sip.versions.all():
            responsible = set(
                SipIntervention.objects.filter(version=version).values_list(
                    "responsible_organisation", flat=True
                )
            )
            assert len(responsible) == 2
            assert version.overall_responsible_id in responsible
            assert version.created_at.date() <= today
    assert 0 < under_active < sips.count()
    for meeting in SipMeeting.objects.all():
        assert meeting.held_on < today
        assert meeting.next_follow_up_on > meeting.held_on


def test_a_few_persons_have_blocks_in_force_and_one_lifted(demo, client):
    import datetime

    from helhet.access.models import Block, EmergencyAccess

    blocks = list(Block.objects.select_related("unit").order_by("pk"))
    assert [b.lifted_on is None for b in blocks] == [True, True, False]
    assert {b.unit.name for b in blocks} == {saved_county().units["clinic"].name}
    notice = "Some information is blocked by the person's request."
    # Staff elsewhere, under emergency access, see that something is blocked, not what.
    outsider = User.objects.get(username="elin.behandlingsassistent")  # at Mini-Maria
    client.force_login(outsider)
    for block in blocks:
        EmergencyAccess.objects.create(
            user=outsider,
            person_id=block.person_id,
            reason="Personen är medvetslös på akuten och kan inte samtycka.",
            expires_at=timezone.now() + datetime.timedelta(hours=1),
        )
        content = client.get(reverse("people:overview", args=[block.person_id])).content.decode()
        assert (notice in content) == (block.lifted_on is None)
        assert (block.unit.name in content) == (block.lifted_on is not None)


def test_the_clinics_calendar_has_bookings_this_week(demo, client):
    clinic = Unit.objects.get(unit_type=Unit.Type.SOCIAL_MEDICINE)
    response = logged_in(client, "anna.sjukskoterska").get(
        reverse("bookings:unit_calendar", args=[clinic.pk]), {"view": "week"}
    )
    shown = [e for d in response.context["days"] for e in d.entries]
    assert len(shown) >= 10
    assert any(e.person is not None for e in shown)  # Anna's own persons by name


def test_the_clinics_no_show_rate_counts_the_bookings_of_its_history(demo):
    clinic = saved_county().units["clinic"]
    period = last_full_year(timezone.localdate())
    report = indicators.unit_report(clinic, period, suppress=False)
    rate = report.row("no_show_rate").cells["total"].value
    assert report.row("booked_contacts").cells["total"].value > 0
    assert 0 < rate < 100
    held = Booking.objects.filter(unit=clinic, contact__isnull=False)
    assert not held.filter(status=Booking.Status.NO_SHOW, contact__attended=True).exists()
    assert not held.filter(status=Booking.Status.ATTENDED, contact__attended=False).exists()
    assert not held.exclude(kind=F("contact__kind")).exists()
    assert not Contact.objects.filter(kind=Contact.Kind.DROP_IN, booking__isnull=False).exists()


def test_the_clinic_has_a_working_weeks_bookings_this_week_and_next(demo):
    clinic = saved_county().units["clinic"]
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    ahead = Booking.objects.filter(
        unit=clinic, status=Booking.Status.BOOKED, starts_at__date__gte=monday
    )
    weeks = {b.starts_at.isocalendar()[1] for b in ahead}
    assert len(weeks) == 2 and ahead.count() > 10
    for member in User.objects.filter(bookings_as_staff__in=ahead).distinct():
        alone = ahead.filter(staff=member, group_session=None)  # a group's staff book it thrice
        times = list(alone.values_list("starts_at", "ends_at"))
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(sorted(times)))


def test_every_unit_has_an_agreement_in_force_with_a_half_done_checklist_staffing_and_costs(
    demo, client
):
    from helhet.governance import costs
    from helhet.governance.models import Agreement, AgreementVersion, ChecklistItem

    year = timezone.localdate().year
    for unit in Unit.objects.all():
        agreement = Agreement.objects.get(units=unit)
        assert agreement.versions.get().state == AgreementVersion.State.IN_FORCE
        statuses = Counter(agreement.checklist.values_list("status", flat=True))
        assert statuses[ChecklistItem.Status.DONE] == 12 and statuses["not_started"] > 0
        assert agreement.positions.filter(vacant=True).exists()
        statement = costs.statement(agreement, year)
        assert statement.key is not None and statement.shared_total > 0
        assert sum(line.shared for line in statement.lines) == pytest.approx(
            statement.shared_total, abs=3
        )
    client.force_login(User.objects.get(username="birgitta.styrgrupp"))
    assert client.get(reverse("governance:index")).status_code == 200


def test_the_clinic_has_a_dozen_deviations_in_every_state_some_escalated(demo, client):
    from helhet.followup.models import SteeringGroup
    from helhet.governance.models import Deviation

    today = timezone.localdate()
    deviations = Deviation.objects.all()
    assert deviations.count() == 12
    assert set(deviations.values_list("status", flat=True)) == set(Deviation.Status.values)
    assert deviations.overdue(today).count() >= 2
    assert deviations.filter(person__isnull=False).exists()
    client.force_login(User.objects.get(username="birgitta.styrgrupp"))
    group = SteeringGroup.objects.get()
    page = client.get(reverse("governance:steering_group", args=[group.pk]))
    assert len(page.context["escalated"]) == deviations.overdue(today).count()
    client.force_login(User.objects.get(username="per.chef"))
    page = client.get(reverse("governance:deviations"))
    assert page.status_code == 200
    assert (
        len(page.context["deviations"])
        == deviations.filter(addressed_to__name="Norrby kommun").count()
    )


def test_contact_persons_consultations_and_a_commission(demo, client):
    from helhet.governance.models import Consultation, ContactPerson
    from helhet.intake.models import Commission

    today = timezone.localdate()
    for unit in Unit.objects.filter(agreements__isnull=False):
        assert ContactPerson.objects.filter(unit=unit).values("party").distinct().count() >= 2
    consultations = Consultation.objects.all()
    assert consultations.filter(status=Consultation.Status.ANSWERED).exists()
    assert consultations.overdue(today).exists()
    assert consultations.filter(status="asked", answer_by__gte=today).exists()
    assert consultations.filter(person__isnull=True).exists()
    assert consultations.filter(person__isnull=False).exists()
    commission = Commission.objects.get()
    assert commission.referral.source == "social_services"
    client.force_login(User.objects.get(username="anna.sjukskoterska"))
    page = client.get(reverse("intake:detail", args=[commission.referral.pk]))
    assert page.status_code == 200 and commission.questions[:20] in page.content.decode()


def test_outcomes_are_taken_at_intake_and_follow_up_and_the_same_seed_gives_the_same(demo):
    saved = list(Outcome.objects.order_by("pk"))
    occasions = {outcome.occasion for outcome in saved}
    assert occasions == {"intake", "follow_up"}
    # one outcome beside each occasion of the AUDIT: the same day, recorder and episode
    audits = Assessment.objects.filter(instrument="audit")
    assert sorted((o.episode_id, o.assessed_on, o.recorded_by_id) for o in saved) == sorted(
        audits.values_list("episode_id", "assessed_on", "recorded_by_id")
    )
    for outcome in saved:  # what the action would accept
        assert bool(outcome.diagnoses) != bool(outcome.no_diagnosis_reason)
        assert outcome.inpatient_days >= outcome.inpatient_episodes and outcome.problem_areas
    population = Population(saved_county(), seed=1, today=timezone.localdate())
    again = [o for b in [population.batch(0, 7), population.batch(7, PERSONS)] for o in b.outcomes]

    def fields(rows):
        return [(o.assessed_on, o.housing, o.diagnoses, o.inpatient_days) for o in rows]

    assert fields(again) == fields(saved)
