"""A correction keeps the corrected contact's own staff and interventions, though they left
the unit or the catalogue since (others stay refused), and stays within its episode."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from helhet.contacts.models import Contact
from helhet.core.models import User

from .. import factories as f
from ..people.utils import log_in
from .test_corrections import AN_HOUR_AGO, REASON, acting, correct_visit, minute, url


def _psychologist(county):
    user = f.UserFactory(
        username="psych", organisation=county.region, profession=User.Profession.PSYCHOLOGIST
    )
    return user, f.MembershipFactory(user=user, unit=county.clinic)


def test_a_correction_keeps_a_staff_member_who_left_the_unit(client, county, catalogue):
    psych, membership = _psychologist(county)
    visit = correct_visit_record(county, staff=[county.nurse, psych], catalogue=catalogue)
    membership.delete()
    log_in(client, county.nurse, county.clinic)
    form = client.get(url("contact_correct", visit)).context["form"]
    assert psych in form.fields["staff"].queryset
    data = {
        "kind": "visit",
        "starts_at": minute(AN_HOUR_AGO),
        "staff": [county.nurse.pk, psych.pk],
        "interventions": [catalogue["health_talk"].pk],
        "reason": REASON,
    }
    assert client.post(url("contact_correct", visit), data).status_code == 302
    correction = Contact.objects.get(corrects=visit)
    assert set(correction.staff.all()) == {county.nurse, psych}


def test_a_correction_cannot_name_someone_who_left_the_unit_and_was_not_on_the_contact(
    client, county, catalogue
):
    psych, membership = _psychologist(county)
    visit = correct_visit_record(county, staff=[county.nurse], catalogue=catalogue)
    membership.delete()
    log_in(client, county.nurse, county.clinic)
    assert (
        psych
        not in client.get(url("contact_correct", visit)).context["form"].fields["staff"].queryset
    )
    with pytest.raises(ValidationError) as error:
        correct_visit(county, visit, staff=[county.nurse, psych])
    assert "staff" in error.value.message_dict
    assert not Contact.objects.filter(corrects=visit).exists()


def test_a_correction_keeps_an_intervention_retired_from_the_catalogue(county, catalogue):
    visit = correct_visit_record(county, staff=[county.nurse], catalogue=catalogue)
    catalogue["health_talk"].active = False
    catalogue["health_talk"].save()
    correction = correct_visit(county, visit, interventions=[catalogue["health_talk"]])
    assert list(correction.interventions.all()) == [catalogue["health_talk"]]


def test_a_correction_cannot_add_a_retired_intervention_the_contact_did_not_have(county, catalogue):
    visit = correct_visit_record(county, staff=[county.nurse], catalogue=catalogue)
    retired = catalogue["motivational_interviewing"]
    retired.active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        correct_visit(county, visit, interventions=[catalogue["health_talk"], retired])
    assert "interventions" in error.value.message_dict


def correct_visit_record(county, *, staff, catalogue):
    from helhet.contacts import actions

    return actions.contact_record(
        **acting(county),
        kind=Contact.Kind.VISIT,
        starts_at=AN_HOUR_AGO,
        staff=staff,
        interventions=[catalogue["health_talk"]],
    )


@pytest.fixture
def closed_visit(county, catalogue):
    """A visit on 1 February in the clinic's episode, closed on 1 March; a new one opened."""
    visit = correct_visit_record(county, staff=[county.nurse], catalogue=catalogue)
    Contact.objects.filter(pk=visit.pk).update(
        starts_at=datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC)
    )
    episode = county.episode
    episode.closed_on = datetime.date(2026, 3, 1)
    episode.closure_reason = f.ClosureReasonFactory()
    episode.save()
    f.EpisodeFactory(
        person=county.patient,
        unit=county.clinic,
        opened_by=county.nurse,
        opened_on=datetime.date(2026, 6, 1),
    )
    visit.refresh_from_db()
    return visit


def test_a_correction_cannot_move_a_contact_past_its_episodes_closure(county, closed_visit):
    with pytest.raises(ValidationError) as error:
        correct_visit(county, closed_visit, starts_at=AN_HOUR_AGO)
    assert "after the episode" in error.value.message_dict["starts_at"][0]
    assert not Contact.objects.filter(corrects=closed_visit).exists()


def test_a_correction_may_move_a_contact_to_its_episodes_last_day(county, closed_visit):
    last_day = datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)
    correction = correct_visit(county, closed_visit, starts_at=last_day)
    assert correction.episode_id == county.episode.pk
