"""The user council's meetings and proposals: read as the results, edited by the unit's
managers and coordinators."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from helhet.core.models import Membership
from helhet.surveys import actions
from helhet.surveys.models import CouncilMeeting, Proposal
from tests import factories as f

from ..people.utils import log_in


def test_the_manager_records_a_meeting_and_a_proposal_and_answers_it(client, county):
    log_in(client, county.manager, county.clinic)
    client.post(
        reverse("surveys:meeting_new", args=[county.clinic.pk]),
        {"held_on": "2025-04-02", "groups": ["persons", "staff"], "participants": "6 brukare"},
    )
    meeting = CouncilMeeting.objects.get()
    assert list(meeting.units.all()) == [county.clinic] and meeting.groups == ["persons", "staff"]
    client.post(
        reverse("surveys:proposal_new", args=[county.clinic.pk]),
        {
            "meeting": meeting.pk,
            "raised_on": "2025-04-02",
            "from_group": "persons",
            "text": "Öppet på kvällen en dag i veckan",
        },
    )
    proposal = Proposal.objects.get()
    assert proposal.meeting == meeting and proposal.decision == "waiting"
    assert client.get(reverse("surveys:proposal_answer", args=[proposal.pk])).status_code == 200
    client.post(
        reverse("surveys:proposal_answer", args=[proposal.pk]),
        {
            "version": "0",
            "decision": "partly",
            "answer": "Prövas under hösten.",
            "answered_by": "Enhetschef",
            "answered_on": "2025-05-10",
        },
    )
    proposal.refresh_from_db()
    assert (proposal.decision, proposal.answered_on) == ("partly", datetime.date(2025, 5, 10))
    page = client.get(reverse("surveys:council", args=[county.clinic.pk]))
    assert "Prövas under hösten." in page.text


def test_staff_of_the_unit_cannot_record_or_answer(client, county):
    proposal = Proposal.objects.create(
        unit=county.clinic,
        raised_on=datetime.date(2025, 4, 2),
        text="Kvällsöppet",
        recorded_by=county.manager,
    )
    log_in(client, county.nurse, county.clinic)
    url = reverse("surveys:meeting_new", args=[county.clinic.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"held_on": "2025-04-02", "groups": ["persons"]}).status_code == 404
    assert not CouncilMeeting.objects.exists()
    answer = reverse("surveys:proposal_answer", args=[proposal.pk])
    data = {
        "decision": "accepted",
        "answer": "Ja",
        "answered_by": "Chef",
        "answered_on": "2025-05-01",
    }
    assert client.post(answer, data).status_code == 404
    proposal.refresh_from_db()
    assert proposal.decision == "waiting"


def test_a_meeting_in_the_future_is_refused_with_the_form(client, county):
    log_in(client, county.coordinator, county.clinic)
    response = client.post(
        reverse("surveys:meeting_new", args=[county.clinic.pk]),
        {"held_on": "2999-01-01", "groups": ["persons"]},
    )
    assert response.status_code == 200
    assert not CouncilMeeting.objects.exists()


# --- Editing a recorded meeting or proposal ---------------------------------------------------

APRIL = datetime.date(2025, 4, 2)


def meeting_at(c, unit, notes=""):
    return actions.meeting_record(
        user=c.manager,
        units=[unit],
        held_on=APRIL,
        groups=["persons"],
        participants="6",
        notes=notes,
    )


@pytest.fixture
def recorded(steering):
    """The clinic's meeting and a proposal raised at it, as recorded by its manager."""
    c = steering
    c.meeting = meeting_at(c, c.clinic, notes="Kvällsöpet")
    c.proposal = actions.proposal_record(
        user=c.manager,
        unit=c.clinic,
        meeting=c.meeting,
        raised_on=APRIL,
        from_group="persons",
        text="Öppet på kvälen",
    )
    return c


def meeting_data(**changes) -> dict:
    data = {"version": "0", "held_on": "2025-04-03", "groups": ["persons", "relatives"]}
    return data | {"participants": "6 brukare, 2 anhöriga", "notes": "Kvällsöppet"} | changes


def proposal_data(c, **changes) -> dict:
    data = {"version": "0", "meeting": c.meeting.pk, "raised_on": "2025-04-03"}
    return data | {"from_group": "relatives", "text": "Öppet på kvällen"} | changes


def edit_urls(c) -> tuple[str, str]:
    return (
        reverse("surveys:meeting_edit", args=[c.meeting.pk]),
        reverse("surveys:proposal_edit", args=[c.proposal.pk]),
    )


def test_the_coordinator_corrects_a_recorded_meeting_and_proposal(client, recorded):
    c = recorded
    log_in(client, c.coordinator, c.clinic)
    council = client.get(reverse("surveys:council", args=[c.clinic.pk])).text
    meeting_url, proposal_url = edit_urls(c)
    assert meeting_url in council and proposal_url in council
    assert "Kvällsöpet" in client.get(meeting_url).text
    assert "Öppet på kvälen" in client.get(proposal_url).text

    assert client.post(meeting_url, meeting_data()).status_code == 302
    assert client.post(proposal_url, proposal_data(c)).status_code == 302
    c.meeting.refresh_from_db()
    c.proposal.refresh_from_db()
    assert (c.meeting.held_on, c.meeting.groups) == (APRIL.replace(day=3), ["persons", "relatives"])
    assert (c.meeting.notes, c.meeting.version) == ("Kvällsöppet", 1)
    assert (c.proposal.text, c.proposal.from_group, c.proposal.version) == (
        "Öppet på kvällen",
        "relatives",
        1,
    )
    assert c.proposal.meeting == c.meeting and list(c.meeting.units.all()) == [c.clinic]


def test_an_answered_proposal_is_corrected_and_keeps_its_answer(client, recorded):
    c = recorded
    answer = {"decision": "accepted", "answer": "Ja", "answered_by": "Chef"}
    actions.proposal_answer(proposal_id=c.proposal.pk, based_on=0, answered_on=APRIL, **answer)
    log_in(client, c.manager, c.clinic)
    url = reverse("surveys:proposal_edit", args=[c.proposal.pk])
    data = proposal_data(c, raised_on="2025-04-02", version="1")  # answered: version 1
    assert client.post(url, data).status_code == 302
    c.proposal.refresh_from_db()
    assert (c.proposal.text, c.proposal.decision, c.proposal.answer) == (
        "Öppet på kvällen",
        "accepted",
        "Ja",
    )
    response = client.post(url, proposal_data(c, version="2", raised_on="2025-04-03"))
    assert response.status_code == 200 and "2025-04-02" in response.text
    c.proposal.refresh_from_db()
    assert (c.proposal.raised_on, c.proposal.version) == (APRIL, 2)


def another_units_manager(c):
    user = f.UserFactory(username="other_manager", organisation=c.region)
    f.MembershipFactory(user=user, unit=c.other_unit, role=Membership.Role.MANAGER)
    return user


@pytest.mark.parametrize("who", ["nurse", "other_manager", "steering", "admin"])
def test_who_may_not_record_cannot_edit_a_meeting_or_a_proposal(client, recorded, who):
    c = recorded
    user = another_units_manager(c) if who == "other_manager" else getattr(c, who)
    log_in(client, user)
    council = client.get(reverse("surveys:council", args=[c.clinic.pk]))
    for url, data in zip(edit_urls(c), (meeting_data(), proposal_data(c)), strict=True):
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
        assert url not in council.text
    c.meeting.refresh_from_db()
    c.proposal.refresh_from_db()
    assert (c.meeting.notes, c.meeting.version) == ("Kvällsöpet", 0)
    assert (c.proposal.text, c.proposal.version) == ("Öppet på kvälen", 0)


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, recorded):
    c = recorded
    first = {"held_on": APRIL, "groups": ["persons"], "participants": "6", "notes": "Först"}
    actions.meeting_edit(meeting_id=c.meeting.pk, based_on=0, **first)
    log_in(client, c.coordinator, c.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    meeting_url, proposal_url = edit_urls(c)
    response = client.post(meeting_url, meeting_data(notes="Min version"))
    assert response.status_code == 200
    assert "Någon annan sparade en ny version" in response.text and "Min version" in response.text
    c.meeting.refresh_from_db()
    assert (c.meeting.notes, c.meeting.version) == ("Först", 1)
    assert (
        client.post(meeting_url, meeting_data(notes="Min version", version="1")).status_code == 302
    )
    c.meeting.refresh_from_db()
    assert (c.meeting.notes, c.meeting.version) == ("Min version", 2)

    first = {"meeting": None, "raised_on": APRIL, "from_group": "persons", "text": "Först"}
    actions.proposal_edit(proposal_id=c.proposal.pk, based_on=0, **first)
    response = client.post(proposal_url, proposal_data(c, text="Mitt förslag"))
    assert response.status_code == 200 and "Mitt förslag" in response.text
    assert "Någon annan sparade en ny version" in response.text
    assert "Sparad under tiden: version 1" in response.text and "<dd>Först</dd>" in response.text
    c.proposal.refresh_from_db()
    assert (c.proposal.text, c.proposal.version) == ("Först", 1)
    resent = proposal_data(c, text="Mitt förslag", version="1")
    assert client.post(proposal_url, resent).status_code == 302
    c.proposal.refresh_from_db()
    assert (c.proposal.text, c.proposal.version) == ("Mitt förslag", 2)


def test_a_stale_meeting_edit_shows_the_values_saved_meanwhile_by_their_names(client, recorded):
    c = recorded
    first = {"held_on": APRIL, "groups": ["relatives"], "participants": "6", "notes": "Först"}
    actions.meeting_edit(meeting_id=c.meeting.pk, based_on=0, **first)
    log_in(client, c.coordinator, c.clinic)
    response = client.post(edit_urls(c)[0], meeting_data(notes="Min version"))
    assert "Saved meanwhile: version 1" in response.text
    assert "<dd>Relatives</dd>" in response.text and "<dd>Först</dd>" in response.text


def test_an_answer_based_on_an_older_version_is_refused_and_keeps_what_was_typed(client, recorded):
    c = recorded
    url = reverse("surveys:proposal_answer", args=[c.proposal.pk])
    answer = {"decision": "accepted", "answer": "Ja", "answered_by": "Chef"}
    actions.proposal_answer(proposal_id=c.proposal.pk, based_on=0, answered_on=APRIL, **answer)
    log_in(client, c.manager, c.clinic)
    mine = {
        "version": "0",
        "decision": "declined",
        "answer": "Nej, inte nu",
        "answered_by": "Enhetschef",
        "answered_on": "2025-05-01",
    }
    response = client.post(url, mine)
    assert response.status_code == 200
    assert "Nej, inte nu" in response.text and "Saved meanwhile: version 1" in response.text
    c.proposal.refresh_from_db()
    assert (c.proposal.answer, c.proposal.version) == ("Ja", 1)
    assert client.post(url, mine | {"version": "1"}).status_code == 302
    c.proposal.refresh_from_db()
    assert (c.proposal.answer, c.proposal.decision, c.proposal.version) == (
        "Nej, inte nu",
        "declined",
        2,
    )


def test_an_answer_dated_before_the_proposal_as_saved_now_is_refused(client, recorded):
    c = recorded
    moved = {"meeting": None, "raised_on": datetime.date(2025, 4, 20), "from_group": "persons"}
    actions.proposal_edit(proposal_id=c.proposal.pk, based_on=0, text="Flyttat", **moved)
    with pytest.raises(actions.ValidationError):
        actions.proposal_answer(
            proposal_id=c.proposal.pk,
            based_on=1,
            decision="accepted",
            answer="Ja",
            answered_by="Chef",
            answered_on=datetime.date(2025, 4, 10),
        )
    c.proposal.refresh_from_db()
    assert (c.proposal.answer, c.proposal.version) == ("", 1)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"held_on": "2999-01-01"}, "framtiden"),
        ({"groups": []}, "Detta fält måste fyllas i"),
    ],
)
def test_a_bad_meeting_edit_renders_the_form_again_in_swedish(client, recorded, change, message):
    c = recorded
    log_in(client, c.manager, c.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.post(edit_urls(c)[0], meeting_data(**change))
    assert response.status_code == 200 and message in response.text
    c.meeting.refresh_from_db()
    assert (c.meeting.held_on, c.meeting.version) == (APRIL, 0)


def test_a_proposal_cannot_move_to_another_units_meeting(client, recorded):
    c = recorded
    elsewhere = meeting_at(c, c.other_unit)
    log_in(client, c.manager, c.clinic)
    response = client.post(edit_urls(c)[1], proposal_data(c, meeting=elsewhere.pk))
    assert response.status_code == 200
    c.proposal.refresh_from_db()
    assert (c.proposal.meeting, c.proposal.version) == (c.meeting, 0)
