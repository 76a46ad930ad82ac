"""The follow-up pages on a small county: the right numbers, the filters, bad input re-rendered
with its message (never an error page), suppressed cells for the steering group but exact ones
for the manager on the unit's own page, charts beside the tables, and a bounded query count."""

import datetime
import itertools
import re
from html import unescape

import pytest
from django.urls import reverse

from helhet.core.models import Unit
from helhet.followup import definitions
from helhet.followup.models import SteeringGroup
from tests import factories as f

D = datetime.date
YEAR = {"kind": "year", "year": "2025"}
MARCH_1 = D(2025, 3, 1)
_days = itertools.count()


@pytest.fixture
def small(county):
    """At the clinic in 2025: 3 women and 4 men enrolled on 1 March; the first woman attended
    6 visits in April and missed 2. Another social-medicine clinic enrols 8 persons. A steering
    group has the clinic."""
    c = county
    c.episodes = []
    for sex in ["female"] * 3 + ["male"] * 4:
        c.episodes.append(enrol(c, c.clinic, sex))
    for day in range(1, 7):
        contact(c, c.episodes[0], D(2025, 4, day), attended=True, booked=True)
    for day in (7, 8):
        contact(c, c.episodes[0], D(2025, 4, day), attended=False, booked=True)
    c.norrby = f.UnitFactory(name="Socialmedicin Norrby", unit_type=Unit.Type.SOCIAL_MEDICINE)
    for sex in ["female"] * 4 + ["male"] * 4:
        enrol(c, c.norrby, sex)
    group = SteeringGroup.objects.create(name="Styrgrupp Testby")
    group.units.add(c.clinic)
    c.steering = f.UserFactory(username="steering", organisation=c.region)
    group.members.add(c.steering)
    return c


def enrol(county, unit, sex, opened_on=MARCH_1):
    born = D(1980, 6, 1) + datetime.timedelta(days=next(_days))  # 44 on 1 January 2025
    person = f.PersonFactory(legal_sex=sex, birth_date=born, registered_by=county.nurse)
    return f.EpisodeFactory(person=person, unit=unit, opened_by=county.nurse, opened_on=opened_on)


def contact(county, episode, day, attended, booked=False):
    starts_at = datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    made = f.ContactFactory(
        episode=episode, recorded_by=county.nurse, starts_at=starts_at, attended=attended
    )
    if booked:
        f.booking_of(made)
    return made


def unit_url(county, name="followup:unit"):
    return reverse(name, args=[county.clinic.pk])


def figures(response, label: str) -> list[str]:
    """The cells of the first table row headed LABEL, as text (a hidden cell's text includes
    its screen-reader word)."""
    text = response.content.decode()
    match = re.search(r'<th scope="row">' + re.escape(label) + r"(.*?)</tr>", text, re.S)
    assert match, f"no row {label!r}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def columns(response, caption_start: str) -> list[str]:
    text = response.content.decode()
    start = re.search(f'<caption id="[^"]+">{re.escape(caption_start)}', text).start()
    head = text[start : text.index("</thead>", start)]
    return [unescape(c) for c in re.findall(r'<th scope="col" class="num">(.*?)</th>', head)]


# --- the unit page --------------------------------------------------------------------------


def test_the_manager_sees_the_units_exact_figures_for_last_year(client, small):
    client.force_login(small.manager)
    response = client.get(unit_url(small), YEAR)
    assert response.status_code == 200
    assert figures(response, "Persons enrolled") == ["7"]
    assert figures(response, "New enrolments") == ["7"]
    assert figures(response, "Contacts attended") == ["6"]
    assert '<p class="fu-lead">Social-medicine clinic · 2025 ' in response.text


def test_the_manager_sees_the_breakdown_by_sex_exactly(client, small):
    client.force_login(small.manager)
    response = client.get(unit_url(small), {**YEAR, "breakdown": "sex"})
    assert columns(response, "Enrolment")[:3] == ["Total", "Female", "Male"]
    assert figures(response, "Persons enrolled")[:3] == ["7", "3", "4"]


def test_the_steering_member_sees_the_small_groups_as_less_than_five(client, small):
    client.force_login(small.steering)
    response = client.get(unit_url(small), {**YEAR, "breakdown": "sex"})
    assert figures(response, "Persons enrolled")[:3] == ["7", "<5", "<5"]


def test_the_breakdown_by_age_puts_everyone_in_the_group_of_their_age_at_the_start(client, small):
    client.force_login(small.manager)
    response = client.get(unit_url(small), {**YEAR, "breakdown": "age"})
    headings = columns(response, "Enrolment")
    # born from 1 June 1980: 44 on 1 January 2025
    assert figures(response, "Persons enrolled")[headings.index("40–49")] == "7"


@pytest.mark.parametrize(
    "period, enrolled, new",
    [
        ({"kind": "quarter", "year": "2025", "quarter": "1"}, "7", "7"),  # opened 1 March
        ({"kind": "month", "year": "2025", "month": "2"}, "0", "0"),  # before it
        ({"kind": "custom", "start": "2025-03-02", "end": "2025-06-30"}, "7", "0"),
    ],
)
def test_the_period_filter_chooses_the_period(client, small, period, enrolled, new):
    client.force_login(small.manager)
    response = client.get(unit_url(small), period)
    assert figures(response, "Persons enrolled") == [enrolled]
    assert figures(response, "New enrolments") == [new]


@pytest.mark.parametrize(
    "query, message",
    [
        (
            {"kind": "custom", "start": "2025-05-01", "end": "2025-01-01"},
            "The period ends before it starts.",
        ),
        ({"kind": "custom", "start": "2025-02-30", "end": "2025-03-01"}, "Enter a valid date."),
        ({"kind": "year", "year": "twenty"}, "Enter a whole number."),
        ({"kind": "year", "year": "2099"}, "The period has not ended yet"),
        ({"kind": "month", "year": "2025", "month": "13"}, "Select a valid choice."),
        ({"kind": "fortnight"}, "Select a valid choice."),
        ({**YEAR, "breakdown": "everything"}, "Select a valid choice."),
    ],
)
def test_bad_filters_re_render_the_page_with_the_message(client, small, query, message):
    client.force_login(small.manager)
    response = client.get(unit_url(small), query)
    text = unescape(response.content.decode())
    assert response.status_code == 200
    assert message in text
    assert "<title>Error: " in text and 'class="error-summary"' in text
    assert '<th scope="row">Persons enrolled' not in text  # no figures for a bad filter


def test_the_unit_page_links_the_trend_and_the_county_comparison_for_its_period(client, small):
    client.force_login(small.steering)
    text = client.get(unit_url(small), YEAR).content.decode()
    assert f'href="{unit_url(small, "followup:trend")}?kind=year&amp;year=2025&amp;count=4"' in text
    assert f'href="{reverse("followup:county")}?unit_type=social_medicine&amp;kind=year' in text


def test_the_unit_page_offers_the_export_of_its_filters(client, small):
    client.force_login(small.steering)
    text = client.get(unit_url(small), {**YEAR, "breakdown": "sex"}).content.decode()
    assert f'action="{reverse("followup:export_new")}"' in text
    for name, value in [
        ("scope", "unit"),
        ("unit_id", small.clinic.pk),
        ("kind", "year"),
        ("year", "2025"),
        ("breakdown", "sex"),
    ]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in text


def test_each_indicator_has_its_definition_beside_it(client, small):
    client.force_login(small.steering)
    text = unescape(client.get(unit_url(small), YEAR).content.decode())
    for indicator in definitions.INDICATORS:
        assert str(indicator.definition) in text
    # and the goal images it helps follow up, linked to the definitions page
    goal = definitions.GOAL_IMAGES[0]
    assert f'href="{reverse("followup:definitions")}#goal-1">1. {goal.text}</a>' in text


def test_the_unit_page_draws_charts_with_accessible_names(client, small):
    client.force_login(small.steering)
    text = client.get(unit_url(small), {**YEAR, "breakdown": "sex"}).content.decode()
    assert text.count('role="img"') >= 3
    assert "Persons enrolled by sex, Socialmedicinska mottagningen, 2025" in text


def test_no_follow_up_page_names_a_person(client, small):
    client.force_login(small.manager)
    for url, query in [
        (unit_url(small), {**YEAR, "breakdown": "age"}),
        (unit_url(small, "followup:trend"), YEAR),
        (reverse("followup:county"), {**YEAR, "unit_type": "social_medicine"}),
    ]:
        text = client.get(url, query).content.decode()
        assert "Testperson" not in text and small.patient.family_name not in text
        assert "/people/" not in text


def test_the_unit_page_asks_the_database_a_bounded_number_of_times(
    client, small, django_assert_max_num_queries
):
    client.force_login(small.manager)
    with django_assert_max_num_queries(36) as few:  # 33 when measured, 4 the surveys
        client.get(unit_url(small), {**YEAR, "breakdown": "sex"})
    for sex in ["female", "male"] * 10:  # three times the persons, more contacts
        episode = enrol(small, small.clinic, sex)
        contact(small, episode, D(2025, 5, 1), attended=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(unit_url(small), {**YEAR, "breakdown": "sex"})


# --- the trend ------------------------------------------------------------------------------


def test_the_trend_shows_the_last_periods_as_columns_with_a_line_each(client, small):
    client.force_login(small.manager)
    response = client.get(unit_url(small, "followup:trend"), {**YEAR, "count": "3"})
    assert columns(response, "Enrolment")[:3] == ["2023", "2024", "2025"]
    assert figures(response, "Persons enrolled") == ["0", "0", "7"]
    assert "Persons enrolled, Socialmedicinska mottagningen, 2023 to 2025" in response.text


def test_the_trend_page_exports_the_trend_it_shows(client, small):
    client.force_login(small.manager)
    response = client.get(unit_url(small, "followup:trend"), {**YEAR, "count": "3"})
    form = re.search(
        r'<form method="post" action="([^"]+)" class="export-form">(.*?)</form>',
        response.text,
        re.S,
    )
    assert form is not None, "the trend page has no export form"
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[2]))
    assert hidden["scope"] == "trend" and hidden["count"] == "3"
    assert hidden["unit_id"] == str(small.clinic.pk) and hidden["year"] == "2025"


def test_the_trend_of_one_chosen_indicator(client, small):
    client.force_login(small.manager)
    query = {"kind": "quarter", "year": "2025", "quarter": "2", "count": "2"}
    response = client.get(unit_url(small, "followup:trend"), {**query, "indicator": "contacts"})
    assert columns(response, "Contacts")[:2] == ["Q1 2025", "Q2 2025"]
    assert figures(response, "Contacts attended") == ["0", "6"]
    assert '<th scope="row">Persons enrolled' not in response.text


def test_the_trend_of_one_group_shows_its_figures_as_the_breakdown_has_them(client, small):
    client.force_login(small.manager)  # exact figures: the manager of the clinic
    trend_url = unit_url(small, "followup:trend")
    men = client.get(trend_url, {**YEAR, "count": "2", "group": "sex:male"})
    assert figures(men, "Persons enrolled") == ["0", "4"]
    assert "Trend of Socialmedicinska mottagningen, Male" in men.text
    assert "Persons enrolled, Socialmedicinska mottagningen, Male, 2024 to 2025" in men.text
    ages = client.get(trend_url, {**YEAR, "count": "2", "group": "age:40-49"})
    assert figures(ages, "Persons enrolled") == ["0", "7"]  # all seven are 44
    assert (
        figures(client.get(trend_url, {**YEAR, "group": "age:18-29"}), "Persons enrolled")[-1]
        == "0"
    )
    # the export form carries the group
    assert '<input type="hidden" name="group" value="sex:male">' in men.text


def test_a_steering_member_sees_a_groups_trend_suppressed(client, small):
    client.force_login(small.steering)
    trend_url = unit_url(small, "followup:trend")
    everyone = client.get(trend_url, YEAR)
    assert figures(everyone, "Persons enrolled")[-1] == "7"
    # 3 women and 4 men: both small
    for group in ("sex:female", "sex:male"):
        response = client.get(trend_url, {**YEAR, "group": group})
        assert figures(response, "Persons enrolled")[-1] == "<5"
    # the 7 are 40-49: the other age groups are 0, the total is there by itself
    ages = client.get(trend_url, {**YEAR, "group": "age:40-49"})
    assert figures(ages, "Persons enrolled")[-1] == "7"


@pytest.mark.parametrize(
    "query, message",
    [
        ({"count": "1"}, "Ensure this value is greater than or equal to 2."),
        ({"count": "many"}, "Enter a whole number."),
        ({"indicator": "happiness"}, "Select a valid choice."),
        ({"group": "age:13-15"}, "Select a valid choice."),  # a Mini-Maria group
    ],
)
def test_bad_trend_filters_re_render_with_the_message(client, small, query, message):
    client.force_login(small.steering)
    response = client.get(unit_url(small, "followup:trend"), {**YEAR, **query})
    assert response.status_code == 200 and message in unescape(response.text)


# --- the county comparison ------------------------------------------------------------------


def test_the_county_comparison_puts_the_units_of_a_type_side_by_side(client, small):
    client.force_login(small.steering)
    response = client.get(reverse("followup:county"), {**YEAR, "unit_type": "social_medicine"})
    assert columns(response, "Enrolment") == [
        "Socialmedicin Norrby",
        "Socialmedicinska mottagningen",
    ]
    assert figures(response, "Persons enrolled") == ["8", "7"]
    assert small.other_unit.name not in response.text  # a Mini-Maria is another type
    assert "Persons enrolled by unit, 2025" in response.text  # the bar chart


def test_the_county_comparison_shows_small_counts_as_less_than_five(client, small):
    Unit.objects.filter(pk=small.norrby.pk).update(unit_type=Unit.Type.ACT)
    enrol(small, f.UnitFactory(name="Socialmedicin Liten"), "female")
    client.force_login(small.manager)
    response = client.get(reverse("followup:county"), {**YEAR, "unit_type": "social_medicine"})
    assert figures(response, "Persons enrolled") == ["<5", "7"]


def test_the_county_comparison_offers_the_county_export(client, small):
    client.force_login(small.steering)
    text = client.get(reverse("followup:county"), {**YEAR, "unit_type": "social_medicine"}).text
    assert '<input type="hidden" name="scope" value="county">' in text
    assert '<input type="hidden" name="unit_type" value="social_medicine">' in text


def test_the_county_comparison_defaults_to_the_type_of_the_users_unit(client, small):
    client.force_login(small.steering)
    response = client.get(reverse("followup:county"))
    assert "County comparison: Social-medicine clinic" in response.text


def test_an_unknown_unit_type_re_renders_with_the_message(client, small):
    client.force_login(small.steering)
    response = client.get(reverse("followup:county"), {**YEAR, "unit_type": "spa"})
    assert response.status_code == 200 and "Select a valid choice." in response.text


# --- the index and the definitions ----------------------------------------------------------


def test_the_index_links_the_units_and_the_county_comparison_by_type(client, small):
    client.force_login(small.steering)
    text = client.get(reverse("followup:index")).text
    assert f'href="{unit_url(small)}"' in text
    assert f'href="{reverse("followup:county")}?unit_type=social_medicine"' in text


def test_the_definitions_page_has_every_indicator_and_the_suppression_rules(client, small):
    client.force_login(small.steering)
    text = unescape(client.get(reverse("followup:definitions")).text)
    for indicator in definitions.INDICATORS:
        assert str(indicator.name) in text and str(indicator.definition) in text
    assert str(definitions.SUPPRESSION_TEXT) in text
    assert "13–15" in text and "70 and over" in text  # the age groups


def test_the_definitions_page_lists_the_goal_images_with_their_indicators(client, small):
    client.force_login(small.steering)
    text = unescape(client.get(reverse("followup:definitions")).text)
    for goal in definitions.GOAL_IMAGES:
        assert f'<li id="goal-{goal.number}"><strong>{goal.text}</strong>' in text
        assert str(goal.how) in text
    # from the goal to the indicator's definition, and back
    share = definitions.get("priority_share").name
    assert f'<a href="#ind-priority_share">{share}</a>' in text
    assert '<dt id="ind-priority_share">' in text and '<a href="#goal-5">5</a>' in text
