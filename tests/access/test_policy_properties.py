"""The access rule's twins agree on random worlds (hypothesis).

The rule is written as SQL (`policy.visible_persons`, `relationship_episodes`,
`listing_consents`, the list bases of `access.listing`, `readable_q`, "consent in force" as a
`Q`) and as Python (`PersonAccess` from `person_access`: `person_grant`, `relationship_units`,
`grant_for`, `readable`; `consent_is_active`). Each example builds a world — two
organisations, units of either access mode, users with memberships and roles (and one
administrator), persons, open and closed episodes of either owner (closed inside the
closed-episode window, outside it and on its edge), case teams, consents
around today with disclosures, emergency accesses, blocks (spärr) in force and lifted of
either organisation at any unit, and a record of each organisation at each unit for each
person — and asks every (user, person) both ways, through the pages' own list selectors
(caseload and search) too. The records are read with the SQL itself (`readable_q` with the
unit field, and the timeline's raw SELECT with `unblocked_sql`), not by comparing
organisation ids alone.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helhet.access import listing, policy
from helhet.access.models import (
    Basis,
    Block,
    Consent,
    ConsentDisclosure,
    EmergencyAccess,
    RecordCategory,
)
from helhet.care.models import CaseTeamMember, ClosureReason, Episode
from helhet.care.selectors import caseload_page
from helhet.contacts.models import DrugTest
from helhet.core.models import Membership, Organisation, Unit, User
from helhet.people.identity import make_personnummer
from helhet.people.models import Person
from helhet.people.selectors import SearchQuery, consent_state, search_page
from helhet.timeline import sources

from .. import factories as f

ORGS = (0, 1)  # the region and the municipality, by index
CATEGORIES = [c.value for c in RecordCategory]
DAYS = st.integers(min_value=-3, max_value=3)  # around today: every boundary is hit


def closings() -> st.SearchStrategy[int]:
    """Closing days (offsets from today): recent, and around the edge of the closed-episode
    window (`policy.closed_readable_since`), inside and outside it."""
    today = timezone.localdate()
    since = policy.closed_readable_since(today)
    edge = (since - today).days if since else -365
    return st.sampled_from([0, -1, -30, edge + 1, edge, edge - 1, edge - 30])


@dataclass
class World:
    """What one example generates, by index (rows are made from it in the database)."""

    units: list[str]  # access mode of each unit
    users: list[tuple[int | None, dict[int, str]]]  # (organisation, {unit: role}); None: admin
    persons: int
    episodes: list[tuple[int, int, int, int, int | None]]  # person, unit, owner, opened, closed
    teams: list[tuple[int, int]]  # (episode, user)
    consents: list[dict] = field(default_factory=list)
    emergencies: list[tuple[int, int, bool]] = field(default_factory=list)  # user, person, live
    blocks: list[tuple[int, int, int, bool]] = field(default_factory=list)  # person, unit,
    # organisation whose records there are blocked, lifted


@st.composite
def worlds(draw) -> World:
    units = draw(st.lists(st.sampled_from(list(Unit.AccessMode.values)), min_size=1, max_size=3))
    unit_ids = st.integers(0, len(units) - 1)
    roles = st.sampled_from(list(Membership.Role.values))
    users = draw(
        st.lists(
            st.tuples(
                st.sampled_from(ORGS),
                st.dictionaries(unit_ids, roles, max_size=len(units)),
            ),
            min_size=1,
            max_size=3,
        )
    )
    users.append((None, {}))  # an administrator: no organisation, no memberships
    persons = draw(st.integers(1, 2))  # few persons, so that records meet on them
    episodes, open_at = [], set()
    for _ in range(draw(st.integers(0, 6))):
        person, unit = draw(st.integers(0, persons - 1)), draw(unit_ids)
        opened = draw(st.integers(-40, 0))
        closed = draw(st.none() | st.none() | closings())  # mostly open
        if closed is None and (person, unit) in open_at:
            closed = opened  # one open episode per person and unit (a constraint)
        if closed is not None:
            opened = min(opened, closed - draw(st.integers(0, 40)))
        if closed is None:
            open_at.add((person, unit))
        episodes.append((person, unit, draw(st.sampled_from(ORGS)), opened, closed))
    users_ids = st.integers(0, len(users) - 1)
    teams = (
        draw(st.sets(st.tuples(st.integers(0, len(episodes) - 1), users_ids), max_size=4))
        if episodes
        else set()
    )
    consents = []
    for _ in range(draw(st.integers(0, 5))):
        valid_from = draw(DAYS)
        consents.append(
            {
                "person": draw(st.integers(0, persons - 1)),
                "unit": draw(unit_ids),
                "owner": draw(st.sampled_from(ORGS)),
                "coordination": draw(st.booleans()),
                "valid_from": valid_from,
                "valid_until": draw(st.none() | st.integers(valid_from, 3)),
                "withdrawn_on": draw(st.none() | st.integers(valid_from, 3)),
                "disclosures": draw(
                    st.sets(st.tuples(st.sampled_from(ORGS), st.sampled_from(CATEGORIES)))
                ),
            }
        )
    emergencies = draw(
        st.lists(st.tuples(users_ids, st.integers(0, persons - 1), st.booleans()), max_size=2)
    )
    blocks, in_force = [], set()
    for _ in range(draw(st.integers(0, 3))):
        person, unit, owner = (
            draw(st.integers(0, persons - 1)),
            draw(unit_ids),
            draw(st.sampled_from(ORGS)),
        )
        lifted = (
            draw(st.booleans()) or (person, unit, owner) in in_force
        )  # one in force (a constraint)
        if not lifted:
            in_force.add((person, unit, owner))
        blocks.append((person, unit, owner, lifted))
    return World(units, users, persons, episodes, sorted(teams), consents, emergencies, blocks)


@pytest.fixture
def organisations(db):
    region = f.OrganisationFactory(kind=Organisation.Kind.REGION)
    municipality = f.OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY)
    ClosureReason.objects.get_or_create(code="goals_reached", defaults={"name": "Goals reached"})
    return [region, municipality]


def _build(world: World, organisations) -> SimpleNamespace:
    """The rows of WORLD, made with bulk_create (ids set on PostgreSQL and SQLite alike)."""
    today = timezone.localdate()
    day = lambda offset: today + datetime.timedelta(days=offset)  # noqa: E731
    org = [o.pk for o in organisations]
    stamp = Unit.objects.count()
    units = Unit.objects.bulk_create(
        Unit(name=f"U{i}", slug=f"p-{stamp}-{i}", unit_type=Unit.Type.OTHER, access_mode=mode)
        for i, mode in enumerate(world.units)
    )
    users = User.objects.bulk_create(
        User(username=f"p{stamp}-{i}", password="!", organisation_id=None if o is None else org[o])
        for i, (o, _m) in enumerate(world.users)
    )
    Membership.objects.bulk_create(
        Membership(user=users[i], unit=units[u], role=role)
        for i, (_o, memberships) in enumerate(world.users)
        for u, role in memberships.items()
    )
    birth = datetime.date(1970, 1, 1)
    persons = Person.objects.bulk_create(
        Person(
            identity_number=make_personnummer(birth + datetime.timedelta(days=stamp), 980 + i),
            identity_kind=Person.Kind.PERSONNUMMER,
            birth_date=birth,
            legal_sex=Person.Sex.FEMALE,
            given_name=f"P{i}",
            family_name="Propertysson",
            registered_by=users[0],
        )
        for i in range(world.persons)
    )
    reason = ClosureReason.objects.get(code="goals_reached")
    episodes = Episode.objects.bulk_create(
        Episode(
            person=persons[p],
            unit=units[u],
            organisation_id=org[o],
            opened_on=day(opened),
            opened_by=users[0],
            closed_on=None if closed is None else day(closed),
            closure_reason=None if closed is None else reason,
        )
        for p, u, o, opened, closed in world.episodes
    )
    CaseTeamMember.objects.bulk_create(
        CaseTeamMember(
            episode=episodes[e],
            user=users[u],
            role=CaseTeamMember.Role.CASE_MANAGER,
            added_by=users[u],
        )
        for e, u in world.teams
    )
    consents = Consent.objects.bulk_create(
        Consent(
            person=persons[c["person"]],
            unit=units[c["unit"]],
            organisation_id=org[c["owner"]],
            recorded_by=users[0],
            form=Consent.Form.WRITTEN,
            coordination=c["coordination"],
            valid_from=day(c["valid_from"]),
            valid_until=None if c["valid_until"] is None else day(c["valid_until"]),
            withdrawn_on=None if c["withdrawn_on"] is None else day(c["withdrawn_on"]),
        )
        for c in world.consents
    )
    ConsentDisclosure.objects.bulk_create(
        ConsentDisclosure(
            consent=consent,
            from_organisation_id=org[source],
            to_organisation_id=org[1 - source],
            category=category,
        )
        for consent, c in zip(consents, world.consents, strict=True)
        for source, category in sorted(c["disclosures"])
    )
    now = timezone.now()
    EmergencyAccess.objects.bulk_create(
        EmergencyAccess(
            user=users[u],
            person=persons[p],
            reason="Property test",
            expires_at=now + datetime.timedelta(hours=1 if live else -1),
        )
        for u, p, live in world.emergencies
    )
    Block.objects.bulk_create(
        Block(
            person=persons[p],
            unit=units[u],
            organisation_id=org[o],
            requested_on=day(-3),
            recorded_by=users[0],
            lifted_on=day(-1) if lifted else None,
            lifted_by=users[0] if lifted else None,
            lift_recorded_at=now if lifted else None,
        )
        for p, u, o, lifted in world.blocks
    )
    # The records read: one of each organisation at each unit for each person (a drug test
    # stands for every category: the rule reads only the owner and the unit).
    records = DrugTest.objects.bulk_create(
        DrugTest(
            person=person,
            unit=unit,
            organisation_id=owner,
            taken_at=now - datetime.timedelta(hours=1),
            sample=DrugTest.Sample.URINE,
            recorded_by=users[0],
        )
        for person in persons
        for unit in units
        for owner in org
    )
    return SimpleNamespace(
        today=today,
        units=units,
        users=users,
        persons=persons,
        consents=consents,
        orgs=org,
        records=records,
    )


def _request(user):
    memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    return SimpleNamespace(user=user, memberships=memberships)


def _access(request, person):
    try:
        return policy.person_access(request, person.pk)
    except Http404:
        return None


def _grant(grant) -> tuple[str, int | None] | None:
    """A grant as the lists record it: (basis, consent id)."""
    if grant is None:
        return None
    return grant.basis, grant.consent.pk if grant.consent else None


PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# Two relationships by consent, at units whose episodes and consents are in opposite orders:
# which consent the person is seen by must be the same choice in the lists and on the pages.
TWO_CONSENTS = World(
    units=["team", "team"],
    users=[(0, {0: "staff", 1: "staff"}), (None, {})],
    persons=1,
    episodes=[(0, 0, 1, -10, None), (0, 1, 1, -5, None)],
    teams=[],
    consents=[
        {
            "person": 0,
            "unit": u,
            "owner": 1,
            "coordination": True,
            "valid_from": start,
            "valid_until": None,
            "withdrawn_on": None,
            "disclosures": set(),
        }
        for u, start in ((0, 0), (1, -1))
    ],
)


# The region's records at unit 0 are blocked (and a lifted block at unit 1); the person has
# the region's episodes at both units and coordination consents there that disclose the
# region's records: read by the region's nurse with a relationship at unit 0, and by the
# municipality's staff member there under the consent; not by the region's nurse at unit 1,
# nor under the consent from unit 1, nor under emergency access.
BLOCKED = World(
    units=["team", "team"],
    users=[
        (0, {0: "staff"}),
        (0, {1: "staff"}),
        (1, {0: "staff"}),
        (1, {1: "staff"}),
        (0, {}),
        (None, {}),
    ],
    persons=1,
    episodes=[(0, 0, 0, -10, None), (0, 1, 0, -5, None)],
    teams=[],
    consents=[
        {
            "person": 0,
            "unit": unit,
            "owner": 0,
            "coordination": True,
            "valid_from": -1,
            "valid_until": None,
            "withdrawn_on": None,
            "disclosures": {(0, "contacts"), (0, "medication"), (1, "notes")},
        }
        for unit in (0, 1)
    ],
    emergencies=[(4, 0, True)],
    blocks=[(0, 0, 0, False), (0, 1, 1, True)],
)


# Closed episodes: the region's at a team unit (0) and at a case-team unit (1), closed ten days
# ago, with the region's first user on the latter's case team; the municipality's closed on
# the window's edge at unit 0, and the region's closed the day before the edge. The region's
# users read person 0 on the closed basis (the one at unit 1 only from its case team); nobody
# reads person 1 through a closed episode (the municipality's user would need one of theirs
# at their unit: the one on the edge is theirs). A block of the region's records at unit 0.
_EDGE = (policy.closed_readable_since(timezone.localdate()) - timezone.localdate()).days
CLOSED_EPISODES = World(
    units=["team", "case_team"],
    users=[(0, {0: "staff", 1: "staff"}), (1, {0: "staff"}), (0, {1: "staff"}), (None, {})],
    persons=2,
    episodes=[
        (0, 0, 0, -100, -10),
        (0, 1, 0, -100, -10),
        (1, 0, 1, _EDGE - 100, _EDGE),
        (1, 0, 0, _EDGE - 100, _EDGE - 1),
    ],
    teams=[(1, 0)],
    blocks=[(0, 0, 0, False)],
)


@PROPERTY_SETTINGS
@given(world=worlds())
@example(world=TWO_CONSENTS)
@example(world=BLOCKED)
@example(world=CLOSED_EPISODES)
def test_the_sql_and_the_python_twin_of_the_access_rule_agree(organisations, world):
    with transaction.atomic():
        built = _build(world, organisations)
        for user in built.users:
            _check_user(built, user)
        transaction.set_rollback(True)


def _check_user(built, user) -> None:
    request = _request(user)
    units = policy.member_units(request.memberships)
    my_units = sorted(units)
    accesses = {person.pk: _access(request, person) for person in built.persons}
    for named in (None, units):  # the units read from the memberships, or named in the SQL
        visible = set(
            policy.visible_persons(user, on=built.today, units=named).values_list("pk", flat=True)
        )
        related: dict[int, set[int]] = {}
        for episode in policy.relationship_episodes(user, on=built.today, units=named):
            related.setdefault(episode.person_id, set()).add(episode.unit_id)
        closed: dict[int, set[int]] = {}
        for episode in policy.closed_episodes(user, on=built.today, units=named):
            closed.setdefault(episode.person_id, set()).add(episode.unit_id)
        for pk, access in accesses.items():
            assert (pk in visible) == (access is not None)
            units_related = set(access.relationship_units) if access else set()
            assert related.get(pk, set()) == units_related
            assert closed.get(pk, set()) == (set(access.closed_units) if access else set())
    search, closings = _search_bases(user, built, units, my_units)
    caseloads = _caseload_bases(user, built, units, my_units)
    for person in built.persons:
        _check_person(built, user, person, accesses[person.pk], search, caseloads, my_units)
        _check_closed(accesses[person.pk], closings)


def _search_bases(user, built, units, my_units) -> dict:
    """{active unit: {person id: (basis, consent id)}} as the search page lists them."""
    query = SearchQuery("propertysson", words=("propertysson",))
    bases, closings = {}, {}
    for unit_id in [None, *my_units]:
        page = search_page(user, query, 1, unit_id=unit_id, units=units)
        bases[unit_id] = {p.pk: (p.list_basis, p.list_consent_id) for p in page.object_list}
        closings[unit_id] = {p.pk: p.list_closed_on for p in page.object_list}
        # The access package's list basis, asked directly (units read from the memberships).
        direct = map(
            listing.settle,
            listing.with_list_basis(
                policy.visible_persons(user, on=built.today), user, unit_id=unit_id, on=built.today
            ),
        )
        direct = list(direct)
        assert {p.pk: (p.list_basis, p.list_consent_id) for p in direct} == bases[unit_id]
        assert {p.pk: p.list_closed_on for p in direct} == closings[unit_id]
    return bases, closings


def _caseload_bases(user, built, units, my_units) -> dict:
    """{(unit, whole unit): {person id: (basis, consent id, my role)}}, as the caseload lists."""
    lists = {}
    for unit in built.units:
        if unit.pk not in my_units:
            continue
        for whole_unit, named in ((False, units), (True, units), (True, None)):
            page = caseload_page(user, unit=unit, whole_unit=whole_unit, number=1, units=named)
            listed = {p.pk: (p.list_basis, p.list_consent_id, p.my_role) for p in page.object_list}
            assert lists.setdefault((unit.pk, whole_unit), listed) == listed
    return lists


def _check_person(built, user, person, access, search, caseloads, my_units) -> None:
    if access is None:
        assert all(person.pk not in listed for listed in search.values())
        assert all(person.pk not in listed for listed in caseloads.values())
        return
    # Seen at all, and on which basis (which consent) in the search, at each active unit.
    for unit_id, listed in search.items():
        assert listed[person.pk] == _grant(access.list_grant(unit_id))
    # The person page's basis is the one the search at the same active unit names.
    if access.unit_id in search:
        assert search[access.unit_id][person.pk] == _grant(access.person_grant)
    # The caseload of each of USER's units: the person when a relationship is there (on the
    # case team for "my caseload"), on the basis the relationship there gives.
    for unit_id in my_units:
        grant = access.relationship_units.get(unit_id)
        whole = caseloads[(unit_id, True)]
        assert (person.pk in whole) == (grant is not None)
        on_team = any(
            e.is_open and e.unit_id == unit_id and e.user_on_team for e in access.episodes
        )
        mine = caseloads[(unit_id, False)]
        assert (person.pk in mine) == (grant is not None and on_team)
        if grant is not None:
            assert whole[person.pk][:2] == _grant(grant)
    _check_records(built, user, access)


def _check_closed(access, closings) -> None:
    """A person seen only through a closed episode: listed with its closing date, read-only
    (no write anywhere), their own organisation's records on the closed basis; an open
    relationship wins."""
    if access is None:
        return
    only_closed = bool(access.closed_units) and not access.relationship_units
    assert (access.person_grant == policy.CLOSED) == only_closed
    for listed in closings.values():
        assert listed[access.person.pk] == (access.last_closed_on if only_closed else None)
    if only_closed:
        assert not access.is_emergency
        assert not any(access.may_act_at(u) for u in access.member_roles)
        assert access.log_basis.basis in (Basis.CLOSED_EPISODE, Basis.CONSENT)
        own = access.grant_for(owner_id=access.organisation_id, category=RecordCategory.NOTES)
        assert own in (policy.CLOSED, None)  # None: blocked


def _check_records(built, user, access) -> None:
    """Each category (not enrolment) of the person's records, each owner at each unit: the
    rows `readable_q` (with the unit field) and the timeline's SELECT (`owned_by`:
    `readable_owner_ids` and `unblocked_sql`) let through are the ones `grant_for` grants and
    `readable` shows, and the disclosures `readable` remembers are the grants' consents."""
    rows = [r for r in built.records if r.person_id == access.person.pk]
    person_rows = DrugTest.objects.filter(person=access.person)
    for category in CATEGORIES:
        if category == RecordCategory.ENROLMENT:
            continue
        grants = {
            r.pk: access.grant_for(owner_id=r.organisation_id, category=category, unit_id=r.unit_id)
            for r in rows
        }
        in_python = {pk for pk, grant in grants.items() if grant is not None}
        in_sql = set(
            person_rows.filter(access.readable_q(category, unit_field="unit")).values_list(
                "pk", flat=True
            )
        )
        assert in_sql == in_python, category
        assert _timeline_rows(access, category) == in_python, category
        access.disclosures.clear()
        assert {r.pk for r in access.readable(rows, category=category)} == in_python
        disclosed = {g.consent.pk for g in grants.values() if g and g.consent}
        assert set(access.disclosures) == disclosed
    # The consent each grant names is one in force with that disclosure (or coordination).
    for consent in access.active_consents:
        assert policy.consent_is_active(consent, access.today)
    # A block hides something from USER where it is in force at a unit they have no
    # relationship at (the pages then say that blocked information exists, not what).
    hidden = Block.objects.filter(person=access.person, lifted_on__isnull=True).exclude(
        unit__in=[*access.relationship_units, *access.closed_units]
    )
    assert access.has_blocked_records == hidden.exists()


def _timeline_rows(access, category) -> set[int]:
    """The ids of the person's records of CATEGORY the timeline's raw SELECT reads."""
    main = sources._DRUG_TEST
    read = sources._of_person(access, main).owned_by(
        access, category, main.column("organisation_id"), main.column("unit_id")
    )
    return {
        r.pk for r in sources._at_units(main, read.rows("taken_at", "drug_test", None, None, None))
    }


@PROPERTY_SETTINGS
@given(
    valid_from=DAYS,
    length=st.none() | st.integers(0, 6),
    withdrawn=st.none() | st.integers(0, 6),
    on=DAYS,
)
def test_consent_in_force_is_one_rule_in_sql_and_in_python(
    organisations, valid_from, length, withdrawn, on
):
    today = timezone.localdate()
    day = lambda offset: today + datetime.timedelta(days=offset)  # noqa: E731
    with transaction.atomic():
        user = User.objects.create(username="consent-p", organisation=organisations[0])
        unit = Unit.objects.create(name="U", slug="consent-p", unit_type=Unit.Type.OTHER)
        person = Person.objects.create(
            identity_number=make_personnummer(datetime.date(1970, 2, 2), 981),
            identity_kind=Person.Kind.PERSONNUMMER,
            birth_date=datetime.date(1970, 2, 2),
            legal_sex=Person.Sex.FEMALE,
            given_name="C",
            family_name="C",
            registered_by=user,
        )
        consent = Consent.objects.create(
            person=person,
            unit=unit,
            organisation=organisations[0],
            recorded_by=user,
            form=Consent.Form.WRITTEN,
            valid_from=day(valid_from),
            valid_until=None if length is None else day(valid_from + length),
            withdrawn_on=None if withdrawn is None else day(valid_from + withdrawn),
        )
        in_sql = Consent.objects.filter(policy.active_consent_q(day(on)), pk=consent.pk).exists()
        in_python = policy.consent_is_active(consent, day(on))
        assert in_sql == in_python == (consent_state(consent, day(on)) == "active")
        transaction.set_rollback(True)


def test_the_closed_episodes_example_reads_as_its_comment_says(organisations):
    built = _build(CLOSED_EPISODES, organisations)
    both_units, municipal, case_team_only, _admin = built.users
    first, second = built.persons
    assert _access(_request(both_units), first).closed_units.keys() == {
        built.units[0].pk,
        built.units[1].pk,
    }
    assert _access(_request(case_team_only), first) is None  # not on the case team
    assert _access(_request(municipal), first) is None  # the region's closed episodes
    assert _access(_request(municipal), second).person_grant == policy.CLOSED  # on the edge
    assert _access(_request(both_units), second) is None  # the day before the edge


def test_a_block_is_read_at_its_unit_only(organisations):
    built = _build(BLOCKED, organisations)
    blocked = next(
        r
        for r in built.records
        if r.unit_id == built.units[0].pk and r.organisation_id == built.orgs[0]
    )

    def reads(user) -> bool:
        access = _access(_request(user), built.persons[0])
        return access is not None and bool(access.readable([blocked], category="medication"))

    nurse_there, nurse_elsewhere, worker_there, worker_elsewhere, emergency, _admin = built.users
    assert reads(nurse_there) and reads(worker_there)
    assert not reads(nurse_elsewhere) and not reads(worker_elsewhere) and not reads(emergency)


# The hole the property test found first, by name: an emergency-access row of a user with no
# organisation (an administrator) listed the person, whom `person_access` refuses them.


def test_an_administrator_with_an_emergency_access_row_lists_no_one(county):
    f.EmergencyAccessFactory(user=county.admin, person=county.patient)
    assert not policy.visible_persons(county.admin).exists()


def test_a_clinician_with_emergency_access_lists_the_person(county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    assert list(policy.visible_persons(county.outsider)) == [county.patient]
