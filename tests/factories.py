"""factory_boy factories. Persons get generated test identity numbers (birth numbers 980-999)."""

import datetime
import itertools

import factory

from helhet.access.models import Consent, ConsentDisclosure, EmergencyAccess
from helhet.care.models import CaseTeamMember, ClosureReason, Episode
from helhet.core.models import Membership, Municipality, Organisation, Unit, User
from helhet.people.identity import make_personnummer
from helhet.people.models import Person, Relative

_birth_numbers = itertools.cycle(range(980, 1000))


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["code"]

    # four digits in 9000–9999, beside the country's real codes (0114–2584), however many a
    # session makes (the code's column holds four)
    code = factory.Sequence(lambda n: f"{9000 + n % 1000}")
    name = factory.Sequence(lambda n: f"Testkommun {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.REGION
    name = factory.Sequence(lambda n: f"Organisation {n}")
    organisation_number = factory.Sequence(lambda n: f"{232100 + n:06d}-{n % 10000:04d}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Mottagning {n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")
    unit_type = Unit.Type.SOCIAL_MEDICINE
    age_min = 18

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Testsson"
    organisation = factory.SubFactory(OrganisationFactory)
    profession = User.Profession.NURSE
    password = factory.django.Password("test-password-123")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.STAFF


def _identity(person) -> str:
    return make_personnummer(
        person.birth_date,
        next(_birth_numbers) if person.sex_digit is None else 980 + person.sex_digit,
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        exclude = ["sex_digit"]

    sex_digit = None
    birth_date = factory.Sequence(lambda n: datetime.date(1960, 1, 1) + datetime.timedelta(days=n))
    identity_number = factory.LazyAttribute(_identity)
    identity_kind = Person.Kind.PERSONNUMMER
    legal_sex = factory.LazyAttribute(
        lambda p: Person.Sex.MALE if int(p.identity_number[10]) % 2 else Person.Sex.FEMALE
    )
    given_name = factory.Sequence(lambda n: f"Testperson{n}")
    family_name = "Testsson"
    address = "Testgatan 1"
    postal_code = "123 45"
    city = "Teststad"
    phone = "070-000 00 00"
    registered_by = factory.SubFactory(UserFactory)


class RelativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relative

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    name = "Anna Anhörig"
    relation = "Mother"
    recorded_by = factory.SubFactory(UserFactory)


class ClosureReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosureReason
        django_get_or_create = ["code"]

    code = "goals_reached"
    name = "Goals reached"


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    opened_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("opened_by.organisation")
    opened_on = datetime.date(2026, 1, 15)


class CaseTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseTeamMember

    episode = factory.SubFactory(EpisodeFactory)
    user = factory.SubFactory(UserFactory)
    role = CaseTeamMember.Role.CASE_MANAGER
    added_by = factory.SelfAttribute("user")


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    form = Consent.Form.WRITTEN
    coordination = True
    valid_from = datetime.date(2026, 1, 15)


class ConsentDisclosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentDisclosure

    consent = factory.SubFactory(ConsentFactory)


class EmergencyAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyAccess

    user = factory.SubFactory(UserFactory)
    person = factory.SubFactory(PersonFactory)
    reason = "The person is unconscious at the emergency department."
    expires_at = factory.LazyFunction(
        lambda: (
            __import__("django.utils.timezone").utils.timezone.now() + datetime.timedelta(hours=4)
        )
    )


# --- assessments ---

from helhet.assessments.models import Assessment  # noqa: E402
from helhet.outcomes.models import Outcome  # noqa: E402


class OutcomeFactory(factory.django.DjangoModelFactory):
    """An intake outcome: alcohol, F10.2, rented housing, economic assistance, one week of
    psychiatric inpatient care and two emergency visits in the last six months."""

    class Meta:
        model = Outcome

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    assessed_on = datetime.date(2026, 2, 1)
    occasion = "intake"
    alcohol = True
    diagnoses = factory.LazyFunction(lambda: ["F10.2"])
    housing = "rented"
    occupation = "assistance"
    period_months = 6
    inpatient_episodes = 1
    inpatient_days = 7
    emergency_visits = 2


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A complete AUDIT in zone II for a woman of 45; pass the fields a test is about."""

    class Meta:
        model = Assessment

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    instrument = "audit"
    instrument_version = "1"
    assessed_on = datetime.date(2026, 2, 1)
    occasion = "follow_up"
    answers = factory.LazyFunction(
        lambda: {"1": 2, "2": 1, "3": 1, "4": 1, "5": 1, "6": 0, "7": 1, "8": 1, "9": 2, "10": 0}
    )
    complete = True
    total = 10
    subscores = factory.LazyFunction(lambda: {"audit_c": 4})
    zone = "II"
    zone_label = factory.LazyFunction(
        lambda: {"sv": "Zon II: riskbruk", "en": "Zone II: hazardous use"}
    )
    cutoff_code = "hazardous_use"
    cutoff_value = 6
    cutoff_description = factory.LazyFunction(
        lambda: {"sv": "AUDIT ≥ 6, kvinnor", "en": "AUDIT ≥ 6, women"}
    )
    at_or_above = True
    sex = "female"
    age = 45


# --- /assessments ---


# --- intake ---

from helhet.intake.models import Referral  # noqa: E402


class ReferralFactory(factory.django.DjangoModelFactory):
    """An open referral from primary care, received ten days ago, registered by a staff member."""

    class Meta:
        model = Referral

    unit = factory.SubFactory(UnitFactory)
    registered_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("registered_by.organisation")
    source = Referral.Source.PRIMARY_CARE
    referrer = "Dr. Doktorsson, Testby vårdcentral"
    name = "Nils Nyman"
    question = "Alcohol and anxiety; needs both social services and psychiatry."
    received_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))


# --- /intake ---


# --- contacts ---

from django.utils import timezone  # noqa: E402

from helhet.contacts.models import (  # noqa: E402
    Contact,
    ContactIntervention,
    DrugTest,
    DrugTestResult,
    Intervention,
    MedicationDispensing,
)
from helhet.followup import summaries  # noqa: E402


class Summarised:
    """A factory of a record the follow-up summarises: it refreshes the person's summaries
    after the record and its links are saved, as every action that writes one does."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)  # type: ignore[misc]
        if create:
            summaries.refresh([instance.person_id])


class InterventionFactory(factory.django.DjangoModelFactory):
    """A catalogue intervention; the seeded ones are found by code (e.g. code="health_talk")."""

    class Meta:
        model = Intervention
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"intervention_{n}")
    name = factory.Sequence(lambda n: f"Intervention {n}")
    name_sv = factory.Sequence(lambda n: f"Insats {n}")
    authority = Intervention.Authority.BOTH


class ContactFactory(Summarised, factory.django.DjangoModelFactory):
    """An attended visit, recorded by a staff member at the episode's unit, an hour ago."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    episode = factory.SubFactory(EpisodeFactory)
    person = factory.SelfAttribute("episode.person")
    unit = factory.SelfAttribute("episode.unit")
    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    kind = Contact.Kind.VISIT
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    duration_minutes = 45
    attended = True

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create:
            self.staff.set(extracted or [self.recorded_by])

    @factory.post_generation
    def interventions(self, create, extracted, **kwargs):
        if create and extracted:
            self.interventions.set(
                extracted, through_defaults=ContactIntervention.copied_from(self)
            )


class DrugTestFactory(Summarised, factory.django.DjangoModelFactory):
    class Meta:
        model = DrugTest

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    sample = DrugTest.Sample.URINE
    taken_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))


class DrugTestResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DrugTestResult

    drug_test = factory.SubFactory(DrugTestFactory)
    substance = DrugTestResult.Substance.AMPHETAMINE
    result = DrugTestResult.Result.NEGATIVE


class MedicationDispensingFactory(Summarised, factory.django.DjangoModelFactory):
    class Meta:
        model = MedicationDispensing

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    handed_out_by = factory.SelfAttribute("recorded_by")
    organisation = factory.SelfAttribute("recorded_by.organisation")
    medication = "Buprenorfin/naloxon 8 mg/2 mg"
    dose = 1
    dose_unit = "piece"
    handed_out_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))


# --- /contacts ---


# --- plans ---

from helhet.plans.models import Sip, SipIntervention, SipVersion  # noqa: E402


class SipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sip

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)


class SipVersionFactory(factory.django.DjangoModelFactory):
    """A version written by a staff member, with the writer's organisation overall responsible;
    add SipInterventionFactory rows for its interventions."""

    class Meta:
        model = SipVersion

    sip = factory.SubFactory(SipFactory)
    number = factory.Sequence(lambda n: n + 1)
    created_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("created_by.organisation")
    overall_responsible = factory.SelfAttribute("created_by.organisation")
    goal = "Ha ett eget boende och en meningsfull sysselsättning."


class SipInterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SipIntervention

    version = factory.SubFactory(SipVersionFactory)
    description = "Boendestöd"
    responsible_organisation = factory.SelfAttribute("version.organisation")


# --- /plans ---


# --- access: blocks ---

from helhet.access.models import Block  # noqa: E402


class BlockFactory(factory.django.DjangoModelFactory):
    """A block in force of the recorder's organisation's records at UNIT."""

    class Meta:
        model = Block

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("recorded_by.organisation")
    requested_on = datetime.date(2026, 2, 1)


# --- /access: blocks ---


# --- alerts: the person header's warnings ---

from helhet.alerts.models import Alert  # noqa: E402


class AlertFactory(factory.django.DjangoModelFactory):
    """A warning in force of the adder's organisation, kept at UNIT."""

    class Meta:
        model = Alert

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    added_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("added_by.organisation")
    kind = Alert.Kind.HOME_VISIT_RISK
    text = "Hund i lägenheten, gå två vid hembesök."


# --- /alerts ---


# --- bookings ---
from helhet.bookings.models import BOOKABLE_KINDS, Booking  # noqa: E402


class BookingFactory(Summarised, factory.django.DjangoModelFactory):
    """A 45-minute visit booked a day ahead at the episode's unit, by a staff member."""

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    episode = factory.SubFactory(EpisodeFactory)
    person = factory.SelfAttribute("episode.person")
    unit = factory.SelfAttribute("episode.unit")
    booked_by = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("booked_by.organisation")
    kind = Contact.Kind.VISIT
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda b: b.starts_at + datetime.timedelta(minutes=45))

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        if create:
            self.staff.set(extracted or [self.booked_by])


def booking_of(contact: Contact) -> Booking:
    """The booking a recorded CONTACT was held (or missed) for."""
    return BookingFactory(
        episode=contact.episode,
        booked_by=contact.recorded_by,
        kind=contact.kind if contact.kind in BOOKABLE_KINDS else Contact.Kind.VISIT,
        starts_at=contact.starts_at,
        ends_at=contact.starts_at + datetime.timedelta(minutes=contact.duration_minutes or 45),
        status=Booking.Status.ATTENDED if contact.attended else Booking.Status.NO_SHOW,
        contact=contact,
    )
