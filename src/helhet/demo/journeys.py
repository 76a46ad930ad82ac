"""The demo persons' journeys: referrals, assessments, contacts, drug tests and dispensing.

Each person's journey is drawn from a generator of its own, seeded by the demo's seed and the
person's index, so the persons themselves are the same as without journeys and any batch size
gives the same journeys. Everything is dated relative to TODAY and ends yesterday at the latest,
so nothing lies in the future, whatever the time of day the demo is loaded.

Who records what follows the access rules: the organisation that owns the episode works with the
person; staff of the other organisation only while the person's consent to coordination is in
force (from the day it was given), and at the ACT team only staff on the person's case team.
Every record is owned by the organisation of the staff member who recorded it. The named
showcase persons have records of their owner organisation only, so that what a consent discloses
is exactly what the README says.

Rows are unsaved model instances, added to the population's batch and saved in bulk (bulk.py);
the many (contacts, assessments, drug test results, dispensings) are made with `bulk.Maker`.
"""

import datetime
import itertools
import random

from django.utils import timezone

from helhet.assessments import catalogue as instruments
from helhet.assessments.actions import result_fields  # exactly what the action stores
from helhet.assessments.models import Assessment
from helhet.assessments.scoring import score
from helhet.bookings.models import Booking
from helhet.contacts.models import (
    Contact,
    DoseUnit,
    DrugTest,
    DrugTestResult,
    Intervention,
    MedicationDispensing,
)
from helhet.core.models import Membership
from helhet.intake.models import Referral
from helhet.people.identity import age_on, make_personnummer
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
from .county import STAFF, UNITS, County
from .outcomes import outcomes

ORGANISATION_OF_MUNICIPALITY = {"9901": "norrby", "9902": "soderby"}

DAY = datetime.timedelta(days=1)
MONTH_DAYS = 30
DEFAULT_YEARS = 2  # of history: contacts, drug tests and dispensing from then on
R, K, S = Referral.Source, Contact.Kind, DrugTestResult.Substance

# --- Referrals -----------------------------------------------------------------------------

ACCEPTED_SOURCES = {
    "clinic": {R.PRIMARY_CARE: 25, R.SOCIAL_SERVICES: 25, R.PSYCHIATRY: 10, R.HOSPITAL: 10,
               R.SELF: 20, R.RELATIVE: 5, R.OTHER: 5},
    "mini_maria": {R.SOCIAL_SERVICES: 30, R.PRIMARY_CARE: 10, R.SELF: 25, R.RELATIVE: 25,
                   R.OTHER: 10},
    "act": {R.PSYCHIATRY: 50, R.SOCIAL_SERVICES: 30, R.HOSPITAL: 15, R.OTHER: 5},
}  # fmt: skip
REFERRED_SHARE = 0.85  # of episodes that began with a referral (the showcase persons' all do)
REFERRERS = {
    R.PRIMARY_CARE: ("Vårdcentralen Norrby, distriktsläkare", "Vårdcentralen Söderby"),
    R.SOCIAL_SERVICES: ("Socialtjänsten Norrby, vuxenenheten", "Socialtjänsten Söderby"),
    R.PSYCHIATRY: ("Allmänpsykiatriska mottagningen Demoland", "Psykiatriska akutmottagningen"),
    R.HOSPITAL: ("Medicinakuten, Demolands sjukhus", "Infektionskliniken, Demolands sjukhus"),
    R.OTHER: ("Skolkurator, Norrby gymnasium", "Kriminalvården, frivården Demoland"),
}  # fmt: skip
QUESTIONS = {
    "clinic": (
        "Alkoholberoende sedan flera år, ökande konsumtion. Önskar bedömning och behandling.",
        "Opioidberoende, önskar bedömning inför LARO.",
        "Blandmissbruk och oro för boendet. Behöver samordnade insatser.",
        "Återkommande berusning på akuten. Motiverad till kontakt.",
        "Amfetaminbruk och sömnsvårigheter. Ber om samtal och provtagning.",
    ),
    "mini_maria": (
        "Cannabisbruk sedan ett år, skolfrånvaro. Föräldrarna oroliga.",
        "Berusad vid flera tillfällen i helgerna. Vill ha stöd.",
        "Misstänkt narkotikabruk, vill göra drogtest och prata med någon.",
        "Oro för alkoholbruk och nedstämdhet.",
    ),
    "act": (
        "Schizofreni och alkoholbruk, svårt att hålla kontakt med öppenvården.",
        "Bipolär sjukdom, återkommande inläggningar. Behöver samordnat stöd i hemmet.",
        "Psykossjukdom och hemlöshet. Många vårdgivare, ingen samordning.",
    ),
}
SELF_MESSAGES = (
    "Jag dricker för mycket och vill ha hjälp att sluta. Går det att få en tid?",
    "Jag har börjat röka på varje dag och vill prata med någon.",
    "Behöver hjälp med mitt drickande, helst snart.",
)
RELATIVE_MESSAGES = (
    "Jag är orolig för min son som dricker mycket. Hur kan vi få hjälp?",
    "Min dotter använder droger och mår dåligt. Vad kan vi göra?",
    "Min sambo har ett missbruk. Finns det stöd för anhöriga också?",
)
DECLINE_REASONS = (
    "Utanför målgruppen: behovet är i första hand psykiatriskt.",
    "Personen bor utanför mottagningens kommuner.",
    "Behovet bedöms kunna mötas bättre av en annan verksamhet.",
    "Personen tackade nej vid telefonkontakt.",
)
DECLINED_SHARE = 0.15  # a declined referral (of someone else) drawn with a person's journey
REDIRECT_UNIT = {"clinic": "act", "mini_maria": "clinic", "act": "clinic"}
REDIRECT_ELSEWHERE = (
    "Allmänpsykiatriska mottagningen Demoland",
    "Beroendecentrum Demoland",
    "Socialtjänstens mottagningsgrupp, Norrby",
)

# --- Contacts ------------------------------------------------------------------------------

KINDS = {
    "clinic": {K.VISIT: 50, K.PHONE: 35, K.VIDEO: 5, K.GROUP: 5, K.OUTREACH: 5},
    "mini_maria": {K.VISIT: 50, K.PHONE: 30, K.VIDEO: 10, K.GROUP: 10},
    "act": {K.HOME_VISIT: 40, K.PHONE: 30, K.OUTREACH: 15, K.VISIT: 15},
}
DURATIONS = {
    K.VISIT: (30, 45, 60),
    K.PHONE: (10, 15, 20),
    K.VIDEO: (30, 45),
    K.HOME_VISIT: (45, 60, 90),
    K.OUTREACH: (30, 60),
    K.GROUP: (90, 120),
    K.DROP_IN: (30,),
}
NO_SHOW_SHARE = 0.12
# The contacts booked ahead, each recorded from its booking (the group's sessions, outreach and
# the drop-in are not).
BOOKED_KINDS = (K.VISIT, K.HOME_VISIT, K.PHONE, K.VIDEO)
NOTE_SHARE = 0.55
NOTES = (
    "Samtal om veckan som gått. Har druckit mindre, två alkoholfria dagar i rad.",
    "Följt upp målen i planen. Vill fortsätta med återfallsprevention.",
    "Berättar om sömnproblem och oro. Bokat läkarbesök.",
    "Pratat om boendet: hyresskuld, kontakt tas med handläggaren.",
    "Har haft ett återfall i helgen. Gått igenom vad som hände och vad som hjälpte.",
    "Mår bättre, har börjat på praktikplatsen. Nästa träff om två veckor.",
    "Motiverande samtal om cannabis. Ambivalent men vill fortsätta träffas.",
    "Gemensamt samtal med närstående om stöd hemma.",
)
NO_SHOW_NOTES = ("Uteblev utan återbud. Ringer upp i morgon.", "Uteblev, sms med ny tid skickat.")
INTAKE_NOTE = "Inskrivningssamtal: genomgång av bakgrund, behov och mål. Nästa tid bokad."
CONTACTS_PER_MONTH = {"clinic": (2, 4), "mini_maria": (2, 4), "act": (3, 6)}  # booked
INTERVENTIONS = {  # by unit and the recorder's employer: code, weight (0–2 per contact)
    "clinic": {
        "region": {"motivational_interviewing": 4, "health_talk": 3, "individual_treatment": 3,
                   "relapse_prevention": 3, "case_management": 1, "outpatient_detox": 1,
                   "sip_meeting": 1},
        "municipality": {"motivational_interviewing": 4, "individual_treatment": 2,
                         "relapse_prevention": 2, "relatives_support": 2, "case_management": 2,
                         "housing_support": 2, "employment_support": 2, "sip_meeting": 1},
    },
    "mini_maria": {
        "region": {"motivational_interviewing": 5, "individual_treatment": 4,
                   "relapse_prevention": 2, "health_talk": 1},
        "municipality": {"motivational_interviewing": 4, "individual_treatment": 3,
                         "relatives_support": 3, "relapse_prevention": 1,
                         "employment_support": 1},
    },
    "act": {
        "region": {"case_management": 5, "individual_treatment": 2, "health_talk": 1,
                   "sip_meeting": 1},
        "municipality": {"case_management": 5, "housing_support": 3, "employment_support": 2,
                         "relatives_support": 1, "sip_meeting": 1},
    },
}  # fmt: skip
MEDICATED_SHARE = 0.4  # of ACT persons whose medication the team hands out at home visits
DROP_IN_SHARE, DROP_IN_WEEKDAY, DROP_IN_VISIT = 0.3, 3, 0.4  # a third drop in on Thursdays
DROP_IN_HOSTS = {
    "region": "johan.kurator",
    "norrby": "oskar.behandlingsassistent",
    "soderby": "fatima.socionom",
}

# --- Drug tests and dispensing ---------------------------------------------------------------

DRUG_TEST_SHARE = {"clinic": 0.25, "mini_maria": 0.15, "act": 0.1}
PANEL = (S.AMPHETAMINE, S.BENZODIAZEPINES, S.CANNABIS, S.COCAINE, S.OPIATES)
LARO_SHARE = 0.08  # of the region's clinic persons
DAILY_DISPENSING_DAYS = 90  # then three days a week, with doses to take home
LARO_MEDICATIONS = (
    ("Buprenorfin/naloxon, resoriblett", (8, 12, 16)),  # mg
    ("Metadon, oral lösning", (60, 80, 100)),
)
LARO_DISPENSERS = ("anna.sjukskoterska", "erik.lakare")  # the region's at the clinic

# --- Assessments ---------------------------------------------------------------------------

PLAN_SHARE = 0.6  # of open episodes with a treatment plan by the owner organisation
SIP_SHARE = 0.5  # of open episodes under an active coordination consent with a SIP
SIP_KEPT_SHARE = 0.7  # of follow-ups held on the day set or the week before; others late
PLAN_INTERVENTIONS = (
    "individual_treatment",
    "relapse_prevention",
    "motivational_interviewing",
    "group_treatment",
    "health_talk",
)
PLAN_GOALS = (
    "Jag vill klara mig utan alkohol på vardagarna.",
    "Sluta röka cannabis och sova bättre.",
    "Ha en dag i taget utan droger, och träffa mina barn igen.",
    "Kunna gå tillbaka till jobbet efter sommaren.",
)
SIP_GOALS = (
    "Ett eget boende och en vardag utan droger.",
    "Att få ordning på ekonomin och behålla lägenheten.",
    "Komma tillbaka till arbete eller studier.",
)
TRAJECTORIES = {"improving": 55, "stable": 30, "worse": 15}
INCOMPLETE_SHARE = 0.02
NOT_FOLLOWED_UP_SHARE = 0.2  # of assessed episodes: AUDIT and DUDIT at intake only


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Weights:
    """`_weighted` for weights drawn from often: the same draws, the sums computed once."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random):
        return rng.choices(self.keys, cum_weights=self.cumulative)[0]


class Journeys:
    """Draws the journey of each person of the population, and the units' own inboxes."""

    def __init__(self, county: County, *, seed: int, today: datetime.date, history_start):
        self.county, self.seed, self.today = county, seed, today
        self.yesterday = today - DAY
        self.window_start = history_start
        self.tz = timezone.get_current_timezone()
        self.region_id = county.organisations["region"].pk
        self.org_key = {org.pk: key for key, org in county.organisations.items()}
        self.interventions = dict(Intervention.objects.values_list("code", "pk"))
        users = county.users
        self.users_by_pk = {user.pk: user for user in users.values()}
        self.municipality_code = {m.pk: code for code, m in county.municipalities.items()}
        self.unit_staff = {  # who works with persons at each unit (managers do not)
            spec.key: [
                users[s.username]
                for s in STAFF
                if s.units.get(spec.key) not in (None, Membership.Role.MANAGER)
            ]
            for spec in UNITS
        }
        self.instruments = [instruments.instrument(code) for code in ("audit", "dudit")]
        self.make_contact = bulk.Maker(Contact)
        self.make_booking = bulk.Maker(Booking)
        self.make_result = bulk.Maker(DrugTestResult)
        self.make_dispensing = bulk.Maker(MedicationDispensing)
        self.make_assessment = bulk.Maker(Assessment)
        self.kinds = {unit: Weights(weights) for unit, weights in KINDS.items()}
        self.interventions_by = {
            unit: {employer: Weights(weights) for employer, weights in by_employer.items()}
            for unit, by_employer in INTERVENTIONS.items()
        }

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    # One person ------------------------------------------------------------------------

    def person(self, index, *, person, unit_key, episodes, team, consent, show, batch) -> None:
        """The journey of PERSON (index INDEX): EPISODES in order, TEAM the case team of the
        last one (users), CONSENT the person's consent or None."""
        rng = random.Random(f"journey-{self.seed}-{index}")
        other_from = None  # the day from which the other organisation's staff work too
        coordinated = None  # the days a SIP may be worked on: coordination consented, not withdrawn
        if consent is not None and consent.coordination:
            active = consent.withdrawn_on is None and (
                consent.valid_until is None or consent.valid_until >= self.today
            )
            if consent.withdrawn_on is None:
                ends = min(consent.valid_until or self.yesterday, self.yesterday)
                coordinated = (consent.valid_from, ends)
            other_from = consent.valid_from if active and "name" not in show else None
        episode = episodes[-1]
        owner = episode.organisation_id
        on_team = {u.pk for u in team}
        staff = self.unit_staff[unit_key]
        if unit_key == "act":
            staff = list(team)
        if owner == self.region_id:
            code = self.municipality_code[person.municipality_id]
            municipal = ORGANISATION_OF_MUNICIPALITY.get(code, "norrby")
            counterpart = self.county.organisations[municipal]
        else:
            counterpart = self.county.organisations["region"]
        work = Workers(rng, staff, on_team, owner, counterpart.pk, other_from)

        # Each episode: the referral, then the first visit (registered, decided and met in
        # that order, a reactivation's referral received after the earlier episode closed).
        laro = unit_key == "clinic" and owner == self.region_id
        laro = show.get("laro", laro and not show and rng.random() < LARO_SHARE)
        medicated = unit_key == "act" and rng.random() < MEDICATED_SHARE
        drop_in = unit_key == "clinic" and not show and rng.random() < DROP_IN_SHARE
        tested = laro or rng.random() < DRUG_TEST_SHARE[unit_key]
        previous = None
        for earlier in episodes:
            first = min(earlier.opened_on + rng.randint(0, 14) * DAY, self.yesterday)
            if earlier.closed_on:
                first = min(first, earlier.closed_on)
            if "name" in show or rng.random() < REFERRED_SHARE:
                floor = previous.closed_on if previous else None
                self._accepted_referral(rng, earlier, person, unit_key, first, floor, batch)
            opener = self.county_user(earlier.opened_by_id)
            moment = self.at(first, rng.randint(13, 15), rng.choice((0, 15, 30, 45)))
            intake = self._contact(rng, earlier, person, K.VISIT, moment, [opener], batch)
            intake.note = INTAKE_NOTE
            self._link(intake, ["motivational_interviewing"], batch)
            previous = earlier
            # The rest of the episode, within the history: contacts until the day before it
            # closed (or yesterday), drop-ins, drug tests, dispensing and the assessments.
            start = max(first + DAY, self.window_start)
            end = earlier.closed_on - DAY if earlier.closed_on else self.yesterday
            self._contacts(rng, earlier, person, unit_key, work, start, end, laro, medicated, batch)
            if drop_in:
                self._drop_ins(rng, earlier, person, work, start, end, batch)
            if tested:
                self._drug_tests(rng, person, unit_key, work, start, end, laro, batch)
            if laro:
                self._dispensings(rng, person, unit_key, start, end, batch)
            if age_on(person.birth_date, first) >= 18:  # AUDIT and DUDIT are for adults
                occasions = self._assessments(rng, person, earlier, work, first, end, show, batch)
                seed = f"{self.seed}-{index}-{earlier.opened_on}"
                batch.outcomes += outcomes(seed, person, earlier, occasions)
        if not show and rng.random() < DECLINED_SHARE:  # one for every ten or so accepted
            days = (self.today - 20 * DAY - self.window_start).days
            received = self.window_start + rng.randint(0, max(days, 0)) * DAY
            self._declined_referral(rng, unit_key, received, batch)
        if coordinated is not None and (show or rng.random() < SIP_SHARE):
            # The SIP of the latest episode, until it closed or the consent expired.
            until = min(coordinated[1], episode.closed_on or self.yesterday)
            self._sip(rng, person, unit_key, work, coordinated[0], until, batch)
        if episode.closed_on is None and (show or rng.random() < PLAN_SHARE):
            self._treatment_plan(rng, person, unit_key, work, first, batch)

    def county_user(self, pk):
        return self.users_by_pk[pk]

    def _accepted_referral(self, rng, episode, person, unit_key, first, floor, batch) -> None:
        source = _weighted(rng, ACCEPTED_SOURCES[unit_key])
        urgent = source in (R.PSYCHIATRY, R.HOSPITAL) and rng.random() < 0.4
        received = episode.opened_on - rng.randint(0, 5 if urgent else 30) * DAY
        if floor is not None:
            received = max(received, floor)
        opener = self.county_user(episode.opened_by_id)
        referral = self._referral(
            rng, unit_key, source, received, opener, person=person, urgent=urgent
        )
        if not urgent and rng.random() < 0.3 and received < episode.opened_on:
            waited = rng.randint(0, (episode.opened_on - received).days - 1)
            referral.state = Referral.State.WAITING
            referral.waitlisted_at = self.at(received + waited * DAY, 15)
        referral.state = Referral.State.ACCEPTED
        referral.decided_at = self.at(episode.opened_on, rng.randint(10, 11))
        referral.decided_by_id = opener.pk
        referral.person, referral.episode, referral.first_contact_on = person, episode, first
        batch.referrals.append(referral)

    def _referral(self, rng, unit_key, source, received, registrar, *, person=None, urgent=False):
        """An unsaved referral from SOURCE received on RECEIVED; registered by REGISTRAR unless
        it came in through the public page (a self-referral or a relative's message)."""
        unit = self.county.units[unit_key]
        online = source in Referral.SELF_SOURCES
        name = person.full_name if person else _random_name(rng)
        phone = person.phone if person and person.phone else rng.choice(names.PHONE_NUMBERS)
        referral = Referral(
            unit_id=unit.pk,
            organisation_id=self.region_id if online else registrar.organisation_id,
            source=source,
            urgency=Referral.Urgency.URGENT if urgent else Referral.Urgency.ROUTINE,
            received_on=received,
            registered_at=self.at(received, rng.randint(8, 9), rng.choice((0, 15, 30, 45))),
            registered_by_id=None if online else registrar.pk,
        )
        if source == R.RELATIVE:
            referral.referrer = _random_name(rng)
            referral.referrer_contact = rng.choice(names.PHONE_NUMBERS)
            referral.question = rng.choice(RELATIVE_MESSAGES)
        elif source == R.SELF:
            referral.name, referral.contact = name, phone
            referral.question = rng.choice(SELF_MESSAGES)
        else:
            referral.referrer = rng.choice(REFERRERS[source])
            referral.referrer_contact = rng.choice(names.PHONE_NUMBERS)
            referral.name, referral.contact = name, phone
            referral.identity_number = person.identity_number if person else ""
            referral.question = rng.choice(QUESTIONS[unit_key])
        return referral

    # Contacts --------------------------------------------------------------------------

    def _contact(self, rng, episode, person, kind, starts_at, staff, batch, attended=True):
        recorder = staff[0]
        contact = self.make_contact(
            {"person": person, "episode": episode},
            unit_id=episode.unit_id,
            organisation_id=recorder.organisation_id,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=rng.choice(DURATIONS[kind]),
            attended=attended,
            recorded_by_id=recorder.pk,
            recorded_at=starts_at + datetime.timedelta(hours=1),
        )
        batch.contacts.append(contact)
        batch.contact_staff.extend((contact, user.pk) for user in staff)
        if kind in BOOKED_KINDS:
            self._booking(contact, episode, person, staff, batch)
        return contact

    def _booking(self, contact, episode, person, staff, batch) -> None:
        """The booking a booked contact was held or missed at, booked a week ahead."""
        booking = self.make_booking(
            {"person": person, "episode": episode, "contact": contact},
            unit_id=contact.unit_id,
            organisation_id=contact.organisation_id,
            kind=contact.kind,
            starts_at=contact.starts_at,
            ends_at=contact.starts_at + datetime.timedelta(minutes=contact.duration_minutes),
            status=Booking.Status.ATTENDED if contact.attended else Booking.Status.NO_SHOW,
            booked_by_id=contact.recorded_by_id,
            booked_at=contact.starts_at - 7 * DAY,
        )
        batch.bookings.append(booking)
        batch.booking_staff.extend((booking, user.pk) for user in staff)

    def _link(self, contact, codes, batch) -> None:
        batch.contact_interventions.extend((contact, self.interventions[code]) for code in codes)

    def _contacts(self, rng, episode, person, unit_key, work, start, end, laro, medicated, batch):
        """Contacts from START to END (a few a month, more at the ACT team), by those who may
        work with the person; about one in eight booked is a no-show."""
        low, high = CONTACTS_PER_MONTH[unit_key]
        block = start
        while block <= end:
            days = min(MONTH_DAYS, (end - block).days + 1)
            for _ in range(round(rng.randint(low, high) * days / MONTH_DAYS)):
                day = block + rng.randrange(days) * DAY
                kind = self.kinds[unit_key].draw(rng)
                staff = work.on(day, 2 if rng.random() < 0.2 else 1)
                attended = rng.random() >= NO_SHOW_SHARE
                moment = self.at(day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))
                contact = self._contact(rng, episode, person, kind, moment, staff, batch, attended)
                if not attended:
                    contact.note = rng.choice(NO_SHOW_NOTES) if rng.random() < 0.5 else ""
                    continue
                if rng.random() < NOTE_SHARE:
                    contact.note = rng.choice(NOTES)
                region = staff[0].organisation_id == self.region_id
                employer = "region" if region else "municipality"
                if kind == K.GROUP:
                    codes = {"group_treatment"}
                else:
                    weights = self.interventions_by[unit_key][employer]
                    codes = {weights.draw(rng) for _ in range(rng.randint(0, 2))}
                    if laro and employer == "region" and kind != K.PHONE:
                        codes.add("laro")
                    if medicated and kind == K.HOME_VISIT and rng.random() < 0.5:
                        codes.add("medication_dispensing")
                self._link(contact, sorted(codes), batch)
            block += MONTH_DAYS * DAY

    def _drop_ins(self, rng, episode, person, work, start, end, batch) -> None:
        """Thursday afternoons at the clinic's drop-in, hosted by one of each organisation."""
        day = start + ((DROP_IN_WEEKDAY - start.weekday()) % 7) * DAY
        owner_host = self.county.users[DROP_IN_HOSTS[self.org_key[work.owner]]]
        while day <= end:
            if rng.random() < DROP_IN_VISIT:
                hosts = [owner_host]
                other = self.org_key[work.other_organisation(day) or work.owner]
                if other != self.org_key[work.owner]:
                    hosts.append(self.county.users[DROP_IN_HOSTS[other]])
                moment = self.at(day, 13 + rng.randrange(3), rng.choice((0, 15, 30, 45)))
                self._contact(rng, episode, person, K.DROP_IN, moment, hosts, batch)
            day += 7 * DAY

    def _drug_tests(self, rng, person, unit_key, work, start, end, laro, batch) -> None:
        """Every two to four weeks in the first three months, then every four to eight."""
        unit = self.county.units[unit_key]
        used = rng.sample(PANEL, rng.randint(1, 2))
        chance = rng.uniform(0.2, 0.7)
        day = start + rng.randint(0, 10) * DAY
        while day <= end:
            [taker] = work.on(day, 1)
            sample = _weighted(rng, {DrugTest.Sample.URINE: 65, DrugTest.Sample.SALIVA: 35})
            taken_at = self.at(day, rng.randint(8, 14), rng.choice((0, 15, 30, 45)))
            test = DrugTest(
                person=person,
                unit_id=unit.pk,
                organisation_id=taker.organisation_id,
                taken_at=taken_at,
                sample=sample,
                recorded_by_id=taker.pk,
                recorded_at=taken_at + datetime.timedelta(minutes=10),
            )
            batch.drug_tests.append(test)
            panel = PANEL + ((S.BUPRENORPHINE, S.METHADONE) if laro else ())
            for substance in panel:
                if substance in used:
                    result = "positive" if rng.random() < chance else "negative"
                elif rng.random() < 0.02:
                    result = "inconclusive"
                else:
                    result = "negative"
                if laro and substance in (S.BUPRENORPHINE, S.METHADONE):
                    result = "positive" if substance == S.BUPRENORPHINE else "negative"
                batch.drug_test_results.append(
                    self.make_result({"drug_test": test}, substance=substance, result=result)
                )
            chance *= 0.9
            weeks = (2, 4) if (day - start).days < 90 else (4, 8)
            day += rng.randint(*weeks) * 7 * DAY

    def _dispensings(self, rng, person, unit_key, start, end, batch) -> None:
        """In the morning, handed out by the region's staff at the clinic: daily for the first
        three months, then on Mondays, Wednesdays and Fridays (doses to take home between)."""
        unit = self.county.units[unit_key]
        medication, doses = rng.choice(LARO_MEDICATIONS)
        dose = rng.choice(doses)
        dispensers = [self.county.users[name] for name in LARO_DISPENSERS]
        day = start - DAY
        while (day := day + DAY) <= end:
            if (day - start).days >= DAILY_DISPENSING_DAYS and day.weekday() not in (0, 2, 4):
                continue
            by = rng.choice(dispensers)
            moment = self.at(day, 8, rng.choice((0, 10, 20, 30, 40, 50)))
            batch.dispensings.append(
                self.make_dispensing(
                    {"person": person},
                    unit_id=unit.pk,
                    organisation_id=by.organisation_id,
                    medication=medication,
                    dose=dose,
                    dose_unit=DoseUnit.MG,
                    handed_out_at=moment,
                    handed_out_by_id=by.pk,
                    recorded_by_id=by.pk,
                    recorded_at=moment,
                )
            )

    # Assessments -----------------------------------------------------------------------

    def _assessments(self, rng, person, episode, work, first, end, show, batch) -> list[tuple]:
        """AUDIT and DUDIT at intake (the first contact), then follow-ups until END: a quarter
        apart for the first year, then yearly; some persons are never followed up. The
        occasions: (day, recorder, when recorded) each, for the outcomes taken with them."""
        days = [first]
        if show or rng.random() >= NOT_FOLLOWED_UP_SHARE:
            while True:
                gap = (75, 110) if len(days) <= 4 else (330, 400)
                following = days[-1] + rng.randint(*gap) * DAY
                if following > end:
                    break
                days.append(following)
        trajectory = _weighted(rng, TRAJECTORIES)
        levels = {"audit": rng.uniform(0.15, 0.8)}
        levels["dudit"] = rng.uniform(0.2, 0.8) if rng.random() < 0.5 else rng.uniform(0, 0.1)
        last = len(days) - 1
        occasions = []
        for number, day in enumerate(days):
            [recorder] = work.on(day, 1) if number else [self.county_user(episode.opened_by_id)]
            occasions.append((day, recorder, self.at(day, 16)))
            for instrument in self.instruments:
                level = levels[instrument.code]
                answers: dict[int, int | None] = {
                    item.number: _answer(rng, item.scores, level) for item in instrument.items
                }
                incomplete = rng.random() < INCOMPLETE_SHARE or (
                    show.get("incomplete") == instrument.code and number == last
                )
                if incomplete:
                    for item in rng.sample(instrument.items, rng.randint(1, 2)):
                        answers[item.number] = None
                age = age_on(person.birth_date, day)
                result = score(
                    instrument,
                    answers,
                    sex=person.legal_sex,
                    age=age,
                    variants=instruments.variants(instrument.code),
                )
                batch.assessments.append(
                    self.make_assessment(
                        {"person": person, "episode": episode},
                        unit_id=episode.unit_id,
                        organisation_id=recorder.organisation_id,
                        instrument=instrument.code,
                        instrument_version=instrument.version,
                        assessed_on=day,
                        occasion=Assessment.Occasion.FOLLOW_UP
                        if number
                        else Assessment.Occasion.INTAKE,
                        sex=person.legal_sex,
                        age=age,
                        recorded_by_id=recorder.pk,
                        recorded_at=self.at(day, 16),
                        **result_fields(instrument, result),
                    )
                )
            for code in levels:
                levels[code] = _next_level(rng, levels[code], trajectory)
        return occasions

    # The units' inboxes ----------------------------------------------------------------

    def _treatment_plan(self, rng, person, unit_key, work, first, batch) -> None:
        """The owner organisation's plan: a first version a week after the first visit (or at
        the start of the contact history), revised after two months, then about twice a year;
        the review date of the newest may have passed."""
        plan = TreatmentPlan(
            person=person, unit_id=self.county.units[unit_key].pk, organisation_id=work.owner
        )
        batch.plans.append(plan)
        day = min(max(first + 7 * DAY, self.window_start), self.yesterday)
        for number in itertools.count(1):
            writer = rng.choice(work.own or work.others)
            version = PlanVersion(
                plan=plan,
                number=number,
                organisation_id=work.owner,
                goals=rng.choice(PLAN_GOALS),
                review_on=day + rng.choice((60, 90, 120)) * DAY,
                created_by_id=writer.pk,
                created_at=self.at(day, 15, 30),
            )
            batch.plan_versions.append(version)
            for position, code in enumerate(rng.sample(PLAN_INTERVENTIONS, 2)):
                batch.plan_items.append(
                    PlanItem(
                        version=version,
                        intervention_id=self.interventions[code],
                        responsible_id=writer.pk,
                        position=position,
                    )
                )
            day += rng.randint(50, 70) * DAY if number == 1 else rng.randint(150, 210) * DAY
            if day > self.yesterday:
                break

    def _sip(self, rng, person, unit_key, work, consented, until, batch) -> None:
        """A SIP once the coordination consent is given: both organisations responsible for
        an intervention each, the owner overall; a meeting per version until UNTIL, each
        setting the next follow-up, which the next meeting keeps or is late for (the last may
        be due or overdue today)."""
        start = max(consented + rng.randint(7, 21) * DAY, self.window_start)
        day = min(start, self.yesterday)
        if day > until:
            return
        sip = Sip(person=person, unit_id=self.county.units[unit_key].pk)
        batch.sips.append(sip)
        for number in itertools.count(1):
            caller = rng.choice(work.own or work.others)
            counterpart = rng.choice(work.others or work.own)
            version = SipVersion(
                sip=sip,
                number=number,
                organisation_id=work.owner,
                goal=rng.choice(SIP_GOALS),
                overall_responsible_id=work.owner,
                person_took_part=True,
                agreed_on=day,
                agreed_how=SipVersion.AgreedHow.WRITTEN,
                created_by_id=caller.pk,
                created_at=self.at(day, 11),
            )
            batch.sip_versions.append(version)
            for position, (code, organisation, staff) in enumerate(
                (
                    (rng.choice(PLAN_INTERVENTIONS), work.owner, caller),
                    ("housing_support", work.counterpart, counterpart),
                )
            ):
                batch.sip_interventions.append(
                    SipIntervention(
                        version=version,
                        intervention_id=self.interventions[code],
                        responsible_organisation_id=organisation,
                        responsible_staff_id=staff.pk,
                        position=position,
                    )
                )
            batch.sip_measures.append(
                SipMeasure(
                    version=version,
                    agency=SipMeasure.Agency.FORSAKRINGSKASSAN,
                    measure="Sjukpenning och arbetslivsinriktad rehabilitering utreds.",
                    position=0,
                )
            )
            follow_up = day + rng.choice((60, 90)) * DAY
            batch.sip_meetings.append(
                SipMeeting(
                    sip=sip,
                    organisation_id=work.owner,
                    caller_id=caller.pk,
                    invitees="Personen\nSocialtjänsten\nFörsäkringskassan",
                    held_on=day,
                    minutes="Planen gicks igenom tillsammans; alla var överens.",
                    next_follow_up_on=follow_up,
                    recorded_by_id=caller.pk,
                    recorded_at=self.at(day, 12),
                )
            )
            if rng.random() < SIP_KEPT_SHARE:
                day = follow_up - rng.randint(0, 7) * DAY
            else:
                day = follow_up + rng.randint(10, 60) * DAY
            if day > until:
                break

    def inboxes(self, used_numbers: set[str], batch) -> None:
        """Per unit: 5–15 open referrals (some urgent, some on the waiting list, several sent
        through the public page) and a few declined ones, redirected elsewhere."""
        for spec in UNITS:
            rng = random.Random(f"inbox-{self.seed}-{spec.key}")
            staff = self.unit_staff[spec.key]
            count = rng.randint(5, 15)
            sources = [R.SELF, R.SELF, R.RELATIVE] + [
                _weighted(rng, ACCEPTED_SOURCES[spec.key]) for _ in range(count - 3)
            ]
            for source in sources:
                received = self.today - rng.randint(1, 60) * DAY
                urgent = source not in Referral.SELF_SOURCES and rng.random() < 0.2
                referral = self._referral(rng, spec.key, source, received, rng.choice(staff))
                referral.urgency = Referral.Urgency.URGENT if urgent else Referral.Urgency.ROUTINE
                if referral.name and source not in Referral.SELF_SOURCES:
                    referral.identity_number = _free_number(rng, spec, used_numbers, self.today)
                if not urgent and received < self.yesterday and rng.random() < 0.3:
                    referral.state = Referral.State.WAITING
                    waited = rng.randint(1, (self.yesterday - received).days)
                    referral.waitlisted_at = self.at(received + waited * DAY, 15)
                batch.referrals.append(referral)
            for number in range(rng.randint(3, 8)):
                received = self.today - rng.randint(20, 300) * DAY
                redirect = ("unit", REDIRECT_ELSEWHERE[0])[number] if number < 2 else None
                self._declined_referral(rng, spec.key, received, batch, redirect)

    def _declined_referral(self, rng, unit_key, received, batch, redirect=None) -> None:
        """A referral of someone else that the unit declined after 1–10 days, redirected to
        REDIRECT ("unit": the county's unit for it, else a place; at random if None)."""
        staff = self.unit_staff[unit_key]
        source = _weighted(rng, ACCEPTED_SOURCES[unit_key])
        referral = self._referral(rng, unit_key, source, received, rng.choice(staff))
        referral.state = Referral.State.DECLINED
        referral.decided_at = self.at(received + rng.randint(1, 10) * DAY, 14)
        referral.decided_by_id = rng.choice(staff).pk
        referral.decline_reason = rng.choice(DECLINE_REASONS)
        redirect = redirect or ("unit" if rng.random() < 0.5 else rng.choice(REDIRECT_ELSEWHERE))
        if redirect == "unit":
            referral.redirect_unit_id = self.county.units[REDIRECT_UNIT[unit_key]].pk
        else:
            referral.redirect_to = redirect
        batch.referrals.append(referral)


class Workers:
    """Who may work with the person on a day: the owner organisation's staff always, the other
    organisation's from OTHER_FROM on (the consent); case-team members three times as often."""

    def __init__(self, rng, staff, on_team, owner, counterpart, other_from):
        self.rng, self.owner, self.counterpart = rng, owner, counterpart
        self.other_from = other_from
        self.own = [u for u in staff if u.organisation_id == owner]
        self.others = [u for u in staff if u.organisation_id == counterpart]
        self.weights = {u.pk: 3 if u.pk in on_team else 1 for u in staff}

    def other_organisation(self, day):
        """The counterpart organisation when its staff may work with the person on DAY."""
        if self.other_from is None or day < self.other_from or not self.others:
            return None
        return self.counterpart

    def on(self, day, count: int) -> list:
        pool = self.own + (self.others if self.other_organisation(day) else [])
        chosen = self.rng.choices(pool, weights=[self.weights[u.pk] for u in pool], k=count)
        return list(dict.fromkeys(chosen))  # the first one records


def _answer(rng: random.Random, scores: tuple[int, ...], level: float) -> int:
    ordered = sorted(scores)
    position = round(level * (len(ordered) - 1) + rng.gauss(0, 0.7))
    return ordered[min(max(position, 0), len(ordered) - 1)]


def _next_level(rng: random.Random, level: float, trajectory: str) -> float:
    if trajectory == "improving":
        return level * rng.uniform(0.6, 0.85)
    if trajectory == "worse":
        return min(1.0, level * rng.uniform(1.05, 1.25) + 0.03)
    return min(1.0, max(0.0, level + rng.uniform(-0.05, 0.05)))


def _random_name(rng: random.Random) -> str:
    given = rng.choice(names.FEMALE_NAMES if rng.random() < 0.5 else names.MALE_NAMES)
    return f"{given} {rng.choice(names.FAMILY_NAMES)}"


def _free_number(rng, spec, used_numbers: set[str], today: datetime.date) -> str:
    """A test identity number of someone of the unit's ages that no demo person has."""
    while True:
        age = rng.randint(spec.age_min, spec.age_max or 70)
        born = today - (age * 365 + rng.randint(1, 360)) * DAY
        number = make_personnummer(born, rng.randint(980, 999))
        if number not in used_numbers:
            used_numbers.add(number)
            return number
