"""Results: suppressed under five answers, comments only once cleared, read by whoever may
follow the unit up."""

import datetime
import re

import pytest
from django.urls import reverse

from helhet.followup.periods import Period
from helhet.surveys import actions, results
from helhet.surveys.models import CommentState, Response

from ..people.utils import log_in
from .conftest import DAY, answer

YEAR = {"kind": "year", "year": "2025"}


def _persons(county):
    [persons, _relatives] = results.unit_results(county.clinic, Period.year(2025))
    return persons


def test_a_question_answered_by_four_is_suppressed_and_by_five_shown(county):
    for value in (5, 4, 4, 2):
        answer(county.clinic, DAY, {1: value, 2: 3})
    result = _persons(county)
    first = result.questions[0]
    assert result.responses.hidden and first.answered.hidden and first.mean.hidden
    assert first.options == []
    answer(county.clinic, DAY, {1: 5})
    result = _persons(county)
    first, second = result.questions[0], result.questions[1]
    assert result.responses.value == 5
    assert first.answered.value == 5 and first.mean.value == 4.0  # (5+4+4+2+5)/5
    assert [o.count for o in first.options] == [0, 1, 0, 2, 2, 0]
    assert second.answered.hidden and second.options == []  # still four answers


def test_a_mean_of_fewer_than_five_scored_answers_is_hidden(county):
    for value in (5, 4, 0, 0, 0):  # three "don't know"
        answer(county.clinic, DAY, {1: value})
    first = _persons(county).questions[0]
    assert first.answered.value == 5 and first.mean.hidden


def test_answers_of_other_periods_and_units_are_not_counted(county):
    for _n in range(5):
        answer(county.clinic, datetime.date(2024, 12, 31), {1: 5})
        answer(county.other_unit, DAY, {1: 5})
    assert _persons(county).responses.value == 0


def _with_comments(county):
    for n in range(5):
        answer(county.clinic, DAY, {1: 4}, comment=f"Kommentar {n} från Tolvan")
    return list(Response.objects.order_by("pk"))


def test_a_comment_is_shown_only_once_cleared_as_edited(county):
    first, second, *_rest = _with_comments(county)
    assert _persons(county).comments == []
    actions.comment_review(
        unit=county.clinic, response_id=first.pk, decision="clear", text="Kommentar 0 från [–]"
    )
    actions.comment_review(unit=county.clinic, response_id=second.pk, decision="reject", text="")
    assert _persons(county).comments == ["Kommentar 0 från [–]"]
    second.refresh_from_db()
    assert (second.comment, second.comment_state) == ("", CommentState.REJECTED)


def test_a_comment_reviewed_once_cannot_be_reviewed_again(county):
    first, *_rest = _with_comments(county)
    actions.comment_review(unit=county.clinic, response_id=first.pk, decision="reject", text="")
    with pytest.raises(actions.ValidationError):
        actions.comment_review(unit=county.clinic, response_id=first.pk, decision="clear", text="x")


def test_cleared_comments_are_not_shown_with_fewer_than_five_answers(county):
    response = answer(county.clinic, DAY, {1: 4}, comment="Tack")
    actions.comment_review(
        unit=county.clinic, response_id=response.pk, decision="clear", text="Tack"
    )
    assert _persons(county).comments == []


def test_staff_of_the_unit_review_comments_on_the_page(client, county):
    first, *_rest = _with_comments(county)
    log_in(client, county.nurse, county.clinic)
    url = reverse("surveys:comments", args=[county.clinic.pk])
    assert "Kommentar 0 från Tolvan" in client.get(url).text
    client.post(url, {"response": first.pk, "decision": "clear", "text": "Kommentar 0"})
    first.refresh_from_db()
    assert (first.comment, first.comment_state) == ("Kommentar 0", CommentState.CLEARED)


def test_staff_of_another_unit_cannot_read_or_review_its_comments(client, county):
    first, *_rest = _with_comments(county)
    log_in(client, county.outsider)
    url = reverse("surveys:comments", args=[county.clinic.pk])
    assert client.get(url).status_code == 404
    client.post(url, {"response": first.pk, "decision": "clear", "text": "x"})
    first.refresh_from_db()
    assert first.comment_state == CommentState.WAITING


@pytest.mark.parametrize("reader", ["manager", "coordinator", "steering"])
def test_those_who_follow_the_unit_up_read_its_results(client, steering, reader):
    for _n in range(5):
        answer(steering.clinic, DAY, {1: 4})
    log_in(client, getattr(steering, reader))
    response = client.get(reverse("surveys:results", args=[steering.clinic.pk]), YEAR)
    assert response.status_code == 200
    assert "4.0" in response.text


@pytest.mark.parametrize("reader", ["nurse", "outsider", "admin"])
def test_staff_outsiders_and_administrators_cannot_read_the_results(client, steering, reader):
    log_in(client, getattr(steering, reader))
    assert client.get(reverse("surveys:results", args=[steering.clinic.pk])).status_code == 404
    assert client.get(reverse("surveys:council", args=[steering.clinic.pk])).status_code == 404


def test_the_trend_and_the_comparison_are_suppressed_too(county):
    for _n in range(5):
        answer(county.clinic, datetime.date(2025, 2, 3), {1: 5})
    answer(county.clinic, datetime.date(2025, 8, 3), {1: 1})
    [persons, _relatives] = results.trend(county.clinic, Period.year(2025))
    means = persons.rows[0].means
    assert [m.value for m in means[:1]] == [5.0]
    assert means[2].hidden and means[1].value is None
    [compared, _r] = results.comparison([county.clinic], Period.year(2025))
    assert compared.rows[0].means[0].value == pytest.approx(4.3)


def test_the_follow_up_unit_page_links_to_the_survey_results(client, county):
    log_in(client, county.manager, county.clinic)
    page = client.get(reverse("followup:unit", args=[county.clinic.pk]), YEAR)
    assert reverse("surveys:results", args=[county.clinic.pk]) in page.text


def test_the_definitions_page_names_the_survey_questions_of_each_goal_image(client, county):
    log_in(client, county.manager, county.clinic)
    page = client.get(reverse("followup:definitions"))
    assert "I have a say in my support and my treatment." in page.text


def test_the_results_page_asks_the_database_as_often_for_ten_times_the_answers(client, county):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log_in(client, county.manager, county.clinic)
    url = reverse("surveys:results", args=[county.clinic.pk])
    client.get(url, YEAR)  # the session's first request saves it once
    counts = []
    for _round in range(2):
        for _n in range(5 if not counts else 45):
            answer(county.clinic, DAY, {1: 4, 2: 5}, comment="Tack")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, YEAR).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_comment_reviewed_meanwhile_is_refused_on_the_page_with_the_reason(client, county):
    first, *_rest = _with_comments(county)
    actions.comment_review(unit=county.clinic, response_id=first.pk, decision="reject", text="")
    log_in(client, county.nurse, county.clinic)
    url = reverse("surveys:comments", args=[county.clinic.pk])
    page = client.post(url, {"response": first.pk, "decision": "clear", "text": "x"})
    assert page.status_code == 200
    assert "This comment has already been reviewed." in page.text
    first.refresh_from_db()
    assert (first.comment, first.comment_state) == ("", CommentState.REJECTED)


def test_the_results_page_shows_cleared_comments_only(client, county):
    first, *_rest = _with_comments(county)
    actions.comment_review(unit=county.clinic, response_id=first.pk, decision="clear", text="Bra")
    log_in(client, county.manager, county.clinic)
    page = client.get(reverse("surveys:results", args=[county.clinic.pk]), YEAR)
    assert "<li>Bra</li>" in page.text
    assert "från Tolvan" not in page.text


def test_one_hidden_column_hides_the_smallest_other_too():
    # a year's 14 answers beside its quarters 7, 2, 0, 5: the 2 would be 14 - 7 - 0 - 5
    shown_counts = [figure.value for figure in results.complemented([7, 2, 0, 5])]
    assert shown_counts == [7, None, 0, None]
    # two hidden already: nothing more to hide; none hidden: nothing hidden
    assert [f.value for f in results.complemented([7, 2, 3, 5])] == [7, None, None, 5]
    assert [f.value for f in results.complemented([7, 6, 0, 5])] == [7, 6, 0, 5]


def _voice_section(text: str) -> list[str]:
    """The figures of the page's survey section, as shown, in order."""
    start = text.index('id="group-voice"')
    section = text[start : text.index("</section>", start)]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'class="number">(.*?)</td>', section, re.S)
    ]


def test_the_follow_up_unit_page_shows_the_survey_means_beside_the_figures(client, county):
    for value in (5, 4, 4, 3, 4):
        answer(county.clinic, DAY, {1: value, 2: 2})
    answer(county.clinic, DAY, {3: 5})  # question 3: one answer
    log_in(client, county.manager, county.clinic)
    voice = _voice_section(client.get(reverse("followup:unit", args=[county.clinic.pk]), YEAR).text)
    # answers (six), question 1: (5+4+4+3+4)/5, question 2, question 3 rests on one answer
    assert voice[:4] == ["6", "4.0", "2.0", "&lt;5"]
    assert "5.0" not in voice


def test_the_steering_groups_meeting_shows_the_survey_means_of_its_units(client, steering):
    from helhet.governance import steering_actions

    for _n in range(5):
        answer(steering.clinic, DAY, {1: 2})
        answer(steering.other_unit, DAY, {1: 5})  # not one of the group's units
    held = steering_actions.meeting_save(
        user=steering.steering,
        group_id=steering.clinic.steering_groups.get().pk,
        based_on=None,
        held_on=datetime.date(2026, 1, 20),
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        place="",
        agenda=[],
        attendees=[steering.steering],
        minutes="",
    )
    url = reverse("governance:meeting", args=[held.pk])
    log_in(client, steering.steering)
    page = client.get(url).text
    voice = _voice_section(page)
    assert voice[:2] == ["5", "2.0"]  # one column: the group's clinic, not the other unit
    assert "5.0" not in voice
    log_in(client, steering.outsider)
    assert client.get(url).status_code == 404
