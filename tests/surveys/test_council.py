"""The user council's meetings and proposals: read as the results, edited by the unit's
managers and coordinators."""

import datetime

from django.urls import reverse

from helhet.surveys.models import CouncilMeeting, Proposal

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
