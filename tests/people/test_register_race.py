"""Two registrations of the same new number at the same moment (PostgreSQL: concurrent
transactions; SQLite takes one writer at a time): one registers the person, the other is
answered as for a number already registered — never a server error, never two persons."""

import datetime
import threading

import pytest
from django.db import connection, connections

from helhet.access.log import Actor
from helhet.care.models import Episode
from helhet.people import actions
from helhet.people.identity import make_personnummer, parse
from helhet.people.models import Person

NUMBER = make_personnummer(datetime.date(1991, 6, 7), 456)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


def register(actor, outcomes):
    try:
        actions.person_register(
            actor=actor,
            identity_number=parse(NUMBER),
            opened_on=datetime.date(2026, 11, 2),
            given_name="Sven",
            family_name="Samtidig",
            municipality=None,
        )
        outcomes.append("registered")
    except actions.PersonAlreadyRegistered:
        outcomes.append("already registered")
    except actions.NotRegistered as refusal:
        outcomes.append(f"not registered: {refusal.reason}")
    except Exception as error:  # the failure this test is about
        outcomes.append(f"error: {error!r}")
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_registrations_at_once_register_one_person(county, monkeypatch):
    # Both have looked the number up (nobody has it) before either inserts the person.
    both_looked = threading.Barrier(2, timeout=10)
    check = actions.check_target_group

    def check_then_wait(*args, **kwargs):
        check(*args, **kwargs)
        both_looked.wait()

    monkeypatch.setattr(actions, "check_target_group", check_then_wait)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=register, args=(Actor(user, county.clinic, f"req-{i}"), outcomes))
        for i, user in enumerate([county.nurse, county.coordinator])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["already registered", "registered"], outcomes
    person = Person.objects.get(identity_number=NUMBER)
    assert Episode.objects.filter(person=person, unit=county.clinic).count() == 1
