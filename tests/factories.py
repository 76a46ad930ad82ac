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

    code = factory.Sequence(lambda n: f"{9000 + n}")
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
