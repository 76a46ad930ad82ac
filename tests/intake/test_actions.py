"""The referral actions: coming in, triage, the intake, and the first contact."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis
from helhet.care.models import CaseTeamMember, Episode
from helhet.intake import actions, selectors
from helhet.intake.models import Referral
from helhet.people import identity
from helhet.people.models import Person

from .. import factories as f
from .conftest import actor

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """TODAY as of each test, not of the import: a run may cross midnight."""
    global TODAY
    TODAY = timezone.localdate()


NUMBER = identity.parse(identity.make_personnummer(datetime.date(1990, 3, 4), 123))


def rows_after(before: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=before))


def last_row() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def referral(county, **fields) -> Referral:
    """A referral the clinic's coordinator registered: accepting it is through a referral."""
    return f.ReferralFactory(
        **({"unit": county.clinic, "registered_by": county.coordinator} | fields)
    )


def accept(county, r, user=None, **changes):
    values = {
        "actor": actor(user or county.nurse, county.clinic),
        "referral_id": r.pk,
        "identity_number": NUMBER,
        "given_name": "Nils",
        "family_name": "Nyman",
        "municipality": county.home,
        "opened_on": TODAY,
    }
    return actions.referral_accept(**(values | changes))


# --- Coming in ------------------------------------------------------------------------------


def register(county, **changes):
    values = {
        "actor": actor(county.social_worker, county.clinic),
        "source": Referral.Source.SOCIAL_SERVICES,
        "referrer": "Handläggare Berg, Testby socialtjänst",
        "referrer_contact": "010-123 45 67",
        "name": "Nils Nyman",
        "identity_number": NUMBER,
        "contact": "070-111 22 33",
        "question": "Needs housing support and a psychiatric assessment.",
        "urgency": Referral.Urgency.URGENT,
        "received_on": TODAY - datetime.timedelta(days=2),
    }
    return actions.referral_register(**(values | changes))


def test_a_registered_referral_lands_at_the_active_unit_owned_by_the_receivers_employer(county):
    before = last_row()
    r = register(county)
    assert (r.unit, r.organisation, r.state, r.identity_number) == (
        county.clinic,
        county.municipality,
        Referral.State.RECEIVED,
        NUMBER.value,
    )
    [row] = rows_after(before)
    assert (row.person_id, row.basis, row.action, row.unit_id) == (
        None,
        Basis.NONE,
        "create",
        county.clinic.pk,
    )


def test_a_referral_from_a_referrer_must_name_the_referrer(county):
    with pytest.raises(ValidationError) as error:
        register(county, referrer="  ")
    assert "referrer" in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_relatives_call_needs_no_referrer(county):
    r = register(county, source=Referral.Source.RELATIVE, referrer="", identity_number=None)
    assert r.source == Referral.Source.RELATIVE and r.identity_number == ""


def test_a_referral_cannot_be_received_in_the_future(county):
    with pytest.raises(ValidationError):
        register(county, received_on=TODAY + datetime.timedelta(days=1))
    assert not Referral.objects.exists()


def test_a_self_referral_stores_only_what_the_sender_wrote_and_logs_nothing(county):
    before = last_row()
    r = actions.self_referral_submit(
        unit=county.clinic, about_self=True, name=" Nils ", contact="070-1", message="Help"
    )
    assert (r.source, r.name, r.contact, r.referrer, r.question) == (
        "self",
        "Nils",
        "070-1",
        "",
        "Help",
    )
    assert (r.identity_number, r.registered_by, r.received_on) == ("", None, TODAY)
    # The unit's first organisation holds it until triage: the region, created first.
    assert r.organisation == county.region
    assert rows_after(before) == []


def test_a_relatives_self_referral_names_the_relative_as_sender(county):
    r = actions.self_referral_submit(
        unit=county.clinic,
        about_self=False,
        name="Anna",
        contact="anna@example.test",
        message="My son",
    )
    assert (r.source, r.referrer, r.referrer_contact, r.name, r.contact) == (
        "relative",
        "Anna",
        "anna@example.test",
        "",
        "",
    )


# --- Triage ---------------------------------------------------------------------------------


def test_putting_a_referral_on_the_waiting_list_is_not_a_decision(county):
    r = actions.referral_wait(
        actor=actor(county.nurse, county.clinic), referral_id=referral(county).pk
    )
    assert (r.state, r.decided_at) == (Referral.State.WAITING, None)
    assert r.waitlisted_at is not None
    with pytest.raises(ValidationError, match="already on the waiting list"):
        actions.referral_wait(actor=actor(county.nurse, county.clinic), referral_id=r.pk)


def decline(county, r, **changes):
    values = {
        "actor": actor(county.social_worker, county.clinic),
        "referral_id": r.pk,
        "reason": "Needs psychiatric care only.",
        "redirect_unit": None,
        "redirect_to": "Vuxenpsykiatrin Testby",
    }
    return actions.referral_decline(**(values | changes))


def test_declining_needs_a_reason_and_a_redirect(county):
    r = referral(county)
    with pytest.raises(ValidationError):
        decline(county, r, reason=" ")
    with pytest.raises(ValidationError, match="Say where the person is redirected"):
        decline(county, r, redirect_to="")
    with pytest.raises(ValidationError):
        decline(county, r, redirect_to="", redirect_unit=county.clinic)
    r.refresh_from_db()
    assert r.state == Referral.State.RECEIVED


def test_a_declined_referral_records_when_and_where_to(county):
    r = decline(county, referral(county), redirect_unit=county.other_unit, redirect_to="")
    assert (r.state, r.redirect_unit, r.decided_by) == (
        "declined",
        county.other_unit,
        county.social_worker,
    )
    assert r.decided_at is not None
    with pytest.raises(ValidationError, match="already been decided"):
        accept(county, r)


def test_staff_of_another_unit_cannot_triage_the_clinics_referrals(county):
    r = referral(county)
    with pytest.raises(ValidationError, match="no such referral"):
        actions.referral_wait(actor=actor(county.outsider, county.other_unit), referral_id=r.pk)


# --- The intake -----------------------------------------------------------------------------


def test_accepting_registers_the_person_opens_the_episode_and_names_case_managers(county):
    r, before = referral(county), last_row()
    r = accept(county, r, case_managers=[county.social_worker, county.nurse])
    person = Person.objects.get(identity_number=NUMBER.value)
    episode = Episode.objects.get(person=person)
    assert (r.state, r.person, r.episode, r.decided_by) == (
        "accepted",
        person,
        episode,
        county.nurse,
    )
    assert (episode.unit, episode.organisation, episode.reactivation_of) == (
        county.clinic,
        county.region,
        None,
    )
    roles = dict(
        CaseTeamMember.objects.filter(episode=episode).values_list("user__username", "role")
    )
    assert roles == {"nurse": "case_manager", "social_worker": "case_manager"}
    [row] = rows_after(before)
    assert (row.person_id, row.action) == (person.pk, "create")


def known_from_a_closed_episode(county, closed_on, opener=None):
    opener = opener or county.nurse
    known = f.PersonFactory(
        identity_number=NUMBER.value,
        birth_date=NUMBER.birth_date,
        given_name="Nils",
        family_name="Gammal",
        registered_by=county.nurse,
    )
    closed = f.EpisodeFactory(
        person=known,
        unit=county.clinic,
        opened_by=opener,
        opened_on=closed_on - datetime.timedelta(days=100),
        closed_on=closed_on,
        closed_by=opener,
        closure_reason=f.ClosureReasonFactory(),
    )
    return known, closed


def test_a_person_known_from_a_closed_episode_at_the_unit_is_reactivated(county):
    known, closed = known_from_a_closed_episode(county, TODAY - datetime.timedelta(days=300))
    r = accept(county, referral(county), family_name="Nyman")
    assert r.person == known and Person.objects.count() == 2  # the patient and Nils, no copy
    assert r.episode.reactivation_of == closed and r.outcome == "reactivation"
    known.refresh_from_db()
    assert known.family_name == "Gammal"  # stored details are never overwritten by a referral


def test_a_person_back_after_the_reactivation_period_returns_linked_not_reactivated(county):
    _known, closed = known_from_a_closed_episode(county, TODAY - datetime.timedelta(days=400))
    r = accept(county, referral(county))
    assert r.episode.reactivation_of == closed and r.outcome == "return"


def test_a_person_the_actor_sees_who_is_enrolled_here_keeps_the_open_episode(county):
    number = identity.parse(county.patient.identity_number)
    r = accept(county, referral(county), identity_number=number)
    assert (r.person, r.episode, r.outcome) == (county.patient, county.episode, "linked")
    assert Episode.objects.filter(person=county.patient).count() == 1


def test_a_person_the_actor_sees_elsewhere_gets_an_episode_here(county):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    person = f.PersonFactory(birth_date=datetime.date(1990, 1, 1), municipality=county.home)
    f.EpisodeFactory(person=person, unit=county.other_unit, opened_by=county.nurse)
    number = identity.parse(person.identity_number)
    before = last_row()
    r = accept(county, referral(county), identity_number=number)
    assert r.episode.unit == county.clinic and r.person == person
    [row] = rows_after(before)
    assert row.person_id == person.pk and "accepted" in row.what


def test_a_return_after_the_other_organisations_episode_is_told_as_new(county):
    """The municipality's closed episode at the clinic is not the region nurse's to know of:
    the answer is the one for a number nobody has (the link stays, for the follow-up)."""
    known, closed = known_from_a_closed_episode(
        county, TODAY - datetime.timedelta(days=300), opener=county.social_worker
    )
    r = accept(county, referral(county))
    assert (r.person, r.outcome) == (known, "new")
    assert r.episode.reactivation_of == closed


def test_a_person_outside_the_target_group_is_refused_and_nothing_is_saved(county):
    young = identity.parse(identity.make_personnummer(TODAY.replace(year=TODAY.year - 15), 123))
    r, before = referral(county), last_row()
    with pytest.raises(ValidationError, match="could not be registered at"):
        accept(county, r, identity_number=young)
    r.refresh_from_db()
    assert r.state == Referral.State.RECEIVED and r.person is None
    assert not Person.objects.filter(identity_number=young.value).exists()
    [row] = rows_after(before)
    assert (row.action, row.person_id, row.user_id, row.unit_id) == (
        "refused",
        None,
        county.nurse.pk,
        county.clinic.pk,
    )
    assert row.what == "referral acceptance refused: outside the target group"


def refusal_message(county, number) -> str:
    with pytest.raises(ValidationError) as error:
        accept(county, referral(county), user=county.social_worker, identity_number=number)
    return error.value.messages[0]


def test_accepting_reveals_nothing_about_an_enrolment_the_actor_may_not_see(county):
    """The patient is enrolled at the clinic by the region; the social worker, without
    consent, may not see that: the refusal is word for word the one for a number nobody has
    registered, outside the target group; the log row names the patient."""
    young = identity.parse(identity.make_personnummer(TODAY.replace(year=TODAY.year - 15), 12))
    before = last_row()
    hidden = refusal_message(county, identity.parse(county.patient.identity_number))
    assert hidden == refusal_message(county, young)
    assert "open episode" not in hidden and "Tolvan" not in hidden
    assert not Referral.objects.exclude(state=Referral.State.RECEIVED).exists()
    rows = rows_after(before)
    assert [(r.action, r.person_id, r.what) for r in rows] == [
        ("refused", county.patient.pk, "referral acceptance refused: an open episode at the unit"),
        ("refused", None, "referral acceptance refused: outside the target group"),
    ]


def test_accepting_does_not_link_to_an_open_episode_the_actor_may_not_see(county):
    """The social worker sees the patient through her own organisation's episode at Mini-Maria;
    the region's open episode at the clinic is not hers (no consent): accepting a clinic
    referral is refused with the one message, not linked to it, and no one joins its team."""
    f.MembershipFactory(user=county.social_worker, unit=county.other_unit)
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.social_worker)
    team = set(county.episode.case_team.values_list("user_id", flat=True))
    hidden = refusal_message(county, identity.parse(county.patient.identity_number))
    assert hidden == refusal_message(
        county, identity.parse(identity.make_personnummer(TODAY.replace(year=TODAY.year - 15), 12))
    )
    assert set(county.episode.case_team.values_list("user_id", flat=True)) == team
    assert not Referral.objects.exclude(state=Referral.State.RECEIVED).exists()


def test_accepting_a_referral_someone_else_registered_opens_the_episode_through_it(county):
    r, before = referral(county), last_row()
    episode = accept(county, r).episode
    assert episode.opened_through == Episode.OpenedThrough.REFERRAL
    [row] = rows_after(before)
    assert row.what.startswith("referral accepted: ")


def test_accepting_a_referral_one_registered_oneself_is_self_opened_and_flagged(county):
    r, before = referral(county, registered_by=county.nurse), last_row()
    episode = accept(county, r).episode
    assert episode.opened_through == Episode.OpenedThrough.SELF
    [row] = rows_after(before)
    assert row.what.startswith("episode opened without a referral: referral ")


def test_a_known_person_accepted_by_a_self_registered_referral_is_flagged_with_the_number(
    county,
):
    """The ACT case manager's way in: a referral he registered himself, with a clinic
    patient's number. Same answer as for a new number; the log row says what happened."""
    act = f.UnitFactory(name="ACT Testby")
    act.organisations.add(county.municipality)
    f.MembershipFactory(user=county.social_worker, unit=act)
    r = f.ReferralFactory(unit=act, registered_by=county.social_worker)
    before = last_row()
    accepted = actions.referral_accept(
        actor=actor(county.social_worker, act),
        referral_id=r.pk,
        identity_number=identity.parse(county.patient.identity_number),
        given_name="Typed",
        family_name="Name",
        municipality=county.home,
        opened_on=TODAY,
    )
    assert (accepted.person, accepted.outcome) == (county.patient, "new")
    assert accepted.episode.opened_through == Episode.OpenedThrough.SELF
    [row] = rows_after(before)
    assert row.what == (
        f"episode opened without a referral: referral {r.pk}, episode at ACT Testby,"
        " number already registered"
    )


def test_a_case_manager_from_outside_the_unit_is_refused_and_nothing_is_saved(county):
    r = referral(county)
    with pytest.raises(ValidationError):
        accept(county, r, case_managers=[county.outsider])
    assert not Person.objects.filter(identity_number=NUMBER.value).exists()
    assert Referral.objects.get(pk=r.pk).state == Referral.State.RECEIVED


def test_an_episode_cannot_begin_before_the_referral_was_received(county):
    r = referral(county)
    with pytest.raises(ValidationError):
        accept(county, r, opened_on=r.received_on - datetime.timedelta(days=1))


# --- The first contact ----------------------------------------------------------------------


def test_the_first_contact_is_noted_once_on_the_accepted_referral(county):
    r = accept(county, referral(county))
    early = r.received_on - datetime.timedelta(days=1)
    assert actions.note_first_contact(person=r.person, unit=county.clinic, on=early) is False
    assert actions.note_first_contact(person=r.person, unit=county.clinic, on=TODAY) is True
    later = TODAY + datetime.timedelta(days=3)
    assert actions.note_first_contact(person=r.person, unit=county.clinic, on=later) is False
    r.refresh_from_db()
    assert r.first_contact_on == TODAY


def test_a_contact_elsewhere_is_not_the_first_contact_here(county):
    r = accept(county, referral(county))
    assert actions.note_first_contact(person=r.person, unit=county.other_unit, on=TODAY) is False


# --- What the database holds ----------------------------------------------------------------


def test_the_database_refuses_an_accepted_referral_without_person_or_episode(county):
    r = referral(county)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(state="accepted", decided_at=timezone.now())


def test_the_database_refuses_a_declined_referral_without_a_redirect(county):
    r = referral(county)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=r.pk).update(
            state="declined", decided_at=timezone.now(), decline_reason="No."
        )


def test_the_wait_times_are_there_for_the_indicators_without_names(county):
    r = accept(county, referral(county))
    actions.note_first_contact(person=r.person, unit=county.clinic, on=TODAY)
    [row] = selectors.wait_time_rows(
        units=[county.clinic], received_from=r.received_on, received_to=TODAY
    )
    assert (row["received_on"], row["first_contact_on"], row["state"]) == (
        r.received_on,
        TODAY,
        "accepted",
    )
    assert row["decided_at"] is not None and "name" not in row
