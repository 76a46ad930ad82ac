"""THE TAMPER TESTS: the access log's hash chain finds every edit, deletion and insertion."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, LogChainHead
from helhet.people.models import Person

from .. import factories as f


@pytest.fixture
def chain(county):
    """Ten sealed rows about the patient, read by the nurse at the clinic."""
    actor = Actor(county.nurse, county.clinic, "request-0001")
    return log.append(
        log.entry_for(actor, person=county.patient, action="read", what=f"overview {i}")
        for i in range(10)
    )


def test_an_intact_chain_has_no_problem(chain):
    assert log.verify() is None
    head = LogChainHead.objects.get()
    assert (head.last_entry_id, head.entries, head.last_hash) == (chain[-1].pk, 10, chain[-1].hash)


def test_an_empty_log_is_intact(db):
    assert log.verify() is None


def test_an_edited_row_is_reported_as_edited(chain):
    AccessLogEntry.objects.filter(pk=chain[4].pk).update(what="nothing to see")
    problem = log.verify()
    assert problem.entry_id == chain[4].pk
    assert "edited" in problem.message


def test_an_edited_flag_or_time_is_reported_too(chain):
    AccessLogEntry.objects.filter(pk=chain[2].pk).update(emergency=True)
    assert log.verify().entry_id == chain[2].pk
    AccessLogEntry.objects.filter(pk=chain[2].pk).update(emergency=False)
    assert log.verify() is None
    earlier = chain[7].at - datetime.timedelta(minutes=5)
    AccessLogEntry.objects.filter(pk=chain[7].pk).update(at=earlier)
    assert log.verify().entry_id == chain[7].pk


def test_a_flag_added_later_is_sealed_where_set_and_leaves_older_seals_as_they_were(
    county, monkeypatch
):
    """`earlier_records` came after rows were sealed: a row without it seals as before (so old
    chains verify), a row with it seals the flag, and setting or clearing it is found."""
    actor = Actor(county.nurse, county.clinic, "request-0002")
    plain, flagged = log.append(
        [
            log.entry_for(actor, person=county.patient, action="read", what="overview"),
            log.entry_for(
                actor, person=county.patient, action="read", what="notes", earlier_records=True
            ),
        ]
    )
    with monkeypatch.context() as before_the_flag:
        before_the_flag.setattr(log, "SEALED_IF_SET", ())
        assert log.seal(plain, plain.previous_hash) == plain.hash
        assert log.seal(flagged, flagged.previous_hash) != flagged.hash
    assert AccessLogEntry.objects.get(pk=flagged.pk).earlier_records is True
    assert log.verify() is None
    AccessLogEntry.objects.filter(pk=flagged.pk).update(earlier_records=False)
    assert log.verify().entry_id == flagged.pk
    AccessLogEntry.objects.filter(pk=flagged.pk).update(earlier_records=True)
    assert log.verify() is None
    AccessLogEntry.objects.filter(pk=plain.pk).update(earlier_records=True)
    assert log.verify().entry_id == plain.pk


def test_a_deleted_middle_row_is_reported_at_the_next_row(chain):
    AccessLogEntry.objects.filter(pk=chain[4].pk).delete()
    problem = log.verify()
    assert problem.entry_id == chain[5].pk
    assert "deleted" in problem.message


def test_a_deleted_last_row_is_reported_at_the_end_through_the_anchor(chain):
    AccessLogEntry.objects.filter(pk=chain[-1].pk).delete()
    problem = log.verify()
    assert problem.entry_id is None
    assert "deleted" in problem.message
    assert str(problem).startswith("end of log")


def test_a_forged_row_with_a_made_up_seal_is_reported(chain):
    forged = AccessLogEntry(
        **{
            **_fields(chain[-1]),
            "id": chain[-1].pk + 1,
            "previous_hash": chain[-1].hash,
            "hash": "f" * 64,
        }
    )
    forged.save(force_insert=True)
    assert log.verify().entry_id == forged.pk


def test_a_properly_sealed_forged_row_is_still_reported_by_the_anchor(chain):
    forged = AccessLogEntry(
        **{**_fields(chain[-1]), "id": chain[-1].pk + 1, "previous_hash": chain[-1].hash}
    )
    forged.hash = log.seal(forged, chain[-1].hash)  # as if the key had leaked
    forged.save(force_insert=True)
    problem = log.verify()
    assert problem.entry_id is None
    assert "anchor" in problem.message


def test_swapped_rows_are_reported(chain):
    third, fourth = chain[2], chain[3]
    AccessLogEntry.objects.filter(pk=third.pk).update(
        what=fourth.what, previous_hash=fourth.previous_hash, hash=fourth.hash
    )
    AccessLogEntry.objects.filter(pk=fourth.pk).update(
        what=third.what, previous_hash=third.previous_hash, hash=third.hash
    )
    problem = log.verify()
    assert problem.entry_id == third.pk
    assert "out of order" in problem.message


def test_the_verify_log_command_says_intact_and_exits_zero(chain, capsys):
    call_command("verify_log")
    assert "Access log intact: 10 rows" in capsys.readouterr().out


def test_the_verify_log_command_prints_the_problem_and_exits_one(chain, capsys):
    AccessLogEntry.objects.filter(pk=chain[4].pk).update(what="nothing to see")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_log")
    assert exit_.value.code == 1
    assert f"row {chain[4].pk}: its content does not match its seal" in capsys.readouterr().err


def _fields(entry: AccessLogEntry) -> dict:
    names = [f.attname for f in AccessLogEntry._meta.concrete_fields]
    return {name: getattr(entry, name) for name in names}


def test_a_person_named_in_the_log_cannot_be_deleted(county):
    # The log's references are not checked by the database (no lock on the rows named at
    # every COMMIT), so the ORM's PROTECT is what keeps a logged person.
    logged = f.PersonFactory(registered_by=county.nurse)
    actor = Actor(county.nurse, county.clinic)
    log.append([log.entry_for(actor, person=logged, action="read", what="overview")])
    with pytest.raises(ProtectedError):
        logged.delete()
    assert Person.objects.filter(pk=logged.pk).exists()


def test_a_person_never_logged_can_be_deleted(county):
    stranger = f.PersonFactory(registered_by=county.nurse)
    stranger.delete()
    assert not Person.objects.filter(pk=stranger.pk).exists()
