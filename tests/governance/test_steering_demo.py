"""The demo county's steering group has a year of meetings with agendas, minutes and decisions
(some done, some open, one overdue) and a year's cycle with steps done and to come."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from helhet.core.models import User
from helhet.followup.models import SteeringGroup
from helhet.governance.models import Decision, Meeting


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO(), persons=30)


def test_the_demo_steering_group_has_a_year_of_meetings_and_its_cycle(demo, client):
    today = timezone.localdate()
    group = SteeringGroup.objects.get()
    held = Meeting.objects.filter(group=group, held_on__lt=today)
    assert held.count() == 4 and Meeting.objects.filter(held_on__gt=today).count() == 1
    assert all(m.agenda.count() == 6 and m.minutes for m in held)
    decisions = Decision.objects.filter(meeting__group=group)
    assert decisions.filter(done_on__isnull=False).exists()
    open_ = decisions.open()
    assert open_.exists()
    assert [d.overdue for d in open_].count(True) == 1
    client.force_login(User.objects.get(username="birgitta.styrgrupp"))
    page = client.get(reverse("governance:steering_group", args=[group.pk]))
    states = {row.state for row in page.context["cycle"]}
    assert "done" in states and states & {"later", "soon", "overdue"}
    latest = held.order_by("-held_on").first()
    meeting_page = client.get(reverse("governance:meeting", args=[latest.pk]))
    assert meeting_page.status_code == 200
    assert meeting_page.context["followup"].tables
    assert meeting_page.context["open_items"]
    assert meeting_page.context["carried"]
