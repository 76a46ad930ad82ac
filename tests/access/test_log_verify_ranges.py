"""verify walks the log in id ranges (processes on PostgreSQL): it names the same first
problem as one walk from the start, whichever range the problem is in."""

import json

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, LogChainHead


@pytest.fixture
def chain(county):
    actor = Actor(county.nurse, county.clinic, "request-ranges")
    return log.append(
        log.entry_for(actor, person=county.patient, action="read", what=f"overview {i}")
        for i in range(12)
    )


def edit(chain, i):
    AccessLogEntry.objects.filter(pk=chain[i].pk).update(what="nothing to see")


def delete(chain, i):
    AccessLogEntry.objects.filter(pk=chain[i].pk).delete()


def swap(chain, i):
    first, second = chain[i], chain[i + 1]
    for row, other in ((first, second), (second, first)):
        AccessLogEntry.objects.filter(pk=row.pk).update(
            what=other.what, previous_hash=other.previous_hash, hash=other.hash
        )


def relink(chain, i):
    AccessLogEntry.objects.filter(pk=chain[i].pk).update(previous_hash="e" * 64)


TAMPERS = [edit, delete, swap, relink]


@pytest.mark.parametrize("tamper", TAMPERS)
@pytest.mark.parametrize("where", [0, 3, 4, 5, 6, 8, 10])
def test_every_split_names_the_problem_a_single_walk_names(chain, tamper, where):
    tamper(chain, where)
    single = log.verify(segments=1)
    assert single is not None
    for segments in (2, 3, 4, 12):
        assert log.verify(segments=segments, chunk_size=2) == single, segments


def test_a_problem_in_the_second_range_is_found_and_named(chain):
    """Two ranges of six: an edit in the second, and a deletion at its first row."""
    edit(chain, 8)
    problem = log.verify(segments=2)
    assert (problem.entry_id, "edited" in problem.message) == (chain[8].pk, True)
    AccessLogEntry.objects.filter(pk=chain[8].pk).update(what=chain[8].what)
    assert log.verify(segments=2) is None
    delete(chain, 6)
    problem = log.verify(segments=2)
    assert problem.entry_id == chain[7].pk
    assert problem.message == f"rows {chain[6].pk}–{chain[6].pk} before it were deleted"


def test_an_intact_chain_counts_every_row_in_any_split(chain):
    for segments in (1, 2, 5, 20):
        result = log.verify_log(segments=segments, chunk_size=3)
        assert (result.rows, result.problem) == (12, None)


def test_a_cut_end_is_still_found_through_the_anchor_in_ranges(chain):
    delete(chain, 11)
    problem = log.verify(segments=3)
    assert (problem.entry_id, "deleted" in problem.message) == (None, True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="processes read PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_processes_find_a_problem_in_the_second_range(county):
    actor = Actor(county.nurse, county.clinic, "request-processes")
    chain = log.append(
        log.entry_for(actor, person=county.patient, action="read", what=f"overview {i}")
        for i in range(40)
    )
    assert log.verify_log(processes=2, chunk_size=7).rows == 40
    edit(chain, 30)
    problem = log.verify(processes=2, chunk_size=7)
    assert (problem.entry_id, "edited" in problem.message) == (chain[30].pk, True)
    assert LogChainHead.objects.get().last_entry_id == chain[-1].pk  # the connection is back


# The seal's JSON: orjson writes the bytes json.dumps wrote when the first rows were sealed.
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=20,
)


@given(st.lists(values, max_size=16))
def test_the_seal_payload_is_the_json_it_always_was(row):
    import orjson

    expected = json.dumps(row, separators=(",", ":"), ensure_ascii=False)
    try:
        expected_bytes = expected.encode()
    except UnicodeEncodeError:  # a lone surrogate: neither writes it
        with pytest.raises(TypeError):
            orjson.dumps(row)
        return
    assert orjson.dumps(row) == expected_bytes
