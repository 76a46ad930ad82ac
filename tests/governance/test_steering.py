"""The steering group's work (issue 17, item 7): meetings with agenda, attendees, minutes and
decisions, recorded and edited by the group's members and its units' managers and
coordinators (everyone else: not found); open decisions carried over; the follow-up of the
meeting's period beside the open checklist items and the deviation figures; the year's cycle
and its reminders; the deviation figures on the follow-up's own page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.core import pdf
from helhet.core.models import Membership
from helhet.core.versions import STALE_MESSAGE
from helhet.governance import actions, deviations, steering
from helhet.governance import steering_actions as work
from helhet.governance.models import (
    Agreement,
    CycleDone,
    CycleStep,
    Decision,
    Deviation,
    Meeting,
)
from helhet.reminders.models import Reminder
from helhet.reminders.refresh import refresh_unit
from helhet.reminders.selectors import task_list
from tests import factories as f

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def meeting(g, user=None, **changes) -> Meeting:
    data = {
        "held_on": TODAY(),
        "period_start": TODAY() - 60 * DAY,
        "period_end": TODAY() - DAY,
        "place": "Stadshuset",
        "agenda": ["Uppföljningen", "Avvikelser", "Årshjulet"],
        "attendees": [g.steering],
        "minutes": "Styrgruppen gick igenom uppföljningen.",
    }
    return work.meeting_save(
        user=user or g.steering, group_id=g.group.pk, based_on=None, **(data | changes)
    )


def decide(g, held, user=None, **changes) -> Decision:
    data = {"text": "Ta fram en rutin för överlämning.", "owner": g.steering}
    return work.decision_save(
        user=user or g.steering, meeting_id=held.pk, based_on=None, **(data | changes)
    )


@pytest.fixture
def held(gov):
    return meeting(gov)


# --- Who may --------------------------------------------------------------------------------

PAGES = [
    ("governance:meeting_new", "group"),
    ("governance:meeting", "meeting"),
    ("governance:meeting_edit", "meeting"),
    ("governance:minutes", "meeting"),
    ("governance:decision_new", "meeting"),
    ("governance:decision", "decision"),
    ("governance:cycle_step_new", "group"),
    ("governance:cycle_step", "step"),
]


def _url(g, held, name, kind):
    ids = {
        "group": g.group.pk,
        "meeting": held.pk,
        "decision": decide(g, held).pk,
        "step": work.cycle_step_save(
            user=g.steering, group_id=g.group.pk, based_on=None, kind="budget", month=10, day=1
        ).pk,
    }
    return reverse(name, args=[ids[kind]])


@pytest.mark.parametrize(("name", "kind"), PAGES)
@pytest.mark.parametrize("who", ["steering", "coordinator", "manager"])
def test_members_and_the_units_managers_and_coordinators_open_the_pages(
    client, gov, held, name, kind, who
):
    url = _url(gov, held, name, kind)
    client.force_login(getattr(gov, who))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "kind"), PAGES)
@pytest.mark.parametrize("who", ["nurse", "outsider", "other_manager", "admin"])
def test_staff_other_units_managers_and_administrators_get_not_found(
    client, gov, held, name, kind, who
):
    url = _url(gov, held, name, kind)
    client.force_login(getattr(gov, who))
    assert client.get(url).status_code == 404
    if name not in ("governance:meeting", "governance:minutes"):  # read pages: GET only
        assert client.post(url, {"version": "0"}).status_code == 404


def test_a_member_of_another_group_gets_not_found(client, gov, held):
    other = f.UserFactory(username="other_member", organisation=gov.region)
    group = type(gov.group).objects.create(name="Styrgruppen Mini-Maria")
    group.units.set([gov.other_unit])
    group.members.set([other])
    client.force_login(other)
    assert client.get(reverse("governance:meeting", args=[held.pk])).status_code == 404
    assert client.get(reverse("governance:steering_group", args=[gov.group.pk])).status_code == 404


def test_the_anonymous_visitor_is_sent_to_log_in(client, gov, held):
    response = client.get(reverse("governance:meeting", args=[held.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_unit_manager_records_a_meeting_a_nurse_may_not(gov):
    assert meeting(gov, user=gov.manager).created_by == gov.manager
    with pytest.raises(ValidationError):
        meeting(gov, user=gov.nurse)
    assert Meeting.objects.count() == 1


# --- Meetings -------------------------------------------------------------------------------


def test_a_member_records_a_meeting_with_its_agenda_in_order(client, gov):
    client.force_login(gov.steering)
    url = reverse("governance:meeting_new", args=[gov.group.pk])
    data = {
        "version": "0",
        "held_on": TODAY().isoformat(),
        "place": "Regionhuset",
        "period_start": (TODAY() - 30 * DAY).isoformat(),
        "period_end": (TODAY() - DAY).isoformat(),
        "agenda": "Uppföljning\r\n\r\nAvtalet\r\nBudget",
        "attendees": [str(gov.steering.pk)],
        "minutes": "Protokoll",
    }
    response = client.post(url, data)
    saved = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:meeting", args=[saved.pk])
    assert [i.title for i in saved.agenda.all()] == ["Uppföljning", "Avtalet", "Budget"]
    assert list(saved.attendees.all()) == [gov.steering]


def _post_meeting(client, g, **changes):
    """The new-meeting form posted by the group's member: a month before today, and CHANGES."""
    client.force_login(g.steering)
    data = {
        "version": "0",
        "held_on": TODAY().isoformat(),
        "period_start": (TODAY() - 30 * DAY).isoformat(),
        "period_end": (TODAY() - DAY).isoformat(),
    }
    return client.post(reverse("governance:meeting_new", args=[g.group.pk]), data | changes)


def test_an_attendee_who_is_no_member_is_refused_with_a_message(client, gov):
    response = _post_meeting(client, gov, attendees=[str(gov.nurse.pk)])
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_a_period_ending_after_the_meeting_is_refused(gov):
    with pytest.raises(ValidationError):
        meeting(gov, period_end=TODAY() + DAY, held_on=TODAY())
    assert not Meeting.objects.exists()


def test_a_stale_meeting_edit_is_refused_and_keeps_what_was_typed(client, gov, held):
    meeting(gov, meeting_id=held.pk, minutes="Ändrat av någon annan")  # version 1 now
    client.force_login(gov.manager)
    url = reverse("governance:meeting_edit", args=[held.pk])
    data = {
        "version": "0",
        "held_on": TODAY().isoformat(),
        "period_start": (TODAY() - 30 * DAY).isoformat(),
        "period_end": (TODAY() - DAY).isoformat(),
        "minutes": "Min version",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert str(STALE_MESSAGE) in response.text or "Någon annan" in response.text
    held.refresh_from_db()
    assert (held.minutes, held.version) == ("Ändrat av någon annan", 1)
    data["version"] = "1"
    assert client.post(url, data).status_code == 302
    held.refresh_from_db()
    assert (held.minutes, held.version) == ("Min version", 2)


def test_the_printable_minutes_show_the_agenda_and_decisions(client, gov, held):
    decide(gov, held, text="Beslut om rutin")
    client.force_login(gov.steering)
    page = client.get(reverse("governance:minutes", args=[held.pk])).text
    assert "Uppföljningen" in page and "Beslut om rutin" in page and "Stadshuset" in page


@pytest.mark.skipif(not pdf.available(), reason="WeasyPrint is not available here")
def test_the_minutes_as_pdf(client, gov, held):
    client.force_login(gov.steering)
    response = client.get(reverse("governance:minutes_pdf", args=[held.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# --- Decisions ------------------------------------------------------------------------------


def test_a_decision_is_recorded_with_its_owner_and_due_date_on_the_meeting_page(client, gov, held):
    client.force_login(gov.coordinator)
    url = reverse("governance:decision_new", args=[held.pk])
    due = (TODAY() + 30 * DAY).isoformat()
    data = {"version": "0", "text": "Utreda bilkostnaden", "owner_function": "Regionens ekonom"}
    response = client.post(url, data | {"due_on": due})
    assert response.status_code == 302
    found = Decision.objects.get()
    assert (found.owner, found.owner_function, found.due_on.isoformat()) == (
        None,
        "Regionens ekonom",
        due,
    )
    assert "Utreda bilkostnaden" in client.get(response["Location"]).text


def test_a_decision_needs_an_owner_among_the_members_or_a_function(gov, held):
    with pytest.raises(ValidationError):
        decide(gov, held, owner=None, owner_function="")
    with pytest.raises(ValidationError):
        decide(gov, held, owner=gov.nurse)
    assert not Decision.objects.exists()


def test_a_decision_done_is_dated_and_signed(gov, held):
    found = decide(gov, held)
    done = work.decision_save(
        user=gov.manager,
        meeting_id=held.pk,
        decision_id=found.pk,
        based_on=0,
        text=found.text,
        owner=gov.steering,
        done=True,
    )
    assert (done.done_on, done.done_by, done.version) == (TODAY(), gov.manager, 1)


def test_open_decisions_carry_over_to_the_next_meeting_and_the_steering_page(client, gov, held):
    still_open = decide(gov, held, text="Öppet beslut", due_on=TODAY() - DAY)
    finished = decide(gov, held, text="Klart beslut", done=True)
    later = meeting(gov, held_on=TODAY() + 30 * DAY)
    assert list(steering.open_decisions(gov.group, before=later)) == [still_open]
    assert list(steering.open_decisions(gov.group, before=held)) == []
    client.force_login(gov.steering)
    page = client.get(reverse("governance:meeting", args=[later.pk])).text
    assert "Öppet beslut" in page and "Klart beslut" not in page
    group_page = client.get(reverse("governance:steering_group", args=[gov.group.pk])).text
    assert "Öppet beslut" in group_page and finished.text not in group_page


# --- The meeting's follow-up ----------------------------------------------------------------


def _figures(tables):
    return [(row.indicator.code, row.key, row.figures) for table in tables for row in table.rows]


def test_the_meeting_shows_the_follow_ups_own_figures_for_the_period(client, gov, held):
    for days in (3, 10, 20):
        f.ContactFactory(
            episode=gov.episode, recorded_by=gov.nurse, starts_at=timezone.now() - days * DAY
        )
    client.force_login(gov.steering)
    shown = client.get(reverse("governance:meeting", args=[held.pk])).context["followup"]
    query = steering.period(held).query()
    own = client.get(reverse("followup:unit", args=[gov.clinic.pk]), query).context["sections"]
    assert shown.ended and shown.tables
    assert _figures(shown.tables) == _figures([table for table, _chart in own])


def test_a_quarter_is_named_as_the_follow_up_names_it(gov):
    held = meeting(
        gov, period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2026, 6, 30)
    )
    assert steering.period(held).query() == {"kind": "quarter", "year": "2026", "quarter": "2"}


def test_the_meeting_shows_the_open_checklist_items_and_the_deviation_figures(client, gov, held):
    actions.deviation_report(
        actor=Actor(gov.nurse, gov.clinic),
        addressed_to=gov.municipality,
        function="Enhetschef",
        category=Deviation.Category.HANDOVER,
        happened_on=TODAY(),
        description="Ingen överlämning.",
    )
    client.force_login(gov.steering)
    response = client.get(reverse("governance:meeting", args=[held.pk]))
    assert "Sharing of costs and funds" in response.text  # an open checklist item
    [row] = response.context["figures"]
    assert (row.party, row.reported, row.open) == ("Testby kommun", 1, 1)


def test_the_follow_up_shows_the_deviations_of_the_period_by_the_same_rule(client, gov):
    actions.deviation_report(
        actor=Actor(gov.nurse, gov.clinic),
        addressed_to=gov.municipality,
        function="Enhetschef",
        category=Deviation.Category.MONEY,
        happened_on=TODAY(),
        description="Oklart vem som betalar.",
    )
    client.force_login(gov.coordinator)
    url = reverse("followup:unit", args=[gov.clinic.pk])
    start = TODAY() - 10 * DAY
    query = {"kind": "custom", "start": start.isoformat(), "end": TODAY().isoformat()}
    shown = client.get(url, query).context["deviations"]
    assert shown == deviations.figures(Deviation.objects.all(), TODAY())
    assert shown[0].reported == 1
    before = {"kind": "custom", "start": "2026-01-01", "end": (start - DAY).isoformat()}
    assert client.get(url, before).context["deviations"] == []


# --- The year's cycle -----------------------------------------------------------------------


def _step(g, on, **changes):
    data = {"kind": "budget", "month": on.month, "day": on.day, "remind_days": 14}
    return work.cycle_step_save(
        user=g.steering, group_id=g.group.pk, based_on=None, **(data | changes)
    )


def test_a_step_due_within_its_days_is_reminded_to_the_units_managers_and_coordinators(gov):
    step = _step(gov, TODAY() + 10 * DAY)
    _step(gov, TODAY() + 60 * DAY, kind="user_survey")  # not yet
    refresh_unit(gov.clinic)
    [reminder] = Reminder.objects.filter(kind=Reminder.Kind.CYCLE_STEP_DUE)
    assert (reminder.source_id, reminder.unit, reminder.person) == (step.pk, gov.clinic, None)
    assert reminder.due_on == TODAY() + 10 * DAY
    for user in (gov.coordinator, gov.manager):
        tasks = task_list(user, unit=gov.clinic, whole_unit=True)
        assert [r.pk for r in tasks.cycle.reminders] == [reminder.pk]
    assert task_list(gov.nurse, unit=gov.clinic, whole_unit=True).cycle.reminders == []


def test_a_step_done_for_the_year_is_no_longer_reminded(gov):
    on = TODAY() + 5 * DAY
    step = _step(gov, on)
    refresh_unit(gov.clinic)
    work.cycle_step_done(user=gov.manager, step_id=step.pk, year=on.year)
    refresh_unit(gov.clinic)
    assert not Reminder.objects.filter(
        kind=Reminder.Kind.CYCLE_STEP_DUE, resolved_at__isnull=True
    ).exists()
    assert CycleDone.objects.get().done_by == gov.manager


def test_a_step_is_reminded_at_each_of_the_groups_units(gov):
    gov.group.units.add(gov.other_unit)
    step = _step(gov, TODAY() + 3 * DAY)
    refresh_unit(gov.clinic)
    refresh_unit(gov.other_unit)
    units = set(Reminder.objects.filter(source_id=step.pk).values_list("unit", flat=True))
    assert units == {gov.clinic.pk, gov.other_unit.pk}


def test_an_undone_step_stays_overdue_for_half_a_year_then_the_next_years_is_due():
    step = CycleStep(month=3, day=31, remind_days=14)
    assert steering.next_due(step, set(), datetime.date(2026, 4, 10)) == datetime.date(2026, 3, 31)
    assert steering.next_due(step, {2026}, datetime.date(2026, 4, 10)) == datetime.date(2027, 3, 31)
    assert steering.next_due(step, set(), datetime.date(2026, 11, 1)) == datetime.date(2027, 3, 31)
    assert steering.step_date(CycleStep(month=2, day=31), 2026) == datetime.date(2026, 2, 28)


def test_the_steering_page_shows_the_years_cycle_and_marks_a_step_done(client, gov):
    step = _step(gov, TODAY() - DAY, kind="other", name="Brukarrevision")
    client.force_login(gov.steering)
    url = reverse("governance:steering_group", args=[gov.group.pk])
    page = client.get(url)
    [row] = page.context["cycle"]
    assert (row.step, row.state) == (step, "overdue")
    response = client.post(
        reverse("governance:cycle_step_done", args=[step.pk]), {"year": TODAY().year}
    )
    assert response.status_code == 302
    [row] = client.get(url).context["cycle"]
    assert row.state == "done" and row.done.done_by == gov.steering


def test_a_nurse_may_not_mark_a_step_done(client, gov):
    step = _step(gov, TODAY())
    client.force_login(gov.nurse)
    url = reverse("governance:cycle_step_done", args=[step.pk])
    assert client.post(url, {"year": TODAY().year}).status_code == 404
    assert not CycleDone.objects.exists()


def test_another_step_needs_a_name_and_a_day_of_its_month(gov):
    with pytest.raises(ValidationError):
        _step(gov, TODAY(), kind="other", name="")
    with pytest.raises(ValidationError):
        work.cycle_step_save(
            user=gov.steering, group_id=gov.group.pk, based_on=None, kind="budget", month=4, day=31
        )
    assert not CycleStep.objects.exists()


def test_the_steering_page_lists_the_members_per_party(client, gov):
    municipal = f.UserFactory(
        username="kommunal", organisation=gov.municipality, first_name="Kim", last_name="Kommun"
    )
    gov.group.members.add(municipal)
    client.force_login(gov.manager)
    parties = client.get(reverse("governance:steering_group", args=[gov.group.pk])).context[
        "parties"
    ]
    assert [(p.name, p.members) for p in parties] == [
        ("Region Testland", [gov.steering]),
        ("Testby kommun", [municipal]),
    ]
    assert Membership.objects.filter(user=municipal).count() == 0


def test_the_units_xlsx_export_has_the_deviations_of_the_period(client, gov):
    import io

    import openpyxl

    from helhet.followup.models import ExportJob

    actions.deviation_report(
        actor=Actor(gov.nurse, gov.clinic),
        addressed_to=gov.municipality,
        function="Enhetschef",
        category=Deviation.Category.HANDOVER,
        happened_on=TODAY(),
        description="Ingen överlämning.",
    )
    client.force_login(gov.steering)
    data = {"scope": "unit", "unit_id": gov.clinic.pk, "kind": "custom", "format": "xlsx"}
    data |= {"start": (TODAY() - 5 * DAY).isoformat(), "end": TODAY().isoformat()}
    assert client.post(reverse("followup:export_new"), data).status_code == 302
    job = ExportJob.objects.get(owner=gov.steering)
    got = client.get(reverse("followup:export_download", args=[job.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(got.content))["Deviations"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows == [("Testby kommun", "Handover", 1, 0, 1, 0)]


def test_the_agreements_page_lists_only_the_groups_whose_page_the_user_may_open(client, gov):
    """A member of one group sees another group of the same unit neither listed nor opened."""
    from helhet.followup.models import SteeringGroup

    other = SteeringGroup.objects.create(name="Styrgruppen Grannland")
    other.units.set([gov.clinic])
    client.force_login(gov.steering)
    index = client.get(reverse("governance:index")).content.decode()
    assert gov.group.name in index
    assert other.name not in index
    assert client.get(reverse("governance:steering_group", args=[other.pk])).status_code == 404
    # the unit's manager follows up the unit, so opens both and sees both listed
    client.force_login(gov.manager)
    index = client.get(reverse("governance:index")).content.decode()
    assert gov.group.name in index and other.name in index
    assert client.get(reverse("governance:steering_group", args=[other.pk])).status_code == 200


# --- The year's cycle around New Year: "Done" marks the occurrence that is due --------------

NEW_YEAR = datetime.date(2027, 1, 5)  # last year's December step is still due


def _in_january(monkeypatch):
    """The pages' today: NEW_YEAR (a date given as an argument keeps its own)."""
    real = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, tz=None: NEW_YEAR if value is None else real(value, tz),
    )


def _now():
    return timezone.make_aware(datetime.datetime.combine(NEW_YEAR, datetime.time(9)))


def test_in_january_the_steering_page_marks_last_years_december_step(gov):
    step = _step(gov, datetime.date(2026, 12, 20))
    [row] = steering.cycle(gov.group, NEW_YEAR)
    assert (row.year, row.due_on, row.state) == (2026, datetime.date(2026, 12, 20), "overdue")
    refresh_unit(gov.clinic, now=_now())
    reminder = Reminder.objects.get(kind=Reminder.Kind.CYCLE_STEP_DUE, resolved_at__isnull=True)
    assert reminder.due_on == datetime.date(2026, 12, 20)
    work.cycle_step_done(user=gov.manager, step_id=step.pk, year=row.year)
    assert list(CycleDone.objects.values_list("year", flat=True)) == [2026]
    refresh_unit(gov.clinic, now=_now())
    assert Reminder.objects.get(pk=reminder.pk).resolved_at is not None
    [row] = steering.cycle(gov.group, NEW_YEAR)  # then this year's December is to come
    assert (row.year, row.state) == (2027, "later")


def test_a_step_due_this_year_is_marked_for_this_year():
    step = CycleStep(month=1, day=20, remind_days=14)
    assert steering.due_year(step, set(), NEW_YEAR) == 2027
    december = CycleStep(month=12, day=20, remind_days=14)
    assert steering.due_year(december, set(), NEW_YEAR) == 2026
    assert steering.due_year(december, {2026}, NEW_YEAR) == 2027


def test_the_steering_pages_done_button_posts_the_year_due(client, gov, monkeypatch):
    _step(gov, datetime.date(2026, 12, 20))
    _in_january(monkeypatch)
    client.force_login(gov.steering)
    page = client.get(reverse("governance:steering_group", args=[gov.group.pk]))
    assert '<input type="hidden" name="year" value="2026">' in page.content.decode()


def test_the_step_page_a_reminder_links_to_marks_last_years_december_step(client, gov, monkeypatch):
    step = _step(gov, datetime.date(2026, 12, 20))
    _in_january(monkeypatch)
    client.force_login(gov.coordinator)
    url = reverse("governance:cycle_step", args=[step.pk])
    page = client.get(url)
    assert page.context["due_year"] == 2026 and "Done for 2026" in page.content.decode()
    done = client.post(
        reverse("governance:cycle_step_done", args=[step.pk]), {"year": 2026, "from_step": "1"}
    )
    assert done.status_code == 302 and done.url == url
    assert CycleDone.objects.get().year == 2026
    assert client.get(url).context["due_year"] == 2027


def test_a_nurse_sees_no_step_page_to_mark_it_done(client, gov, monkeypatch):
    step = _step(gov, datetime.date(2026, 12, 20))
    _in_january(monkeypatch)
    client.force_login(gov.nurse)
    assert client.get(reverse("governance:cycle_step", args=[step.pk])).status_code == 404
    done = reverse("governance:cycle_step_done", args=[step.pk])
    assert client.post(done, {"year": 2026, "from_step": "1"}).status_code == 404
    assert not CycleDone.objects.exists()


# --- The meeting page shows only what the user may open -------------------------------------


@pytest.fixture
def two_units(gov):
    """The group has the other unit too, under its own agreement."""
    gov.group.units.add(gov.other_unit)
    other = Agreement.objects.create(name="Överenskommelse Mini-Maria")
    other.units.set([gov.other_unit])  # with its checklist, every item open
    gov.other_agreement = other
    return gov


def _agreements(response):
    return {item.agreement for item in response.context["open_items"]}


def _linked_units(response):
    return {unit for unit, _query in response.context["followup"].units}


def test_a_member_sees_the_items_and_follow_ups_of_all_the_groups_units(client, two_units, held):
    client.force_login(two_units.steering)
    page = client.get(reverse("governance:meeting", args=[held.pk]))
    assert _agreements(page) == {two_units.agreement, two_units.other_agreement}
    assert _linked_units(page) == {two_units.clinic, two_units.other_unit}


def test_a_units_manager_sees_only_their_units_items_and_follow_up(client, two_units, held):
    client.force_login(two_units.other_manager)
    page = client.get(reverse("governance:meeting", args=[held.pk]))
    assert page.status_code == 200
    assert _agreements(page) == {two_units.other_agreement}
    assert _linked_units(page) == {two_units.other_unit}
    assert reverse("followup:unit", args=[two_units.clinic.pk]) not in page.content.decode()
    client.force_login(two_units.coordinator)
    page = client.get(reverse("governance:meeting", args=[held.pk]))
    assert _agreements(page) == {two_units.agreement}
    assert _linked_units(page) == {two_units.clinic}


# --- The meeting's period: the follow-up's own limits ---------------------------------------


def test_a_period_longer_than_the_follow_up_allows_is_refused_with_a_message(client, gov):
    response = _post_meeting(client, gov, period_start=(TODAY() - 15 * 365 * DAY).isoformat())
    assert response.status_code == 200
    assert "at most 10 years" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_period_before_the_follow_up_starts_or_ending_before_it_starts_is_refused(gov):
    with pytest.raises(ValidationError):
        meeting(gov, period_start=datetime.date(1999, 6, 1), period_end=datetime.date(2000, 5, 1))
    with pytest.raises(ValidationError) as refused:
        meeting(gov, period_start=TODAY() - DAY, period_end=TODAY() - 2 * DAY)
    assert "period_end" in refused.value.error_dict
    assert not Meeting.objects.exists()
    assert meeting(gov, period_start=TODAY() - 365 * DAY, period_end=TODAY() - DAY).pk
