"""Records changed once by a state transition need no version number (`core.versions`): each
action locks the row and refuses a second transition. Two at once: exactly one is saved, the
other is told why (a ValidationError the form shows) and saves nothing. On PostgreSQL the two
run at once in two connections; on SQLite (writers serialised) one after the other."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from helhet.access import actions as access_actions
from helhet.access import blocks
from helhet.access.log import Actor
from helhet.access.models import Block, Consent
from helhet.assessments import actions as assessment_actions
from helhet.assessments.models import Assessment
from helhet.care import actions as care_actions
from helhet.care.models import Episode
from helhet.contacts import actions as contact_actions
from helhet.contacts.models import Contact, DrugTest, MedicationDispensing
from helhet.intake import actions as intake_actions
from helhet.intake.models import Referral
from helhet.people.models import Person

from . import factories as f
from .assessments.utils import audit_without_raise
from .concurrency import at_once, in_turn, seed_rows_put_back  # noqa: F401 (a fixture)
from .plans.conftest import access_of

DAY = datetime.date(2026, 2, 10)
TODAY = timezone.localdate()


def _acting(county, user):
    return {
        "actor": Actor(user, county.clinic, f"req-{user.username}"),
        "access": access_of(user, county.patient, county.clinic),
    }


def episode_close(county):
    reasons = [f.ClosureReasonFactory(), f.ClosureReasonFactory()]

    def close(user, reason):
        acting = _acting(county, user)  # as the page read it, before either save
        return lambda: care_actions.episode_close(
            **acting, episode_id=county.episode.pk, closed_on=DAY, reason=reason
        )

    def saved():
        return Episode.objects.filter(pk=county.episode.pk, closed_on=DAY).count()

    return [close(county.nurse, reasons[0]), close(county.coordinator, reasons[1])], saved, DAY


def consent_withdraw(county):
    consent = f.ConsentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)

    def withdraw(user, by):
        acting = _acting(county, user)
        return lambda: access_actions.consent_withdraw(
            **acting, consent_id=consent.pk, withdrawn_on=DAY, withdrawn_by=by
        )

    def saved():
        return Consent.objects.filter(pk=consent.pk, withdrawn_on=DAY).count()

    calls = [withdraw(county.nurse, "Personen själv"), withdraw(county.coordinator, "Ombud")]
    return calls, saved, DAY


def block_lift(county):
    block = f.BlockFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)

    def lift(user):
        acting = _acting(county, user)
        return lambda: blocks.block_lift(**acting, block_id=block.pk, lifted_on=DAY)

    def saved():
        return Block.objects.filter(pk=block.pk, lifted_on=DAY).count()

    return [lift(county.nurse), lift(county.coordinator)], saved, DAY


def assessment_correct(county):
    Person.objects.filter(pk=county.patient.pk).update(legal_sex="female")
    earlier = f.AssessmentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.nurse,
        answers=audit_without_raise(5),
    )

    def correct(user, total):
        acting = _acting(county, user)
        return lambda: assessment_actions.assessment_correct(
            **acting,
            assessment_id=earlier.pk,
            reason="Fel svar.",
            assessed_on=earlier.assessed_on,
            occasion="follow_up",
            answers=audit_without_raise(total),
        )

    def saved():
        return Assessment.objects.filter(corrects=earlier).count()

    return [correct(county.nurse, 7), correct(county.coordinator, 8)], saved, TODAY


def referral_decide(county):
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.coordinator)

    def decline(user, reason):
        return lambda: intake_actions.referral_decline(
            actor=Actor(user, county.clinic, f"req-{user.username}"),
            referral_id=referral.pk,
            reason=reason,
            redirect_unit=None,
            redirect_to="Vuxenpsykiatrin",
        )

    def saved():
        return Referral.objects.filter(pk=referral.pk, state=Referral.State.DECLINED).count()

    calls = [decline(county.nurse, "Den ena."), decline(county.social_worker, "Den andra.")]
    return calls, saved, TODAY


def contact_correct(county):
    earlier = f.ContactFactory(episode=county.episode, recorded_by=county.nurse)

    def correct(user, attended):
        acting = _acting(county, user)
        return lambda: contact_actions.contact_correct(
            **acting,
            contact_id=earlier.pk,
            reason="Fel närvaro.",
            kind=earlier.kind,
            starts_at=earlier.starts_at,
            attended=attended,
        )

    def saved():
        return Contact.objects.filter(corrects=earlier).count()

    return [correct(county.nurse, False), correct(county.coordinator, True)], saved, TODAY


def drug_test_correct(county):
    earlier = f.DrugTestFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)

    def correct(user, result):
        acting = _acting(county, user)
        return lambda: contact_actions.drug_test_correct(
            **acting,
            drug_test_id=earlier.pk,
            reason="Fel resultat.",
            taken_at=earlier.taken_at,
            sample=earlier.sample,
            results={"cannabis": result},
        )

    def saved():
        return DrugTest.objects.filter(corrects=earlier).count()

    return (
        [correct(county.nurse, "negative"), correct(county.coordinator, "positive")],
        saved,
        TODAY,
    )


def dispensing_correct(county):
    earlier = f.MedicationDispensingFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse
    )

    def correct(user, dose):
        acting = _acting(county, user)
        return lambda: contact_actions.dispensing_correct(
            **acting,
            dispensing_id=earlier.pk,
            reason="Fel dos.",
            medication=earlier.medication,
            dose=dose,
            dose_unit="mg",
            handed_out_at=earlier.handed_out_at,
        )

    def saved():
        return MedicationDispensing.objects.filter(corrects=earlier).count()

    return [correct(county.nurse, 40), correct(county.coordinator, 50)], saved, TODAY


TRANSITIONS = [
    episode_close,
    consent_withdraw,
    block_lift,
    assessment_correct,
    referral_decide,
    contact_correct,
    drug_test_correct,
    dispensing_correct,
]


def _one_saved_one_told(outcomes, saved, on: datetime.date) -> None:
    """One outcome saved, the other refused with a message that says when the saved
    transition was made (and by whom); nothing else raised."""
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1, outcomes
    assert "already" in refused[0].messages[0] and on.isoformat() in refused[0].messages[0]
    assert not [o for o in outcomes if isinstance(o, Exception) and o not in refused], outcomes
    assert saved() == 1


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.__name__)
def test_two_of_the_same_transition_one_after_the_other_one_is_saved(county, transition):
    calls, saved, on = transition(county)
    _one_saved_one_told(in_turn(*calls), saved, on)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("seed_rows_put_back")
@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.__name__)
def test_two_of_the_same_transition_at_once_one_is_saved(county, transition):
    calls, saved, on = transition(county)
    _one_saved_one_told(at_once(*calls), saved, on)
