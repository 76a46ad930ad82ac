"""Saving SIP versions and recording SIP meetings: the law's four elements, the consent rule,
versions that never change, and bad input that saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from helhet.access.log import Actor
from helhet.access.models import Basis
from helhet.plans import actions
from helhet.plans.models import Sip, SipIntervention, SipMeasure, SipMeeting, SipVersion

from .. import factories as f
from ..people.utils import log_rows
from .conftest import access_of, disclose, save_sip, sip_data


def nothing_saved(county):
    assert not Sip.objects.exists() and not SipVersion.objects.exists()
    assert not SipIntervention.objects.exists() and not SipMeasure.objects.exists()
    assert log_rows(county.patient) == []


def test_the_nurse_makes_the_first_version_with_the_four_elements(county, coordination):
    version = save_sip(county)
    assert (version.number, version.organisation, version.sip.unit) == (
        1,
        county.region,
        county.clinic,
    )
    assert version.overall_responsible == county.municipality
    assert [
        (i.description, i.responsible_organisation, i.responsible_staff)
        for i in version.interventions.all()
    ] == [
        ("Abstinensbehandling", county.region, county.nurse),
        ("Boendestöd", county.municipality, county.social_worker),
    ]
    assert [m.agency for m in version.measures.all()] == ["forsakringskassan"]
    assert (version.agreed_on, version.agreed_how) == (datetime.date(2026, 2, 1), "written")
    [row] = log_rows(county.patient)
    assert (row.action, row.basis, row.what) == (
        "create",
        Basis.OWN_ORGANISATION,
        "sip version saved: Socialmedicinska mottagningen, version 1",
    )


def test_a_change_makes_a_new_version_and_the_earlier_one_is_unchanged(county, coordination):
    first = save_sip(county)
    second = save_sip(
        county, goal="Att börja arbeta.", interventions=sip_data(county)["interventions"][:1]
    )
    assert second.number == 2 and second.sip_id == first.sip_id
    first.refresh_from_db()
    assert first.goal == "Att få ett eget boende." and first.interventions.count() == 2
    assert second.interventions.count() == 1
    assert [r.action for r in log_rows(county.patient)] == ["create", "update"]


def test_without_the_persons_coordination_consent_no_sip_is_made(county):
    with pytest.raises(ValidationError) as error:
        save_sip(county)
    assert "A SIP needs the person's consent" in error.value.messages[0]
    nothing_saved(county)


def test_a_consent_without_coordination_is_not_enough(county):
    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    with pytest.raises(ValidationError):
        save_sip(county)
    nothing_saved(county)


def test_a_withdrawn_consent_is_not_enough(county, coordination):
    coordination.withdrawn_on = datetime.date(2026, 1, 20)
    coordination.save()
    with pytest.raises(ValidationError):
        save_sip(county)
    nothing_saved(county)


def test_a_sip_without_overall_responsibility_is_refused_and_nothing_is_saved(county, coordination):
    with pytest.raises(ValidationError) as error:
        save_sip(county, overall_responsible=None)
    assert error.value.message_dict["overall_responsible"] == [
        "Choose the authority with overall responsibility for the SIP: the law requires one."
    ]
    assert not SipVersion.objects.exists()
    nothing_saved(county)


def test_overall_responsibility_must_lie_with_one_of_the_units_organisations(county, coordination):
    elsewhere = f.OrganisationFactory(name="Annan kommun")
    with pytest.raises(ValidationError) as error:
        save_sip(county, overall_responsible=elsewhere)
    assert "overall_responsible" in error.value.message_dict
    nothing_saved(county)


def test_a_sip_names_at_least_one_intervention(county, coordination):
    with pytest.raises(ValidationError) as error:
        save_sip(county, interventions=[])
    assert error.value.messages == ["Name at least one intervention the person needs."]
    nothing_saved(county)


def test_each_intervention_has_a_responsible_authority_of_the_unit(county, coordination):
    rows = [{"description": "Boendestöd", "responsible_organisation": None}]
    with pytest.raises(ValidationError) as error:
        save_sip(county, interventions=rows)
    assert error.value.messages[0].startswith("Intervention 1: choose the responsible authority")
    nothing_saved(county)


def test_named_staff_must_work_at_the_unit_for_the_responsible_authority(county, coordination):
    wrong_org = [
        {
            "description": "Boendestöd",
            "responsible_organisation": county.municipality,
            "responsible_staff": county.nurse,
        }
    ]
    with pytest.raises(ValidationError):
        save_sip(county, interventions=wrong_org)
    elsewhere = [
        {
            "description": "Abstinensbehandling",
            "responsible_organisation": county.region,
            "responsible_staff": county.outsider,
        }
    ]
    with pytest.raises(ValidationError):
        save_sip(county, interventions=elsewhere)
    nothing_saved(county)


def test_a_measure_by_others_says_what_will_be_done(county, coordination):
    with pytest.raises(ValidationError):
        save_sip(county, measures=[{"agency": "housing", "measure": " "}])
    nothing_saved(county)


def test_the_agreement_needs_both_date_and_way(county, coordination):
    with pytest.raises(ValidationError):
        save_sip(county, agreed_how="")
    nothing_saved(county)


def test_a_version_without_the_persons_agreement_yet_is_kept_as_not_agreed(county, coordination):
    version = save_sip(county, agreed_on=None, agreed_how="")
    assert version.agreed_on is None and version.agreed_how == ""


def test_a_relative_the_person_agrees_to_takes_part(county, coordination):
    version = save_sip(county, relatives=[county.relative])
    assert list(version.relatives.all()) == [county.relative]


def test_a_relative_the_person_keeps_secrecy_towards_cannot_take_part(county, coordination):
    county.relative.secrecy_requested = True
    county.relative.save()
    with pytest.raises(ValidationError) as error:
        save_sip(county, relatives=[county.relative])
    assert "secrecy" in error.value.message_dict["relatives"][0]
    nothing_saved(county)


def test_another_persons_relative_cannot_take_part(county, coordination):
    stranger = f.RelativeFactory(recorded_by=county.nurse)
    with pytest.raises(ValidationError):
        save_sip(county, relatives=[stranger])
    nothing_saved(county)


def test_the_social_worker_under_consent_writes_a_version_owned_by_the_municipality(
    county, coordination
):
    disclose(coordination, county, "plans", "enrolment")
    save_sip(county)
    version = save_sip(county, user=county.social_worker)
    assert (version.number, version.organisation) == (2, county.municipality)
    row = log_rows(county.patient)[-1]
    assert (row.basis, row.consent_id) == (Basis.CONSENT, coordination.pk)


def test_the_social_worker_revises_the_nurses_version_under_the_coordination_consent_alone(
    county, coordination
):
    """One joint plan (hole 8): no consent disclosing plans is needed to revise the region's
    version; reading it to revise it is a disclosure under the coordination consent."""
    save_sip(county)
    version = save_sip(county, user=county.social_worker, goal="Kommunens ändring.")
    assert (version.number, version.organisation) == (2, county.municipality)
    row = log_rows(county.patient)[-1]
    assert (row.action, row.basis, row.consent_id) == ("update", Basis.CONSENT, coordination.pk)


def test_after_the_withdrawal_neither_party_revises_the_sip(county, coordination):
    save_sip(county)
    coordination.withdrawn_on = coordination.valid_from
    coordination.save()
    for user in (county.nurse, county.social_worker):
        with pytest.raises((ValidationError, Http404)):
            save_sip(county, user=user)
    assert SipVersion.objects.count() == 1


# --- Meetings -----------------------------------------------------------------------------


def record_meeting(county, **overrides):
    access = access_of(county.nurse, county.patient, county.clinic)
    data = {
        "caller": county.social_worker,
        "invitees": "Tolvan\nAnna Anhörig\nFörsäkringskassan",
        "held_on": datetime.date(2026, 2, 1),
        "minutes": "Planen gicks igenom.",
        "next_follow_up_on": datetime.date(2026, 5, 1),
    }
    return actions.sip_meeting_record(
        actor=Actor(county.nurse, county.clinic, "req-2"), access=access, **(data | overrides)
    )


def test_a_sip_meeting_is_recorded_with_caller_invitees_minutes_and_follow_up(county, coordination):
    save_sip(county)
    meeting = record_meeting(county)
    assert (meeting.caller, meeting.organisation) == (county.social_worker, county.region)
    assert meeting.invitee_lines == ["Tolvan", "Anna Anhörig", "Försäkringskassan"]
    assert (
        log_rows(county.patient)[-1].what == "sip meeting recorded: Socialmedicinska mottagningen"
    )


def test_a_meeting_needs_a_sip_first(county, coordination):
    with pytest.raises(ValidationError):
        record_meeting(county)
    assert not SipMeeting.objects.exists()


def test_a_meeting_needs_the_consent(county, coordination):
    save_sip(county)
    coordination.withdrawn_on = datetime.date(2026, 1, 20)
    coordination.save()
    with pytest.raises(ValidationError):
        record_meeting(county)
    assert not SipMeeting.objects.exists()


def test_the_follow_up_comes_after_the_meeting(county, coordination):
    save_sip(county)
    with pytest.raises(ValidationError) as error:
        record_meeting(county, next_follow_up_on=datetime.date(2026, 1, 1))
    assert "next_follow_up_on" in error.value.message_dict
    assert not SipMeeting.objects.exists()


def test_the_caller_is_a_member_of_the_unit(county, coordination):
    save_sip(county)
    with pytest.raises(ValidationError) as error:
        record_meeting(county, caller=county.outsider)
    assert "caller" in error.value.message_dict
    assert not SipMeeting.objects.exists()
