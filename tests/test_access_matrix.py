"""THE ACCESS MATRIX: every person-data URL, asked by every kind of user, and what the log says.

The law behind the table (DOMAIN.md; docs/architecture.md "The access model"):
- secrecy is the default between the region and the municipality: a care relationship inside the
  user's own organisation lets the nurse in (basis own_organisation), the municipality's social
  worker gets in only under the person's coordination consent at the unit (basis consent);
- nobody else sees the person at all, and "not allowed" looks exactly like "does not exist"
  (404) -- administrators included, who have no clinical access;
- emergency access (nödåtkomst) opens the overview only, read-only, and is logged as such;
- the log extract is produced only by a manager or coordinator with a care relationship at the
  active unit (PDL 8 kap. 5 §: it lists accesses, so it must not reveal care elsewhere);
- every allowed request writes exactly one access-log row; every refused one asked by a member
  of staff writes exactly one "refused" row (who asked, their unit, the person, the URL's name,
  basis none), so that an enumeration shows in the log; the administrator's and the anonymous
  visitor's refusals write none (no clinical access: the policy never looks the person up).

The person is `county.patient`: an open episode at the clinic, opened by the region's nurse.
"""

import datetime
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, Basis, Consent
from helhet.care.models import Episode
from helhet.core.middleware import ACTIVE_UNIT_SESSION_KEY
from helhet.core.models import User
from helhet.followup.models import SteeringGroup

from . import factories as f
from .log_rows import rows_about

OWN = "200, logged on basis own_organisation"
CONSENT = "200, logged on basis consent (the coordination consent)"
EMERGENCY = "200, logged on basis emergency"
CLOSED = "200, logged on basis closed_episode (read-only)"
NOT_FOUND = "404, one refused row (staff), none for the administrator"
LOGIN = "302 to the login page with ?next=, nothing logged"

ACTORS = (
    "nurse",
    "sw_consent",
    "sw_no_consent",
    "outsider",
    "admin",
    "anonymous",
    "emergency",
    "coordinator",
    "mgr_consent",
    "steering",
    "closed",
)
# nurse ........ the region's nurse at the clinic, who opened the patient's episode
# sw_consent ... the municipality's social worker at the clinic, under the coordination consent
# sw_no_consent  the same social worker before any consent
# outsider ..... a region nurse at another unit (Mini-Maria), no relationship
# admin ........ a superuser without an organisation
# anonymous .... not logged in
# emergency .... the outsider with active emergency access to the patient (taken at Mini-Maria)
# coordinator .. the clinic's coordinator (region): the nurse's relationship, in a reviewer role
# mgr_consent .. the clinic's manager (municipality), under the coordination consent
# steering ..... a member of the clinic's steering group (a region manager with no membership):
#                follow-up aggregates only, so every person URL is "not found", as for admin
# closed ....... the outsider (region, Mini-Maria) after the region's episode at Mini-Maria
#                closed a month ago: reads read-only on the closed episode, writes nothing but
#                reopening (the reactivation form); no log extract (no relationship)

NF = NOT_FOUND  # short, so that each row of the table fits on one line
MATRIX = {
    # columns, in the order of ACTORS: nurse, sw_consent, sw_no_consent, outsider, admin,
    # anonymous, emergency, coordinator, mgr_consent
    "people:overview": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # Only a manager or coordinator with a relationship at the active unit; not emergency access.
    "access:log_extract": (NF, NF, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "people:relative_add": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "care:episode_open": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "care:episode_close": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "care:episode_reactivate": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "care:case_team_add": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "access:consent_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "access:consent_withdraw": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # the consent form to sign: a read of the consent, so emergency access prints it too
    "access:consent_print": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "access:consent_pdf": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # blocks: recorded and lifted at the active unit by staff with a relationship there
    "access:blocks": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "access:block_lift": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- assessments: history and the overview's block are read pages; entry writes ---
    "assessments:history": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "assessments:latest": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "assessments:new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # correcting: a result of the actor's own organisation (see url_for); emergency is read-only
    "assessments:correct": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /assessments ---
    # --- outcomes: read like assessments; correcting an outcome of the actor's organisation ---
    "outcomes:list": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "outcomes:latest": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "outcomes:new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "outcomes:correct": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /outcomes ---
    # --- contacts: lists and the overview's block are read pages; the forms write ---
    "contacts:list": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "contacts:latest": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "contacts:medication": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "contacts:new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "contacts:drug_test_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "contacts:dispensing_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # correcting: a record of the actor's own organisation (see url_for); emergency is read-only
    "contacts:contact_correct": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "contacts:drug_test_correct": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "contacts:dispensing_correct": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # a record's versions: read like the lists; the other organisation's under the consent
    # (url_for: the municipality's own record for its staff, who read it as their own)
    "contacts:contact_versions": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "contacts:drug_test_versions": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "contacts:dispensing_versions": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # --- /contacts ---
    # --- intake: the person's accepted referrals, a read page ---
    "intake:person_referrals": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # --- /intake ---
    # --- plans: the SIP and plan pages read; the forms write. Without the coordination consent
    # (the nurse's column) the SIP pages answer 200 and say a consent is needed ---
    "plans:sip": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "plans:sip_print": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "plans:sip_pdf": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "plans:sip_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "plans:sip_meeting_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "plans:plans": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "plans:plan_edit": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /plans ---
    # --- timeline: the whole timeline and the overview's block are read pages, like the
    # contact list and the contacts block: emergency access reads them (logged as such) ---
    "timeline:page": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "timeline:latest": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # --- /timeline ---
    # --- conference: putting the person on the unit's conference, and one item (its decision,
    # postponing, its place) are write pages: emergency access is read-only ---
    "conference:person_add": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "conference:item": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /conference ---
    # --- alerts: the person header's warnings, added and ended by staff who may act here ---
    "alerts:new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # ending: a warning of the actor's own organisation at the clinic (see url_for)
    "alerts:end": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /alerts ---
    # --- governance: reporting a deviation between the authorities about the person (a write
    # page: emergency access is read-only) ---
    "governance:person_deviation_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # raising a dispute about the person: a party's manager or coordinator at the unit only
    "governance:person_dispute_new": (NF, NF, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # asking another party for a consultation about the person (a write page, as above)
    "governance:person_consultation_new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /governance ---
    # --- bookings: the person's bookings read (emergency too); a booking's pages write ---
    "bookings:person": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    "bookings:new": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "bookings:edit": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "bookings:cancel": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "bookings:rebook": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "bookings:attended": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "bookings:no_show": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    # --- /bookings ---
    # --- people (bench): the full history is the overview untrimmed, with the same answers ---
    "people:history": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # --- /people (bench) ---
    # --- people (edits): changing the person's and a relative's details writes (a relative of
    # the actor's own organisation, see url_for); the history of changes is a read page ---
    "people:edit": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "people:relative_edit": (OWN, CONSENT, NF, NF, NF, LOGIN, NF, OWN, CONSENT),
    "people:changes": (OWN, CONSENT, NF, NF, NF, LOGIN, EMERGENCY, OWN, CONSENT),
    # --- /people (edits) ---
}
# The steering-group member's column: not found on every person URL, like the admin.
MATRIX = {name: (*row, NOT_FOUND) for name, row in MATRIX.items()}
# The closed-episode column, the last: the read pages (those emergency access reads) on the
# closed basis, the reactivation form too; every other write page and the log extract not found.
MATRIX = {
    name: (*row, CLOSED if row[6] == EMERGENCY or name == "care:episode_reactivate" else NF)
    for name, row in MATRIX.items()
}
# What each URL is asked about:
# - episode URLs: county.episode (open, at the clinic, owned by the region); except
# - episode_reactivate: reactivation needs a CLOSED episode at a unit where the actor is a member
#   and the person has no open episode, so for that URL the patient also has a closed episode at
#   Mini-Maria (opened by the nurse), and the clinic's staff are members there too (all keep
#   the clinic as their active unit). The social worker with consent sees that
#   region episode through the consent's enrolment disclosure; the outsider at Mini-Maria gets
#   no relationship from a closed episode; emergency access is read-only.
# - consent_withdraw, consent_print, consent_pdf: for sw_consent and mgr_consent, the
#   coordination consent itself; for
#   everyone else an
#   active consent WITHOUT coordination recorded by the nurse at the clinic (a coordination
#   consent would let sw_no_consent in, and the cell would no longer mean "without consent").
UNDER_CONSENT = ("sw_consent", "mgr_consent")

CELLS = [(name, actor, MATRIX[name][i]) for name in MATRIX for i, actor in enumerate(ACTORS)]


# --- Setting a cell up ------------------------------------------------------------------------


def log_in(client, user, unit=None):
    client.force_login(user)
    if unit is not None:
        session = client.session
        session[ACTIVE_UNIT_SESSION_KEY] = unit.pk
        session.save()


def actor_user(request, client, county, actor):
    """Log ACTOR in (the clinic is the active unit of clinic staff); return the user or None."""
    if actor in UNDER_CONSENT:
        request.getfixturevalue("consent_for_coordination")
    if actor == "emergency":
        f.EmergencyAccessFactory(
            user=county.outsider, person=county.patient, unit=county.other_unit
        )
    if actor == "steering":
        county.steering = steering_member(county)
    if actor == "closed":
        recently_closed_episode_at_mini_maria(county)
    user = {
        "nurse": county.nurse,
        "sw_consent": county.social_worker,
        "sw_no_consent": county.social_worker,
        "outsider": county.outsider,
        "admin": county.admin,
        "emergency": county.outsider,
        "closed": county.outsider,
        "coordinator": county.coordinator,
        "mgr_consent": county.manager,
        "steering": getattr(county, "steering", None),
    }.get(actor)
    if user is not None:
        log_in(client, user, county.clinic if user in clinic_staff(county) else None)
    return user


def steering_member(county):
    """A member of the clinic's steering group: employed by the region, no membership anywhere."""
    group = SteeringGroup.objects.create(name="Styrgrupp Testby")
    group.units.add(county.clinic)
    member = f.UserFactory(
        username="steering", organisation=county.region, profession=User.Profession.MANAGER
    )
    group.members.add(member)
    return member


def clinic_staff(county):
    return (county.nurse, county.social_worker, county.coordinator, county.manager)


def closed_episode_at_mini_maria(county) -> Episode:
    for user in clinic_staff(county):
        f.MembershipFactory(user=user, unit=county.other_unit)
    return f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.nurse,
        opened_on="2025-01-10",
        closed_on="2025-06-30",
        closed_by=county.nurse,
        closure_reason=f.ClosureReasonFactory(),
    )


def recently_closed_episode_at_mini_maria(county) -> Episode:
    """The region's episode at Mini-Maria (a team-wide unit), closed a month ago by the
    outsider."""
    today = timezone.localdate()
    return f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=today - datetime.timedelta(days=90),
        closed_on=today - datetime.timedelta(days=30),
        closed_by=county.outsider,
        closure_reason=f.ClosureReasonFactory(),
    )


def assessment_of_own_organisation(county, actor):
    """An AUDIT result at the clinic, recorded by the actor's organisation (the municipality's
    social worker for the municipality's staff, else the region's nurse): only the recording
    organisation may correct a result."""
    municipal = actor in ("sw_consent", "sw_no_consent", "mgr_consent")
    recorder = county.social_worker if municipal else county.nurse
    return f.AssessmentFactory(person=county.patient, unit=county.clinic, recorded_by=recorder)


def outcome_of_own_organisation(county, actor):
    """An outcome at the clinic, recorded by the actor's organisation (as
    `assessment_of_own_organisation`): only the recording organisation may correct it."""
    municipal = actor in ("sw_consent", "sw_no_consent", "mgr_consent")
    recorder = county.social_worker if municipal else county.nurse
    return f.OutcomeFactory(person=county.patient, unit=county.clinic, recorded_by=recorder)


def record_of_own_organisation(county, actor, name):
    """A contact, drug test or dispensing at the clinic, corrected once (so that its versions
    are two), recorded by the actor's organisation (as `assessment_of_own_organisation`): only
    the recording organisation may correct it."""
    municipal = actor in ("sw_consent", "sw_no_consent", "mgr_consent")
    recorder = county.social_worker if municipal else county.nurse
    at = {"person": county.patient, "unit": county.clinic, "recorded_by": recorder}
    if name.startswith("contacts:contact_"):
        first = f.ContactFactory(episode=county.episode, recorded_by=recorder)
        return f.ContactFactory(
            episode=county.episode, recorded_by=recorder, **corrected_once(first)
        )
    factory = f.DrugTestFactory if "drug_test" in name else f.MedicationDispensingFactory
    return factory(**at, **corrected_once(factory(**at)))


def corrected_once(first) -> dict:
    return {"corrects": first, "original": first, "correction_reason": "Fel uppgift."}


def block_of_own_organisation(county, actor):
    """A block in force of the actor's organisation's records at the clinic (the region's for
    everyone outside the municipality): only that organisation lifts it."""
    municipal = actor in ("sw_consent", "sw_no_consent", "mgr_consent")
    recorder = county.social_worker if municipal else county.nurse
    return f.BlockFactory(person=county.patient, unit=county.clinic, recorded_by=recorder)


def relative_of_own_organisation(county, actor):
    """A relative of the patient recorded by the actor's organisation (the municipality's
    social worker for the municipality's staff, else the fixture's, by the region's nurse):
    only the recording organisation changes a relative's details."""
    if actor in ("sw_consent", "sw_no_consent", "mgr_consent"):
        return f.RelativeFactory(person=county.patient, recorded_by=county.social_worker)
    return county.relative


def alert_of_own_organisation(county, actor):
    """A warning in force of the actor's organisation at the clinic (the region's for everyone
    outside the municipality): only that organisation ends it."""
    municipal = actor in ("sw_consent", "sw_no_consent", "mgr_consent")
    adder = county.social_worker if municipal else county.nurse
    return f.AlertFactory(person=county.patient, unit=county.clinic, added_by=adder)


def consent_for(request, county, actor) -> Consent:
    if actor in UNDER_CONSENT:
        return request.getfixturevalue("consent_for_coordination")
    return f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )


def url_for(request, county, name, actor) -> str:
    args = [county.patient.pk]
    if name == "care:episode_reactivate":
        args.append(closed_episode_at_mini_maria(county).pk)
    elif name in ("care:episode_close", "care:case_team_add"):
        args.append(county.episode.pk)
    elif name in ("access:consent_withdraw", "access:consent_print", "access:consent_pdf"):
        args.append(consent_for(request, county, actor).pk)
    elif name == "access:block_lift":
        args.append(block_of_own_organisation(county, actor).pk)
    # --- assessments ---
    elif name == "assessments:new":
        args.append("audit")
    elif name == "assessments:correct":
        args.append(assessment_of_own_organisation(county, actor).pk)
    # --- /assessments ---
    elif name == "outcomes:correct":
        args.append(outcome_of_own_organisation(county, actor).pk)
    # --- contacts: corrections and versions ---
    elif name.startswith("contacts:") and name.endswith(("_correct", "_versions")):
        args.append(record_of_own_organisation(county, actor, name).pk)
    # --- /contacts ---
    # --- people (edits) ---
    elif name == "people:relative_edit":
        args.append(relative_of_own_organisation(county, actor).pk)
    # --- /people (edits) ---
    # --- conference: the nurse's item on today's conference at the clinic ---
    elif name == "conference:item":
        args.append(conference_item(county).pk)
    # --- /conference ---
    elif name == "alerts:end":
        args.append(alert_of_own_organisation(county, actor).pk)
    # --- governance: the clinic's agreement in force, with its escalation ladder ---
    elif name == "governance:person_dispute_new":
        agreement_in_force(county)
    # --- bookings: the patient's booking at the clinic tomorrow, made by the nurse ---
    elif name.startswith("bookings:") and name not in ("bookings:person", "bookings:new"):
        tomorrow = timezone.now() + datetime.timedelta(days=1)
        booking = f.BookingFactory(
            episode=county.episode, booked_by=county.nurse, starts_at=tomorrow
        )
        args.append(booking.pk)
    # --- /bookings ---
    return reverse(name, args=args)


def agreement_in_force(county):
    from .governance.conftest import agreement_in_force

    return agreement_in_force(county)


def conference_item(county):
    from .conference.conftest import conference, item

    return item(conference(county.clinic, county.nurse), county.patient, county.nurse)


def new_log_rows(before: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=before))


def last_log_id() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def assert_sent_to_login(response, url):
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == reverse("login")
    assert parse_qs(target.query).get("next") == [url]


def assert_refused(rows, county, user, name):
    """The refused row of a member of staff, naming the person and the URL; none for the
    administrator, who has no clinical access."""
    if user.organisation_id is None:
        assert rows == [], "the administrator's refusal is no clinical request"
        return
    assert len(rows) == 1, f"expected exactly one refused row, got {len(rows)}"
    [row] = rows
    assert (row.action, row.user_id, row.organisation_id, row.person_id, row.basis) == (
        AccessLogEntry.Action.REFUSED,
        user.pk,
        user.organisation_id,
        county.patient.pk,
        Basis.NONE,
    )
    assert row.what.startswith(f"request refused: {name}")
    assert (row.consent_id, row.emergency) == (None, False)


def assert_logged_once(rows, county, user, expected):
    assert len(rows) == 1, f"expected exactly one log row, got {len(rows)}"
    [row] = rows
    assert (row.person_id, row.user_id) == (county.patient.pk, user.pk)
    if expected == OWN:
        assert (row.basis, row.consent_id, row.emergency) == (Basis.OWN_ORGANISATION, None, False)
    elif expected == CLOSED:
        assert (row.basis, row.consent_id, row.emergency) == (Basis.CLOSED_EPISODE, None, False)
        assert not row.without_relationship
    elif expected == CONSENT:
        consent = Consent.objects.get(person=county.patient, coordination=True)
        assert (row.basis, row.consent_id, row.emergency) == (Basis.CONSENT, consent.pk, False)
    else:
        assert (row.basis, row.consent_id, row.emergency) == (Basis.EMERGENCY, None, True)


# --- The matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, actor, expected", [pytest.param(*cell, id=f"{cell[0]}-{cell[1]}") for cell in CELLS]
)
def test_each_person_url_answers_each_actor_as_the_law_says(
    request, client, county, name, actor, expected
):
    user = actor_user(request, client, county, actor)
    url = url_for(request, county, name, actor)
    before = last_log_id()

    response = client.get(url)

    rows = new_log_rows(before)
    if expected == LOGIN:
        assert_sent_to_login(response, url)
        assert rows == []
    elif expected == NOT_FOUND:
        assert response.status_code == 404
        assert_refused(rows, county, user, name)
    else:
        assert response.status_code == 200
        assert_logged_once(rows, county, user, expected)


def person_data_url_names(resolver=None, prefix="", route=""):
    """(name or route, route) of every URL pattern whose route takes a person_id."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        here = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from person_data_url_names(entry, namespace, here)
        elif isinstance(entry, URLPattern) and "person_id" in here:
            yield (f"{prefix}{entry.name}" if entry.name else here), here


def test_every_person_data_url_is_in_the_access_matrix():
    found = list(person_data_url_names())
    assert found, "the URL walk found no person URL at all: the walk itself is broken"
    for name, _route in found:
        assert name in MATRIX, f"Person-data URL {name} is missing from the access matrix"


def test_the_matrix_names_only_urls_that_exist():
    assert set(MATRIX) <= {name for name, _route in person_data_url_names()}


# --- Writes that matter most: refused POSTs change nothing ------------------------------------


def close_data():
    return {"closed_on": "2026-02-01", "reason": f.ClosureReasonFactory().pk}


def test_social_worker_without_consent_cannot_close_the_episode(client, county):
    log_in(client, county.social_worker, county.clinic)
    url = reverse("care:episode_close", args=[county.patient.pk, county.episode.pk])
    before = last_log_id()
    assert client.post(url, close_data()).status_code == 404
    county.episode.refresh_from_db()
    assert county.episode.closed_on is None
    assert_refused(new_log_rows(before), county, county.social_worker, "care:episode_close")


def test_outsider_with_emergency_access_cannot_close_the_episode(client, county):
    actor_user(None, client, county, "emergency")
    url = reverse("care:episode_close", args=[county.patient.pk, county.episode.pk])
    before = last_log_id()
    assert client.post(url, close_data()).status_code == 404
    county.episode.refresh_from_db()
    assert county.episode.closed_on is None
    assert_refused(new_log_rows(before), county, county.outsider, "care:episode_close")


def test_the_nurse_closes_the_episode_with_the_same_post(client, county):
    """The control for the two refusals above: the same data is enough to close it."""
    log_in(client, county.nurse, county.clinic)
    url = reverse("care:episode_close", args=[county.patient.pk, county.episode.pk])
    assert client.post(url, close_data()).status_code == 302
    county.episode.refresh_from_db()
    assert county.episode.closed_on is not None


CONSENT_DATA = {
    "form": "written",
    "preset": "choose",
    "coordination": "on",
    "given_by": "person",
    "valid_from": "2026-02-01",
}


def test_social_worker_without_consent_cannot_record_a_consent(client, county):
    log_in(client, county.social_worker, county.clinic)
    url = reverse("access:consent_new", args=[county.patient.pk])
    before = last_log_id()
    assert client.post(url, CONSENT_DATA).status_code == 404
    assert not Consent.objects.filter(person=county.patient).exists()
    assert_refused(new_log_rows(before), county, county.social_worker, "access:consent_new")


def test_the_nurse_records_a_consent_with_the_same_post(client, county):
    """The control for the refusal above: the same data is enough to record a consent."""
    log_in(client, county.nurse, county.clinic)
    url = reverse("access:consent_new", args=[county.patient.pk])
    assert client.post(url, CONSENT_DATA).status_code == 302
    assert Consent.objects.filter(person=county.patient, coordination=True).count() == 1


# --- Lists: the caseload and the search -------------------------------------------------------

SEES, HIDDEN = "lists the patient, logs one row", "does not list the patient, logs nothing"
LISTS = {
    # name: (url name, query; IDENTITY is the patient's identity number)
    "caseload of the whole unit": ("care:caseload", {"scope": "unit"}),
    "search by family name": ("people:search", {"q": "Tolvansson"}),
    "search by identity number": ("people:search", {"q": "IDENTITY"}),
}
LIST_MATRIX = {
    # columns in the order of ACTORS, as in MATRIX
    "caseload of the whole unit": (SEES, SEES, HIDDEN, HIDDEN, HIDDEN, LOGIN, HIDDEN, SEES, SEES),
    "search by family name": (SEES, SEES, HIDDEN, HIDDEN, HIDDEN, LOGIN, SEES, SEES, SEES),
    "search by identity number": (SEES, SEES, HIDDEN, HIDDEN, HIDDEN, LOGIN, SEES, SEES, SEES),
}
LIST_MATRIX = {name: (*row, HIDDEN) for name, row in LIST_MATRIX.items()}  # steering: nobody
# closed: the search finds the person (marked closed), the caseload (open episodes) does not
LIST_MATRIX = {
    name: (*row, SEES if "search" in name else HIDDEN) for name, row in LIST_MATRIX.items()
}
# The caseload lists persons at the ACTIVE unit through a relationship: emergency access (a
# person-level grant, taken at Mini-Maria) puts nobody on a caseload, but a search finds the
# person while it lasts. The admin's pages may answer 200 (empty) or 404; either way no person.
LIST_BASIS = {
    "nurse": Basis.OWN_ORGANISATION,
    "sw_consent": Basis.CONSENT,
    "emergency": Basis.EMERGENCY,
    "coordinator": Basis.OWN_ORGANISATION,
    "mgr_consent": Basis.CONSENT,
    "closed": Basis.CLOSED_EPISODE,
}
_TOKENS = re.compile(r"[A-Za-z0-9]{64}")


def list_url(county, list_name):
    name, query = LISTS[list_name]
    query = {k: county.patient.identity_number if v == "IDENTITY" else v for k, v in query.items()}
    return reverse(name), query


def shows_patient(county, text):
    return (
        reverse("people:overview", args=[county.patient.pk]) in text or "Tolvansson, Tolvan" in text
    )


@pytest.mark.parametrize(
    "list_name, actor, expected",
    [
        pytest.param(n, a, LIST_MATRIX[n][i], id=f"{n}-{a}")
        for n in LIST_MATRIX
        for i, a in enumerate(ACTORS)
    ],
)
def test_lists_show_the_patient_only_to_those_with_access(
    request, client, county, list_name, actor, expected
):
    user = actor_user(request, client, county, actor)
    url, query = list_url(county, list_name)
    before = last_log_id()

    response = client.get(url, query)

    patient_rows = rows_about(county.patient, pk__gt=before)
    if expected == LOGIN:
        assert response.status_code == 302 and urlparse(response.url).path == reverse("login")
    elif expected == HIDDEN:
        assert response.status_code in (200, 404)
        assert not shows_patient(county, response.text)
        assert patient_rows == []
    else:
        assert response.status_code == 200 and shows_patient(county, response.text)
        consent = Consent.objects.get(coordination=True) if actor in UNDER_CONSENT else None
        emergency = actor == "emergency"
        assert [
            (r.user_id, r.basis, r.consent, r.emergency, r.without_relationship)
            for r in patient_rows
        ] == [(user.pk, LIST_BASIS[actor], consent, emergency, emergency)]


def page_without_tokens(response, *replace) -> str:
    text = _TOKENS.sub("TOKEN", response.text)
    for old in replace:
        text = text.replace(old, "QUERY")
    return text


@pytest.mark.parametrize("list_name", list(LISTS))
def test_a_list_does_not_change_when_a_person_the_user_may_not_see_is_added(
    client, county, list_name
):
    """No count, no hint: another hidden match leaves the social worker's page unchanged."""
    log_in(client, county.social_worker, county.clinic)
    url, query = list_url(county, list_name)
    first = page_without_tokens(client.get(url, query))
    other = f.PersonFactory(given_name="Elva", family_name="Tolvansson", registered_by=county.nurse)
    f.EpisodeFactory(person=other, unit=county.clinic, opened_by=county.nurse)
    assert page_without_tokens(client.get(url, query)) == first


def test_searching_a_hidden_persons_number_looks_like_searching_a_number_nobody_has(client, county):
    log_in(client, county.social_worker, county.clinic)
    nobody = "191212121212"
    search = reverse("people:search")
    hidden = client.get(search, {"q": county.patient.identity_number})
    absent = client.get(search, {"q": nobody})
    assert page_without_tokens(
        hidden, county.patient.identity_number, county.patient.formatted_identity_number
    ) == page_without_tokens(absent, nobody, "19121212-1212")


# --- The steering group: follow-up only --------------------------------------------------------


@pytest.mark.parametrize("name", ["care:caseload", "people:search", "intake:inbox"])
def test_a_steering_group_member_finds_no_person_on_the_unit_lists(client, county, name):
    """Caseload, search and referral inbox: no person, no referral, no log row."""
    log_in(client, steering_member(county))
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.nurse)
    before = last_log_id()
    response = client.get(reverse(name), {"q": "Tolvansson"} if name == "people:search" else {})
    assert response.status_code in (200, 403, 404)  # an empty list or a refusal
    assert not shows_patient(county, response.text)
    assert referral.name not in response.text
    assert reverse("intake:detail", args=[referral.pk]) not in response.text
    assert new_log_rows(before) == []


def test_the_clinic_nurse_finds_the_patient_and_the_referral_on_the_same_lists(client, county):
    """The control for the test above: the same lists show them to the clinic's nurse."""
    log_in(client, county.nurse, county.clinic)
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.nurse)
    assert shows_patient(county, client.get(reverse("care:caseload"), {"scope": "unit"}).text)
    assert shows_patient(county, client.get(reverse("people:search"), {"q": "Tolvansson"}).text)
    assert referral.name in client.get(reverse("intake:inbox")).text


def test_a_steering_group_member_cannot_take_emergency_access(client, county):
    """No unit to take it at: the emergency-access page does not exist for them."""
    log_in(client, steering_member(county))
    before = last_log_id()
    data = {"identity_number": county.patient.identity_number, "reason": "Unconscious, needs care"}
    assert client.get(reverse("access:emergency")).status_code == 404
    assert client.post(reverse("access:emergency"), data).status_code == 404
    assert new_log_rows(before) == []


# --- The person header: read for the log row only where the page shows it -------------------


def header_reads(monkeypatch) -> list:
    """A list that gets an item each time the person header is read for a log row."""
    from helhet.access import policy
    from helhet.people.header import read_header

    reads: list = []

    def counted(access):
        reads.append(access.person.pk)
        read_header(access)

    monkeypatch.setattr(policy, "PAGE_READS", [counted])
    return reads


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_a_person_page_reads_the_header_for_its_log_row_exactly_when_it_shows_it(
    request, client, county, monkeypatch, name
):
    """A log row says what the page showed, no more: the header's reads (the other
    organisation's case managers, warnings) are in the row of a page that shows the header,
    and in no other (a printout, a PDF, a form without it)."""
    # the coordinator: the nurse's relationship, and the log extract's role
    actor_user(request, client, county, "coordinator")
    url = url_for(request, county, name, "coordinator")
    reads = header_reads(monkeypatch)

    response = client.get(url)

    assert response.status_code == 200
    shown = b'class="person-header"' in response.content
    assert bool(reads) == shown, f"{name}: header read {bool(reads)}, shown {shown}"
