"""The demo county's disputes (issue 17, item 5): at the clinic, one about a person's needs at
its second step with the first step's decision kept, and one settled; the steering group sees
the running one, the person's overview says who acts meanwhile."""

from django.urls import reverse

from helhet.care.models import Episode
from helhet.core.models import User
from helhet.followup.models import SteeringGroup
from helhet.governance.models import Dispute
from tests.demo.test_demo import demo  # noqa: F401 (a fixture)
from tests.test_access_matrix import log_in


def test_the_clinic_has_a_dispute_at_its_second_step_and_a_settled_one(demo, client):  # noqa: F811
    running = Dispute.objects.get(status=Dispute.Status.RUNNING)
    settled = Dispute.objects.get(status=Dispute.Status.SETTLED)
    assert running.unit.slug == settled.unit.slug
    assert running.step == 2 and [d.step for d in running.decisions.all()] == [1]
    assert not running.decisions.get().settled
    assert running.person is not None and running.meanwhile_party is not None
    assert settled.decisions.filter(settled=True).count() == 1
    client.force_login(User.objects.get(username="birgitta.styrgrupp"))
    group = SteeringGroup.objects.get()
    page = client.get(reverse("governance:steering_group", args=[group.pk]))
    assert list(page.context["disputes"]) == [running]
    for username in ("per.chef", "eva.samordnare"):  # both parties' managers at the clinic
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("governance:dispute", args=[running.pk])).status_code == 200
    # the member of staff who opened the person's episode there reads the note on the overview
    episode = Episode.objects.get(person=running.person, unit=running.unit, closed_on=None)
    log_in(client, episode.opened_by, running.unit)
    page = client.get(reverse("people:overview", args=[running.person_id]))
    assert running.meanwhile in page.content.decode()
