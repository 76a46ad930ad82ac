"""The unit's blocks (`/blocks/`): a block can always be lifted at the person's request.

Lifting through the person's page needs a care relationship at the blocked unit; once the
person's episode there is closed nobody has one. So the unit's manager or coordinator, of the
organisation whose records are blocked, lists the blocks in force at the unit and lifts one,
without a care relationship. Nobody else: not the unit's staff, not the other organisation's
manager at the same unit, not a manager at another unit.

The world: the region's block of its records at the clinic; the patient's episode there closed.
The region's coordinator and the municipality's manager are the clinic's reviewers.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access import blocks
from helhet.access.log import Actor, verify
from helhet.access.models import AccessLogEntry, Basis, Block
from helhet.access.review import LogFilter, Reviewer, log_entries
from helhet.core.models import Membership, User

from .. import factories as f
from .conftest import log_in

LIST = reverse("access:unit_blocks")
LIFT_DATA = {"lifted_on": "2026-12-01", "person_asked": "on"}


def lift_url(block: Block) -> str:
    return reverse("access:unit_block_lift", args=[block.pk])


@pytest.fixture
def closed(county):
    """The region's block at the clinic, and the patient's episode at the clinic closed."""
    county.episode.closed_on = datetime.date(2026, 3, 1)
    county.episode.closed_by = county.nurse
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    county.block = f.BlockFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse
    )
    return county


def rows_since(pk: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=pk).order_by("pk"))


def last_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def lifted(block: Block) -> bool:
    block.refresh_from_db()
    return block.lifted_on is not None


# --- The coordinator, without a care relationship -------------------------------------------


def test_with_the_episode_closed_the_persons_page_no_longer_lets_anyone_lift_the_block(
    client, closed
):
    """The gap: the person's page needs a relationship that a closed episode no longer gives."""
    log_in(client, closed.coordinator, closed.clinic)
    url = reverse("access:block_lift", args=[closed.patient.pk, closed.block.pk])
    assert client.post(url, LIFT_DATA).status_code == 404
    assert not lifted(closed.block)


def test_the_coordinator_lists_the_units_blocks_by_name_and_number_each_person_logged(
    client, closed
):
    log_in(client, closed.coordinator, closed.clinic)
    before = last_pk()
    response = client.get(LIST)
    content = response.content.decode()
    assert response.status_code == 200
    assert closed.patient.full_name in content
    assert closed.patient.formatted_identity_number in content
    assert lift_url(closed.block) in content
    [row] = rows_since(before)
    assert (row.action, row.what, row.person_id, row.user_id) == (
        "read",
        "blocks at the unit",
        closed.patient.pk,
        closed.coordinator.pk,
    )
    assert (row.organisation_id, row.unit_id, row.basis) == (
        closed.region.pk,
        closed.clinic.pk,
        Basis.OWN_ORGANISATION,
    )
    assert row.without_relationship is True


def test_a_person_the_coordinator_has_a_relationship_with_is_listed_without_the_flag(
    client, county
):
    f.BlockFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.coordinator, county.clinic)
    before = last_pk()
    client.get(LIST)
    [row] = rows_since(before)
    assert row.without_relationship is False


def test_a_lifted_block_is_not_listed(client, closed):
    Block.objects.filter(pk=closed.block.pk).update(
        lifted_on=datetime.date(2026, 4, 1),
        lifted_by=closed.nurse,
        lift_recorded_at=timezone.now(),
    )
    log_in(client, closed.coordinator, closed.clinic)
    before = last_pk()
    content = client.get(LIST).content.decode()
    assert closed.patient.full_name not in content
    assert rows_since(before) == []


def test_the_coordinator_lifts_a_block_of_a_person_whose_episode_here_is_closed(client, closed):
    log_in(client, closed.coordinator, closed.clinic)
    before = last_pk()
    response = client.post(lift_url(closed.block), LIFT_DATA)
    assert response.status_code == 302 and response["Location"] == LIST
    block = closed.block
    assert lifted(block)
    assert (block.lifted_on, block.lifted_by) == (datetime.date(2026, 12, 1), closed.coordinator)
    assert block.lift_recorded_at is not None
    [row] = rows_since(before)
    assert (row.action, row.what, row.person_id, row.user_id, row.unit_id) == (
        "update",
        f"block lifted: {closed.clinic}",
        closed.patient.pk,
        closed.coordinator.pk,
        closed.clinic.pk,
    )
    assert row.organisation_id == closed.region.pk and row.without_relationship
    assert verify() is None


def test_the_lift_is_in_the_units_log_review_of_the_organisation(client, closed):
    log_in(client, closed.coordinator, closed.clinic)
    client.post(lift_url(closed.block), LIFT_DATA)
    lift = AccessLogEntry.objects.get(what=f"block lifted: {closed.clinic}")
    region_review = log_entries(Reviewer(closed.coordinator, closed.clinic), LogFilter())
    municipal_review = log_entries(Reviewer(closed.manager, closed.clinic), LogFilter())
    assert lift in region_review
    assert lift not in municipal_review  # the other authority's staff act on its own records


def test_the_lift_form_shows_the_person_and_is_logged(client, closed):
    log_in(client, closed.coordinator, closed.clinic)
    before = last_pk()
    response = client.get(lift_url(closed.block))
    assert response.status_code == 200
    assert closed.patient.formatted_identity_number in response.content.decode()
    [row] = rows_since(before)
    assert (row.action, row.what, row.person_id) == (
        "read",
        "unit block lift form",
        closed.patient.pk,
    )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"lifted_on": "2026-12-01"}, "Only the person&#x27;s own request lifts a block."),
        (
            {"lifted_on": "FUTURE", "person_asked": "on"},
            "The date lies in the future.",
        ),
        (
            {"lifted_on": "2026-01-31", "person_asked": "on"},
            "The block cannot be lifted before it was requested (2026-02-01).",
        ),
        ({"lifted_on": "not a date", "person_asked": "on"}, "Enter a valid date."),
    ],
)
def test_bad_input_re_renders_the_form_with_the_message_and_lifts_nothing(
    client, closed, data, message
):
    if data["lifted_on"] == "FUTURE":
        data = {
            **data,
            "lifted_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
        }
    log_in(client, closed.coordinator, closed.clinic)
    response = client.post(lift_url(closed.block), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert message in response.content.decode()
    assert not lifted(closed.block)


def test_a_block_lifted_already_is_not_found(client, closed):
    log_in(client, closed.coordinator, closed.clinic)
    client.post(lift_url(closed.block), LIFT_DATA)
    assert client.post(lift_url(closed.block), LIFT_DATA).status_code == 404


# --- Nobody else -----------------------------------------------------------------------------


def test_a_nurse_of_the_unit_who_reviews_nothing_is_not_found_and_refused_logged(client, closed):
    log_in(client, closed.nurse, closed.clinic)
    before = last_pk()
    assert client.get(LIST).status_code == 404
    assert client.get(lift_url(closed.block)).status_code == 404
    assert client.post(lift_url(closed.block), LIFT_DATA).status_code == 404
    assert not lifted(closed.block)
    refused = rows_since(before)
    assert [r.action for r in refused] == ["refused"] * 3
    assert [r.person_id for r in refused] == [None, closed.patient.pk, closed.patient.pk]
    assert refused[0].what == "request refused: access:unit_blocks"


def test_the_other_organisations_manager_at_the_unit_sees_no_block_of_the_first(client, closed):
    log_in(client, closed.manager, closed.clinic)
    before = last_pk()
    response = client.get(LIST)
    assert response.status_code == 200
    assert closed.patient.full_name not in response.content.decode()
    assert rows_since(before) == []


def test_the_other_organisations_manager_sees_their_own_organisations_block(client, closed):
    """The twin: the municipality's block at the clinic is theirs to list and lift."""
    own = f.BlockFactory(
        person=closed.patient, unit=closed.clinic, recorded_by=closed.social_worker
    )
    log_in(client, closed.manager, closed.clinic)
    assert lift_url(own) in client.get(LIST).content.decode()
    assert lift_url(closed.block) not in client.get(LIST).content.decode()
    assert client.post(lift_url(own), LIFT_DATA).status_code == 302
    assert lifted(own) and not lifted(closed.block)


def test_the_other_organisations_manager_at_the_unit_cannot_lift_the_block(client, closed):
    log_in(client, closed.manager, closed.clinic)
    assert client.get(lift_url(closed.block)).status_code == 404
    assert client.post(lift_url(closed.block), LIFT_DATA).status_code == 404
    assert not lifted(closed.block)


@pytest.fixture
def manager_elsewhere(closed):
    """The region's manager at Mini-Maria."""
    user = f.UserFactory(organisation=closed.region, profession=User.Profession.MANAGER)
    f.MembershipFactory(user=user, unit=closed.other_unit, role=Membership.Role.MANAGER)
    return user


def test_a_manager_at_another_unit_sees_no_block_of_the_unit_and_cannot_lift_it(
    client, closed, manager_elsewhere
):
    log_in(client, manager_elsewhere, closed.other_unit)
    assert closed.patient.full_name not in client.get(LIST).content.decode()
    assert client.get(lift_url(closed.block)).status_code == 404
    assert client.post(lift_url(closed.block), LIFT_DATA).status_code == 404
    assert not lifted(closed.block)


def test_a_manager_at_another_unit_lists_that_units_blocks(client, closed, manager_elsewhere):
    """The twin: at their own unit the region's blocks are theirs."""
    there = f.BlockFactory(
        person=closed.patient, unit=closed.other_unit, recorded_by=closed.outsider
    )
    log_in(client, manager_elsewhere, closed.other_unit)
    assert lift_url(there) in client.get(LIST).content.decode()


def test_the_administrator_is_not_found(client, closed):
    client.force_login(closed.admin)
    assert client.get(LIST).status_code == 404
    assert client.post(lift_url(closed.block), LIFT_DATA).status_code == 404
    assert not lifted(closed.block)


def test_a_block_id_nobody_has_is_not_found(client, closed):
    log_in(client, closed.coordinator, closed.clinic)
    before = last_pk()
    assert (
        client.get(reverse("access:unit_block_lift", args=[closed.block.pk + 99])).status_code
        == 404
    )
    [row] = rows_since(before)
    assert (row.action, row.person_id) == ("refused", None)


# --- The menu ----------------------------------------------------------------------------------


def test_the_menu_links_the_units_blocks_for_reviewers(client, closed):
    log_in(client, closed.coordinator, closed.clinic)
    assert f'href="{LIST}"' in client.get(reverse("care:caseload")).content.decode()


def test_the_menu_has_no_blocks_link_for_the_units_staff(client, closed):
    log_in(client, closed.nurse, closed.clinic)
    assert f'href="{LIST}"' not in client.get(reverse("care:caseload")).content.decode()


def test_the_persons_lift_form_shows_the_block_it_lifts(client, county):
    """The template's `block` was Django's {% block %} node: the facts were empty."""
    block = f.BlockFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    url = reverse("access:block_lift", args=[county.patient.pk, block.pk])
    content = client.get(url).content.decode()
    assert f"Lift the block of {county.patient.full_name} at {county.clinic.name}" in content
    assert "2026-02-01" in content


def test_the_action_refuses_a_block_of_another_organisation_or_unit(closed, manager_elsewhere):
    """The action checks again what the page checked: the reviewer's organisation and unit."""
    for user, unit in ((closed.manager, closed.clinic), (manager_elsewhere, closed.other_unit)):
        with pytest.raises(ValidationError):
            blocks.unit_block_lift(
                actor=Actor(user, unit),
                reviewer=Reviewer(user, unit),
                block_id=closed.block.pk,
                lifted_on=datetime.date(2026, 12, 1),
            )
    assert not lifted(closed.block)
