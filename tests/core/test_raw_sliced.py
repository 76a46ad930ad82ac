"""`raw.Sliced` and `raw.read_through`: a list's rows read a slice at a time."""

import pytest
from django.db.models import Value

from helhet.care.models import Episode
from helhet.core import raw

from .. import factories as f


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
