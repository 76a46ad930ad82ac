"""The policy's four reads (plain SELECTs, `helhet.core.raw`) load what the ORM would."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from helhet.access import policy
from helhet.access.models import Consent, ConsentDisclosure, RecordCategory
from helhet.care.models import CaseTeamMember, Episode
from helhet.core.models import Membership
from helhet.people.models import Person

from .. import factories as f


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


@pytest.fixture
def history(county):
    """The patient with closed, reactivated and open episodes at two units (one with the nurse
    on its case team), consents active, withdrawn and with disclosures, under another user."""
    reason = f.ClosureReasonFactory(code="person_ended", name="The person ended it")
    first = county.episode
    first.closed_on, first.closed_by, first.closure_reason = (
        datetime.date(2026, 3, 1),
        county.nurse,
        reason,
    )
    first.save()
    again = f.EpisodeFactory(
        person=county.patient,
        unit=county.clinic,
        opened_by=county.social_worker,
        opened_on=datetime.date(2026, 5, 2),
        reactivation_of=first,
    )
    f.CaseTeamMemberFactory(episode=again, user=county.nurse)
    f.CaseTeamMemberFactory(episode=first, user=county.social_worker)
    f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=datetime.date(2026, 5, 2),
    )
    active = f.ConsentFactory(
        person=county.patient,
        unit=county.clinic,
        recorded_by=county.social_worker,
        valid_from=datetime.date(2026, 5, 2),
        valid_until=datetime.date(2027, 5, 1),
    )
    for category in (RecordCategory.CONTACTS, RecordCategory.ASSESSMENTS):
        f.ConsentDisclosureFactory(
            consent=active,
            from_organisation=county.region,
            to_organisation=county.municipality,
            category=category,
        )
    f.ConsentDisclosureFactory(
        consent=active,
        from_organisation=county.municipality,
        to_organisation=county.region,
        category=RecordCategory.PLANS,
    )
    f.ConsentFactory(
        person=county.patient,
        unit=county.other_unit,
        recorded_by=county.outsider,
        coordination=False,
        valid_from=datetime.date(2026, 1, 15),
        withdrawn_on=datetime.date(2026, 2, 1),
        withdrawn_by="the person",
        withdrawal_recorded_by=county.outsider,
    )
    # Another person's records, which must not come along.
    other = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    f.ConsentDisclosureFactory(
        consent=f.ConsentFactory(person=other.person, unit=county.clinic, recorded_by=county.nurse),
        from_organisation=county.region,
        to_organisation=county.municipality,
        category=RecordCategory.CONTACTS,
    )
    return county


def _access(county, user):
    request = RequestFactory().get("/")
    request.user = user
    request.memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    return policy.person_access(request, county.patient.pk)


def test_the_reads_load_what_the_orm_loads(history):
    access = _access(history, history.nurse)

    person = Person.objects.select_related("municipality").get(pk=history.patient.pk)
    assert _fields(access.person) == _fields(person)
    assert _fields(access.person.municipality) == _fields(person.municipality)

    on_team = CaseTeamMember.objects.filter(episode=OuterRef("pk"), user=history.nurse)
    episodes = list(
        Episode.objects.filter(person=person)
        .select_related("unit", "closure_reason")
        .annotate(user_on_team=Exists(on_team))
    )
    assert [_fields(e) for e in access.episodes] == [_fields(e) for e in episodes]
    assert [e.user_on_team for e in access.episodes] == [e.user_on_team for e in episodes]
    assert [e.user_on_team for e in access.episodes].count(True) == 1
    assert [_fields(e.unit) for e in access.episodes] == [_fields(e.unit) for e in episodes]
    assert [e.closure_reason and _fields(e.closure_reason) for e in access.episodes] == [
        e.closure_reason and _fields(e.closure_reason) for e in episodes
    ]
    reactivation = next(e for e in access.episodes if e.reactivation_of_id)
    assert reactivation.is_reactivation
    # loaded, not new: saving one updates its row
    assert all(not e._state.adding and e._state.db == "default" for e in access.episodes)
    reactivation.opened_on = datetime.date(2026, 5, 3)
    reactivation.save(update_fields=["opened_on"])
    assert Episode.objects.get(pk=reactivation.pk).opened_on == datetime.date(2026, 5, 3)
    assert Episode.objects.filter(person=person).count() == len(episodes)

    consents = list(Consent.objects.filter(person=person).select_related("unit", "recorded_by"))
    assert [_fields(c) for c in access.consents] == [_fields(c) for c in consents]
    assert [_fields(c.recorded_by) for c in access.consents] == [
        _fields(c.recorded_by) for c in consents
    ]
    assert {c.withdrawn_on for c in access.consents} == {None, datetime.date(2026, 2, 1)}

    disclosures = {}
    for d in ConsentDisclosure.objects.filter(consent__person=person).order_by("consent", "pk"):
        disclosures.setdefault(d.consent_id, []).append(
            (d.from_organisation_id, d.to_organisation_id, d.category)
        )
    assert access.consent_disclosures == disclosures
    assert sum(len(rows) for rows in disclosures.values()) == 3


def test_the_reads_share_related_instances_and_need_no_more_queries(history):
    with CaptureQueriesContext(connection) as queries:
        access = _access(history, history.nurse)
        named = [(e.unit.name, e.person.pk, e.closure_reason) for e in access.episodes]
        named += [(c.unit.name, c.person.pk, str(c.recorded_by)) for c in access.consents]
    assert (
        len(named) == 5 and len(queries) == 5
    )  # the memberships, then the person and the policy's three reads
    clinic = [e.unit for e in access.episodes if e.unit_id == history.clinic.pk]
    clinic += [c.unit for c in access.consents if c.unit_id == history.clinic.pk]
    assert len(clinic) == 3 and len({id(unit) for unit in clinic}) == 1


def test_an_unknown_person_is_not_found(history):
    request = RequestFactory().get("/")
    request.user = history.nurse
    request.memberships = []
    with pytest.raises(Http404):
        policy.person_access(request, 10**9)
