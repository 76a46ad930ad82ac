"""`raw.Prepared`: a queryset's SQL compiled once, bound per call, the same as built directly."""

import datetime

import pytest
from django.db.models import Value
from django.utils import timezone

from helhet.care.models import Episode
from helhet.care.selectors import CASELOAD
from helhet.core import raw
from helhet.people import selectors

from .. import factories as f


@pytest.mark.parametrize("access_mode", [None, "team", "case_team"])
@pytest.mark.parametrize("whole_unit", [False, True])
def test_the_compiled_caseload_is_the_caseload_built_directly(county, whole_unit, access_mode):
    shape = (whole_unit, access_mode)
    arguments = {
        "user_id": county.nurse.pk,
        "organisation_id": county.nurse.organisation_id,
        "unit_id": county.clinic.pk,
        "today": timezone.localdate(),
    }
    assert CASELOAD.sql(shape, **arguments) == CASELOAD.direct(shape, **arguments)
    # Again for other values, from the SQL compiled the first time.
    other = {**arguments, "user_id": county.social_worker.pk, "today": datetime.date(2030, 5, 6)}
    assert CASELOAD.sql(shape, **other) == CASELOAD.direct(shape, **other)


@pytest.mark.parametrize(
    "text", ["19121212-1212", "1212", "Tolvansson", "tolv an", "50%_o\\'b", "Åsa Ölund"]
)
def test_the_compiled_search_is_the_search_built_directly(county, text):
    query = selectors.parse_search(text)
    shape, terms = selectors._search_terms(query)
    for user in (county.nurse, county.social_worker):
        arguments = {
            "user_id": user.pk,
            "organisation_id": user.organisation_id,
            "today": timezone.localdate(),
            "now": timezone.now(),
            **terms,
        }
        compiled = selectors.SEARCH.sql(shape, **arguments)
        assert compiled == selectors.SEARCH.direct(shape, **arguments)
        at_unit = (*shape, "at a unit"), {**arguments, "unit_id": county.clinic.pk}
        assert selectors.SEARCH.sql(at_unit[0], **at_unit[1]) == selectors.SEARCH.direct(
            at_unit[0], **at_unit[1]
        )
        # With the user's units named (as the search page asks): one team-wide, one case-team.
        units = {county.clinic.pk: "team", county.other_unit.pk: "case_team"}
        units_shape, unit_ids = selectors._unit_arguments(units)
        named = (*at_unit[0], units_shape), {**at_unit[1], **unit_ids}
        compiled = selectors.SEARCH.sql(named[0], **named[1])
        assert compiled == selectors.SEARCH.direct(named[0], **named[1])
        assert county.other_unit.pk in compiled[1]


def test_each_argument_is_bound_in_the_form_the_database_takes(db):
    prepared = raw.Prepared(
        lambda _shape, *, unit_id, opened_after: Episode.objects.filter(
            unit_id=unit_id, opened_on__gt=opened_after, person__given_name="Tolvan"
        )
    )
    arguments = {"unit_id": 42, "opened_after": datetime.date(2026, 3, 4)}
    sql, params = prepared.sql(**arguments)
    assert (sql, params) == prepared.direct(**arguments)
    assert "Tolvan" in params  # a constant of the query, kept as compiled


def test_a_query_whose_shape_follows_a_value_is_caught_by_comparing(db):
    # The guard the tests rely on: BUILD may not choose its SQL by an argument's value.
    prepared = raw.Prepared(
        lambda _shape, *, unit_id: Episode.objects.filter(unit_id=unit_id if unit_id > 0 else None)
    )
    assert prepared.sql(unit_id=7) != prepared.direct(unit_id=7)


def test_arguments_without_a_stand_in_are_refused(db):
    prepared = raw.Prepared(lambda _shape, *, ids: Episode.objects.filter(pk__in=ids))
    with pytest.raises(TypeError):
        prepared.sql(ids=[1, 2])


def test_sliced_rows_are_instances_with_their_extra_columns(county):
    f.EpisodeFactory(person=f.PersonFactory(), unit=county.clinic, organisation=county.region)
    episodes = Episode.objects.annotate(twice=Value(2)).order_by("pk")
    sql, params = episodes.query.sql_with_params()
    rows = raw.Sliced(Episode, sql, params)
    everyone = list(Episode.objects.order_by("pk"))
    assert [e.pk for e in rows[1:3]] == [e.pk for e in everyone[1:3]]
    assert all(e.twice == 2 for e in rows[0:2])


def test_sliced_rows_convert_their_fields_and_defer_the_rest(county):
    from helhet.people.models import Person

    persons = Person.objects.only("protected_identity").order_by("pk")
    sql, params = persons.query.sql_with_params()
    [first] = raw.Sliced(Person, sql, params)[0:1]
    assert first.protected_identity is False  # SQLite's 0, converted as the ORM does
    assert first.get_deferred_fields() >= {"given_name", "identity_number"}
    assert first.given_name == Person.objects.order_by("pk")[0].given_name  # read on access


def test_read_through_reads_the_table_through_the_first_queryset(county):
    from helhet.people.models import Person

    f.PersonFactory(given_name="Adam", family_name="Tolvansson")
    f.PersonFactory(given_name="Bert", family_name="Other")
    listed = Person.objects.annotate(twice=Value(2)).only("given_name").order_by("given_name")
    first = Person.objects.filter(family_name="Tolvansson").values("id", "given_name")
    sql, params = raw.read_through(listed, first)
    rows = raw.Sliced(Person, sql, params)[0:10]
    assert [p.given_name for p in rows] == ["Adam", "Tolvan"]  # only the Tolvanssons
    assert all(p.twice == 2 for p in rows)


def test_read_through_refuses_a_query_that_reads_the_table_twice(county):
    from helhet.people.models import Person

    twice = Person.objects.filter(pk__in=Person.objects.values("pk"))
    with pytest.raises(ValueError):
        raw.read_through(twice, Person.objects.values("id"))
