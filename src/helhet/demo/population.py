"""The demo population: persons, relatives, episodes, case teams and consents, at any scale,
and each person's journey (referrals, assessments, contacts, drug tests, dispensing: journeys.py).

Deterministic for a seed and a date: one `random.Random(seed)` drives everything, person by
person, so the same seed on the same day gives the same persons whatever the batch size. Dates
are relative to TODAY, so ages fit the units and consents are in the state they were made in.

Identity numbers are test numbers: personnummer and samordningsnummer with birth numbers
980-999, which are not given to real persons. Persons are built as unsaved model instances and
saved in batches (bulk.py: COPY on PostgreSQL, `bulk_create` on SQLite >= 3.35, both setting
the primary keys), never row by row; nothing is written to the access log, since no person was
accessed.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from helhet.access.models import Consent, ConsentDisclosure, ConsentRelative, RecordCategory
from helhet.assessments.models import Assessment
from helhet.bookings.models import Booking
from helhet.care.models import CaseTeamMember, ClosureReason, Episode
from helhet.contacts.models import Contact, DrugTest, DrugTestResult, MedicationDispensing
from helhet.intake.models import Referral
from helhet.outcomes.models import Outcome
from helhet.people.identity import age_on, make_personnummer
from helhet.people.models import Person, Relative
from helhet.plans.models import (
    PlanItem,
    PlanVersion,
    Sip,
    SipIntervention,
    SipMeasure,
    SipMeeting,
    SipVersion,
    TreatmentPlan,
)

from . import bulk, names
from .county import County
from .journeys import DEFAULT_YEARS, Journeys
from .showcase import SHOWCASE, identity_number

DAY = datetime.timedelta(days=1)
FEMALE_BIRTH_NUMBERS = tuple(range(980, 1000, 2))  # the third digit's parity is the legal sex
MALE_BIRTH_NUMBERS = tuple(range(981, 1000, 2))

UNIT_WEIGHTS = {"clinic": 55, "mini_maria": 33, "act": 12}  # ACT teams are small
RESIDENCE_WEIGHTS = {  # municipality codes; the ACT team takes residents of any municipality
    "clinic": {"9901": 60, "9902": 40},
    "mini_maria": {"9901": 60, "9902": 40},
    "act": {"9901": 55, "9902": 35, "9903": 5, "9904": 5},
}
ORGANISATION_OF_MUNICIPALITY = {"9901": "norrby", "9902": "soderby"}
# Who opens episodes (and is the case manager) at the clinic and the Mini-Maria, by employer.
OPENERS = {
    "clinic": {
        "region": {
            "anna.sjukskoterska": 4,
            "erik.lakare": 1,
            "johan.kurator": 1,
            "lena.socionom": 2,
        },
        "norrby": {
            "sara.socionom": 4,
            "karin.kurator": 1,
            "emma.sjukskoterska": 1,
            "oskar.behandlingsassistent": 1,
        },
        "soderby": {"fatima.socionom": 1},
    },
    "mini_maria": {
        "region": {"maria.psykolog": 1, "mikael.behandlingsassistent": 1},
        "norrby": {"sofia.psykolog": 1, "karin.kurator": 1},
        "soderby": {"elin.behandlingsassistent": 1},
    },
}
# The ACT team works in case teams: one case manager from the region, one from the municipality.
ACT_CASE_MANAGERS = {
    "region": {"peter.casemanager": 4, "anna.sjukskoterska": 1},
    "norrby": {"linnea.casemanager": 4, "sara.socionom": 1},
    "soderby": {"nils.casemanager": 1},
}
# Members of ACT case teams besides the two case managers: the team's physician and its
# coordinator (who leads the daily team meeting), each on some of the teams.
ACT_TEAM_MEMBERS = {"david.lakare": 0.3, "eva.samordnare": 0.4}
# At the clinic and the Mini-Maria, a person who consents to coordination often gets a contact
# from the other organisation on the case team as well.
COLLEAGUE_SHARE = 0.5
# How long before the history a first episode may have opened, how long episodes last (days:
# least, most, most often), and the share of closures followed by a return to the unit within
# 2–11 months (a reactivation) or after 13–30 months.
LEAD_DAYS = {"clinic": 365, "mini_maria": 180, "act": 1095}
EPISODE_DAYS = {"clinic": (30, 540, 90), "mini_maria": (30, 300, 75), "act": (180, 2000, 500)}
RETURN_SOON, RETURN_LATER = 0.22, 0.12
CONSENT_WEIGHTS = {"none": 25, "active": 50, "withdrawn": 10, "expired": 15}
CLOSURE_WEIGHTS = {
    "goals_reached": 30,
    "person_ended": 20,
    "no_contact": 15,
    "moved": 10,
    "referred_on": 12,
    "compulsory_care": 5,
    "deceased": 3,
    "other": 5,
}
MINI_MARIA_AGE_WEIGHTS = {13: 2, 14: 4, 15: 7, 16: 9, 17: 10, 18: 9, 19: 7, 20: 5, 21: 3}
MATURITY_NOTE = (
    "Bedömd mogen nog att själv samtycka: förstår vad samtycket gäller, vilka uppgifter som "
    "lämnas ut och till vem, och att samtycket kan återkallas."
)
MAY_BE_TOLD = "Hur behandlingen går i stort och tider för besök."
RECORDED_AT = datetime.time(10)  # the time of day consents are recorded, on the day given


@dataclass
class Batch:
    """Unsaved rows for a run of persons, in the order they must be saved."""

    persons: list[Person] = field(default_factory=list)
    relatives: list[Relative] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    # The returns, first, second... (a person may come back more than once): each points at
    # an episode in `episodes` or in the list before.
    reactivations: list[list[Episode]] = field(default_factory=list)
    team: list[CaseTeamMember] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    disclosures: list[ConsentDisclosure] = field(default_factory=list)
    consent_relatives: list[ConsentRelative] = field(default_factory=list)
    # The journeys (journeys.py); the links are the M2M through rows of the contacts.
    referrals: list[Referral] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    contact_staff: list[tuple[Contact, int]] = field(default_factory=list)  # (contact, user id)
    contact_interventions: list[tuple[Contact, int]] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)  # of the booked contacts
    booking_staff: list[tuple[Booking, int]] = field(default_factory=list)  # (booking, user id)
    assessments: list[Assessment] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    drug_tests: list[DrugTest] = field(default_factory=list)
    drug_test_results: list[DrugTestResult] = field(default_factory=list)
    dispensings: list[MedicationDispensing] = field(default_factory=list)
    plans: list[TreatmentPlan] = field(default_factory=list)
    plan_versions: list[PlanVersion] = field(default_factory=list)
    plan_items: list[PlanItem] = field(default_factory=list)
    sips: list[Sip] = field(default_factory=list)
    sip_versions: list[SipVersion] = field(default_factory=list)
    sip_interventions: list[SipIntervention] = field(default_factory=list)
    sip_measures: list[SipMeasure] = field(default_factory=list)
    sip_meetings: list[SipMeeting] = field(default_factory=list)

    def save(self, batch_size: int) -> None:
        tables: tuple[tuple[Any, list], ...] = (
            (Person, self.persons),
            (Relative, self.relatives),
            (Episode, self.episodes),
            *((Episode, returns) for returns in self.reactivations),
            (CaseTeamMember, self.team),
            (Consent, self.consents),
            (ConsentDisclosure, self.disclosures),
            (ConsentRelative, self.consent_relatives),
            (Referral, self.referrals),
            (Contact, self.contacts),
            (STAFF_LINK, self.contact_staff),
            (INTERVENTION_LINK, self.contact_interventions),
            (Booking, self.bookings),
            (BOOKING_STAFF_LINK, self.booking_staff),
            (Assessment, self.assessments),
            (Outcome, self.outcomes),
            (DrugTest, self.drug_tests),
            (DrugTestResult, self.drug_test_results),
            (MedicationDispensing, self.dispensings),
            (TreatmentPlan, self.plans),
            (PlanVersion, self.plan_versions),
            (PlanItem, self.plan_items),
            (Sip, self.sips),
            (SipVersion, self.sip_versions),
            (SipIntervention, self.sip_interventions),
            (SipMeasure, self.sip_measures),
            (SipMeeting, self.sip_meetings),
        )
        for model, rows in tables:
            if model in LINKS:  # (saved row, the other side's key)
                copied = LINK_COPIES if model is INTERVENTION_LINK else ()
                bulk.insert_links(model, rows, batch_size, copied=copied)
                continue
            with _as_set(model, AS_SET.get(model)):
                bulk.insert(model, rows, batch_size)
            if rows and rows[-1].pk is None:  # later rows refer to these by primary key
                raise RuntimeError(f"No primary keys were set for {model.__name__}")


STAFF_LINK, INTERVENTION_LINK = Contact.staff.through, Contact.interventions.through
BOOKING_STAFF_LINK = Booking.staff.through
LINKS = (STAFF_LINK, INTERVENTION_LINK, BOOKING_STAFF_LINK)
LINK_COPIES = ("unit", "person", "starts_at", "attended")  # ContactIntervention.copied_from


# The times set on insert (auto_now_add) that the demo dates when the thing happened instead.
AS_SET = {
    Consent: "recorded_at",
    Referral: "registered_at",
    Contact: "recorded_at",
    Booking: "booked_at",
    Assessment: "recorded_at",
    Outcome: "recorded_at",
    DrugTest: "recorded_at",
    MedicationDispensing: "recorded_at",
    PlanVersion: "created_at",
    SipVersion: "created_at",
    SipMeeting: "recorded_at",
}


@contextmanager
def _as_set(model, name: str | None):
    """Insert rows dated when they were recorded, not the moment the demo is loaded: a field
    with auto_now_add is set to now on insert unless that is off meanwhile. Only for the demo
    loader, which runs alone in its process."""
    if name is None:
        yield
        return
    recorded_at = model._meta.get_field(name)
    recorded_at.auto_now_add = False
    try:
        yield
    finally:
        recorded_at.auto_now_add = True


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Population:
    """Generates persons one by one from SEED; `batch(start, stop)` gives persons start..stop-1.

    Call `batch` for consecutive ranges only: the random stream is shared.
    """

    def __init__(
        self,
        county: County,
        *,
        seed: int,
        today: datetime.date,
        years: int = DEFAULT_YEARS,
    ):
        self.county = county
        self.history_start = _years_before(today, years)
        self.journeys = Journeys(county, seed=seed, today=today, history_start=self.history_start)
        self.rng = random.Random(seed)
        self.today = today
        self.used_numbers: set[str] = set()
        self.reasons = {r.code: r for r in ClosureReason.objects.filter(code__in=CLOSURE_WEIGHTS)}
        self.categories = [c for c in RecordCategory.values if c != RecordCategory.ENROLMENT]

    def batch(self, start: int, stop: int) -> Batch:
        batch = Batch()
        for index in range(start, stop):
            self._person(index, batch)
        return batch

    def inboxes(self) -> Batch:
        """The units' open and declined referrals (after all persons: their numbers are free)."""
        batch = Batch()
        self.journeys.inboxes(self.used_numbers, batch)
        return batch

    # One person ------------------------------------------------------------------------

    def _person(self, index: int, batch: Batch) -> None:
        rng = self.rng
        show = SHOWCASE[index] if index < len(SHOWCASE) else {}
        unit_key = show.get("unit") or _weighted(rng, UNIT_WEIGHTS)
        unit = self.county.units[unit_key]
        if show:
            spans = self._episode_dates(show)
        else:
            spans = self._history(unit_key)
        last_closed = spans[-1][1] is not None
        code = (
            show.get("residence", "9901") if show else _weighted(rng, RESIDENCE_WEIGHTS[unit_key])
        )
        team = self._team(unit_key, code, show)
        opener = team[0]

        if fixed := identity_number(show):
            birth_date, number, coordination = show["born"], fixed, False
            female = show["birth_number"] % 2 == 0
            given, family = show["name"]
            self.used_numbers.add(number)
        else:
            birth_date = self._birth_date(unit, [opened for opened, _closed in spans], show)
            female = show.get("female", rng.random() < 0.5)
            coordination = show.get("coordination_number", rng.random() < 0.03)
            birth_date, number = self._identity_number(
                birth_date, female, coordination, unit, spans
            )
            given = rng.choice(names.FEMALE_NAMES if female else names.MALE_NAMES)
            family = rng.choice(names.FAMILY_NAMES)
        municipality = self.county.municipalities[code]
        person = Person(
            identity_number=number,
            identity_kind=Person.Kind.SAMORDNINGSNUMMER
            if coordination
            else Person.Kind.PERSONNUMMER,
            birth_date=birth_date,
            legal_sex=Person.Sex.FEMALE if female else Person.Sex.MALE,
            given_name=given,
            family_name=family,
            municipality_id=municipality.pk,
            address=f"{rng.choice(names.STREETS)} {rng.randint(1, 60)}",
            postal_code=f"99{code[-1]} {rng.randint(30, 49)}",
            city=municipality.name,
            phone=rng.choice(names.PHONE_NUMBERS) if rng.random() < 0.85 else "",
            email=_email(given, family, rng) if rng.random() < 0.3 else "",
            protected_identity=show.get("protected", rng.random() < 0.02),
            registered_by_id=opener.pk,
        )
        batch.persons.append(person)
        minor = age_on(birth_date, spans[-1][0]) < 18
        relatives = self._relatives(person, opener, minor, batch, show.get("relatives"))
        members = self._members(unit_key, show)
        previous, episodes = None, []
        for opened, closed in spans:
            episode = Episode(
                person=person,
                unit_id=unit.pk,
                organisation_id=opener.organisation_id,
                opened_on=opened,
                opened_by_id=opener.pk,
                reactivation_of=previous,
            )
            if closed is not None:
                reasons = dict(CLOSURE_WEIGHTS)
                if (opened, closed) != spans[-1]:  # the person came back
                    reasons.pop("deceased")
                episode.closed_on, episode.closed_by_id = closed, opener.pk
                episode.closure_reason_id = self.reasons[_weighted(rng, reasons)].pk
            if previous is None:
                batch.episodes.append(episode)
            else:
                while len(batch.reactivations) < len(episodes):
                    batch.reactivations.append([])
                batch.reactivations[len(episodes) - 1].append(episode)
            batch.team.extend(
                CaseTeamMember(
                    episode=episode,
                    user_id=member.pk,
                    added_by_id=opener.pk,
                    role=CaseTeamMember.Role.CASE_MANAGER,
                )
                for member in team
            )
            batch.team.extend(_member(episode, user, opener) for user in members)
            previous = episode
            episodes.append(episode)

        state = show.get("consent") or _weighted(
            rng, {"none": 50, "expired": 50} if last_closed else CONSENT_WEIGHTS
        )
        consent = None
        if state != "none":
            consent = self._consent(
                state, person, unit_key, code, opener, spans[-1], relatives, show, batch
            )
        on_team = team + members
        if (
            not show
            and state == "active"
            and consent is not None
            and consent.coordination
            and unit_key in OPENERS
            and rng.random() < COLLEAGUE_SHARE
        ):
            colleague = self._colleague(unit_key, code, opener)
            batch.team.append(_member(episode, colleague, opener))
            on_team.append(colleague)
        self.journeys.person(
            index,
            person=person,
            unit_key=unit_key,
            episodes=episodes,
            team=on_team,
            consent=consent,
            show=show,
            batch=batch,
        )

    def _members(self, unit_key: str, show: dict) -> list:
        """Case-team members besides the case managers (role member)."""
        users = self.county.users
        if show:
            return [users[name] for name in show.get("members", ())]
        if unit_key != "act":
            return []
        return [
            users[name] for name, share in ACT_TEAM_MEMBERS.items() if self.rng.random() < share
        ]

    def _colleague(self, unit_key: str, code: str, opener):
        """A member of the unit from the other organisation than the opener's."""
        if opener.organisation_id == self.county.organisations["region"].pk:
            other = ORGANISATION_OF_MUNICIPALITY[code]
        else:
            other = "region"
        return self.county.users[_weighted(self.rng, OPENERS[unit_key][other])]

    def _history(self, unit_key: str) -> list[tuple[datetime.date, datetime.date | None]]:
        """The person's episodes at the unit: the first opened in the history (or up to LEAD
        before it), each lasting a while as the unit's do; after a closure some return within
        2–11 months, some after 13–30, the others not (yet). The last may still be open."""
        rng, today = self.rng, self.today
        earliest = self.history_start - LEAD_DAYS[unit_key] * DAY
        opened = earliest + rng.randint(0, (today - 14 * DAY - earliest).days) * DAY
        spans: list[tuple[datetime.date, datetime.date | None]] = []
        while True:
            closed = opened + int(rng.triangular(*EPISODE_DAYS[unit_key])) * DAY
            if closed >= today:
                spans.append((opened, None))
                return spans
            spans.append((opened, closed))
            draw = rng.random()
            if draw < RETURN_SOON:
                opened = closed + rng.randint(60, 330) * DAY
            elif draw < RETURN_SOON + RETURN_LATER:
                opened = closed + rng.randint(400, 900) * DAY
            else:
                return spans
            if opened >= today - 7 * DAY or not self._fits_ages(unit_key, spans[0][0], opened):
                return spans

    def _fits_ages(self, unit_key: str, first: datetime.date, last: datetime.date) -> bool:
        """Can one person be of the unit's ages on both days (the Mini-Maria's are 13–21)?"""
        unit = self.county.units[unit_key]
        if unit.age_max is None:
            return True
        return (last - first).days < (unit.age_max - (unit.age_min or 0)) * 365

    def _episode_dates(self, show: dict) -> list[tuple[datetime.date, datetime.date | None]]:
        """A showcase person's episodes, as SHOWCASE says: open (SINCE days, if given),
        closed, or reactivated (the return within the reactivation window, last year)."""
        rng, today, history = self.rng, self.today, show["history"]
        if history == "open":
            return [(today - (show.get("since") or rng.randint(30, 730)) * DAY, None)]
        if history == "closed":
            opened = today - rng.randint(90, 1500) * DAY
            closed = opened + rng.randint(30, min(700, (today - opened).days)) * DAY
            return [(opened, closed)]
        reopened = datetime.date(today.year - 1, 1, 1) + rng.randint(0, 364) * DAY
        closed = reopened - rng.randint(60, 330) * DAY
        opened = closed - rng.randint(30, 250) * DAY
        return [(opened, closed), (reopened, None)]

    def _team(self, unit_key: str, code: str, show: dict) -> list:
        users, rng = self.county.users, self.rng
        if "team" in show:
            return [users[name] for name in show["team"]]
        if unit_key == "act":
            municipal = ORGANISATION_OF_MUNICIPALITY.get(code, "norrby")
            team = [
                users[_weighted(rng, ACT_CASE_MANAGERS["region"])],
                users[_weighted(rng, ACT_CASE_MANAGERS[municipal])],
            ]
            return team if rng.random() < 0.5 else team[::-1]  # the first one opened it
        if "opener" in show:
            return [users[show["opener"]]]
        employer = "region" if rng.random() < 0.5 else ORGANISATION_OF_MUNICIPALITY[code]
        return [users[_weighted(rng, OPENERS[unit_key][employer])]]

    def _birth_date(self, unit, openings: list[datetime.date], show: dict) -> datetime.date:
        """A birth date that makes the person's age fit UNIT on every opening date."""
        rng = self.rng
        oldest = unit.age_max or 80
        if "age" in show:
            age = show["age"]
        elif unit.age_max is not None and unit.age_max <= 25:
            age = _weighted(
                rng,
                {a: w for a, w in MINI_MARIA_AGE_WEIGHTS.items() if unit.age_min <= a <= oldest},
            )
        else:
            age = int(rng.triangular(unit.age_min, oldest + 1, 38))
        first, last = openings[0], openings[-1]
        while True:
            latest = _years_before(first, age)
            earliest = _years_before(first, age + 1) + DAY
            birth = earliest + rng.randint(0, (latest - earliest).days) * DAY
            if age_on(birth, last) <= oldest and age_on(birth, first) >= unit.age_min:
                return birth
            age = max(unit.age_min, age - 1)

    def _identity_number(self, birth_date, female, coordination, unit, spans):
        """A test number not used yet: the next free birth number, else the next day."""
        rng = self.rng
        numbers = FEMALE_BIRTH_NUMBERS if female else MALE_BIRTH_NUMBERS
        while True:
            first = rng.randrange(len(numbers))
            for offset in range(len(numbers)):
                birth_number = numbers[(first + offset) % len(numbers)]
                number = make_personnummer(birth_date, birth_number, coordination=coordination)
                if number not in self.used_numbers:
                    self.used_numbers.add(number)
                    return birth_date, number
            # All twenty numbers of the day are taken: a nearby day, if the ages still fit.
            for _attempt in range(100):
                candidate = birth_date + rng.choice((-1, 1)) * rng.randint(1, 30) * DAY
                if all(
                    unit.age_min <= age_on(candidate, opened) <= (unit.age_max or 80)
                    for opened, _closed in spans
                ):
                    birth_date = candidate
                    break
            else:
                raise RuntimeError(f"No free test identity number near {birth_date}")

    def _relatives(
        self, person: Person, recorder, minor: bool, batch: Batch, count: int | None = None
    ) -> list[Relative]:
        rng = self.rng
        if count is None:
            count = _weighted(rng, {1: 60, 2: 40} if minor else {0: 35, 1: 40, 2: 25})
        relatives = []
        for _ in range(count):
            female = rng.random() < 0.5
            given = rng.choice(names.FEMALE_NAMES if female else names.MALE_NAMES)
            family = person.family_name if rng.random() < 0.6 else rng.choice(names.FAMILY_NAMES)
            secrecy = rng.random() < 0.1
            relatives.append(
                Relative(
                    person=person,
                    organisation_id=recorder.organisation_id,
                    name=f"{given} {family}",
                    relation=rng.choice(names.RELATIONS_MINOR if minor else names.RELATIONS_ADULT),
                    phone=rng.choice(names.PHONE_NUMBERS),
                    email=_email(given, family, rng) if rng.random() < 0.2 else "",
                    involved=not secrecy and rng.random() < 0.5,
                    secrecy_requested=secrecy,
                    recorded_by_id=recorder.pk,
                )
            )
        batch.relatives.extend(relatives)
        return relatives

    def _consent(self, state, person, unit_key, code, recorder, span, relatives, show, batch):
        rng, today = self.rng, self.today
        opened, closed = span
        valid_from = min(opened + rng.randint(0, 14) * DAY, today - DAY)
        consent = Consent(
            person=person,
            unit_id=self.county.units[unit_key].pk,
            organisation_id=recorder.organisation_id,
            recorded_by_id=recorder.pk,
            form=Consent.Form.WRITTEN if rng.random() < 0.8 else Consent.Form.ORAL,
            coordination=bool(show) or state != "active" or rng.random() < 0.9,
            valid_from=valid_from,
            recorded_at=timezone.make_aware(datetime.datetime.combine(valid_from, RECORDED_AT)),
        )
        if state == "active" and rng.random() < 0.3:
            consent.valid_until = today + rng.randint(30, 365) * DAY
        elif state == "expired":
            consent.valid_until = closed or min(
                valid_from + rng.randint(30, 365) * DAY, today - DAY
            )
        elif state == "withdrawn":
            consent.withdrawn_on = valid_from + rng.randint(1, (today - valid_from).days) * DAY
            consent.withdrawn_by = "Personen själv"
            consent.withdrawal_recorded_by_id = recorder.pk

        if unit_key == "mini_maria" and age_on(person.birth_date, valid_from) < 18:
            age = age_on(person.birth_date, valid_from)
            given_by = show.get("given_by") or _weighted(
                rng,
                {
                    Consent.GivenBy.GUARDIAN: 30,
                    Consent.GivenBy.GUARDIANS: 40,
                    Consent.GivenBy.MATURE_MINOR: 30 if age >= 15 else 0,
                },
            )
            consent.given_by = given_by
            if given_by == Consent.GivenBy.MATURE_MINOR:
                consent.maturity_note = MATURITY_NOTE
            else:
                guardians = [rng.choice(names.FEMALE_NAMES), rng.choice(names.MALE_NAMES)]
                if given_by == Consent.GivenBy.GUARDIAN:
                    guardians = guardians[:1]
                consent.guardian_names = ", ".join(f"{g} {person.family_name}" for g in guardians)
                if state == "withdrawn":
                    consent.withdrawn_by = f"Vårdnadshavare {guardians[0]} {person.family_name}"
        batch.consents.append(consent)

        self._disclosures(consent, code, recorder, show, batch)
        if state == "active":
            for relative in relatives:
                if relative.involved and rng.random() < 0.5:
                    batch.consent_relatives.append(
                        ConsentRelative(consent=consent, relative=relative, may_be_told=MAY_BE_TOLD)
                    )
        return consent

    def _disclosures(self, consent, code, recorder, show, batch) -> None:
        """Between the region and the person's municipality (Norrby for others): drawn at random,
        or for a showcase person the categories the recorder's organisation discloses."""
        organisations = self.county.organisations
        region = organisations["region"]
        municipal = organisations[ORGANISATION_OF_MUNICIPALITY.get(code, "norrby")]
        if "disclose" in show:
            source, target = (
                (region, municipal)
                if recorder.organisation_id == region.pk
                else (municipal, region)
            )
            batch.disclosures.extend(
                _disclosure(consent, source, target, category) for category in show["disclose"]
            )
            return
        rng = self.rng
        chosen = [RecordCategory.ENROLMENT.value, *rng.sample(self.categories, rng.randint(1, 4))]
        for category in chosen:
            batch.disclosures.append(_disclosure(consent, region, municipal, category))
            if rng.random() < 0.8:
                batch.disclosures.append(_disclosure(consent, municipal, region, category))


def _member(episode: Episode, user, added_by) -> CaseTeamMember:
    return CaseTeamMember(
        episode=episode, user_id=user.pk, added_by_id=added_by.pk, role=CaseTeamMember.Role.MEMBER
    )


def _disclosure(consent: Consent, source, target, category: str) -> ConsentDisclosure:
    return ConsentDisclosure(
        consent=consent,
        from_organisation_id=source.pk,
        to_organisation_id=target.pk,
        category=category,
    )


def _email(given: str, family: str, rng: random.Random) -> str:
    local = f"{given}.{family}".lower()
    for char, plain in (("å", "a"), ("ä", "a"), ("ö", "o"), ("é", "e")):
        local = local.replace(char, plain)
    return f"{local}{rng.randint(1, 99)}@example.com"
