"""The fixed part of the demo county: municipalities, organisations, units, staff and logins.

Everything here is fictional. Municipality codes 9901-9904 are outside the range Statistics
Sweden uses; the organisation numbers are made up.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from helhet.core.models import Membership, Municipality, Organisation, Unit, User
from helhet.followup.models import SteeringGroup

# Set only by `helhet demo`, which refuses to run unless HELHET_DEV or HELHET_DEMO is on.
DEMO_PASSWORD = "demo-losen-2026"

MUNICIPALITIES = [  # code, name; the last two are where a few persons live
    ("9901", "Norrby"),
    ("9902", "Söderby"),
    ("9903", "Västerby"),
    ("9904", "Österby"),
]

ORGANISATIONS = {  # key: (kind, name, organisation number, municipality code)
    "region": (Organisation.Kind.REGION, "Region Demoland", "232199-0001", None),
    "norrby": (Organisation.Kind.MUNICIPALITY, "Norrby kommun", "212099-9901", "9901"),
    "soderby": (Organisation.Kind.MUNICIPALITY, "Söderby kommun", "212099-9902", "9902"),
}


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    short_name: str  # for the logins table
    slug: str
    unit_type: str
    age_min: int
    age_max: int | None
    access_mode: str
    municipalities: tuple[str, ...]
    target_group: str


UNITS = [
    UnitSpec(
        "clinic",
        "Socialmedicinska mottagningen Norrby",
        "Socialmedicin",
        "socialmedicin-norrby",
        Unit.Type.SOCIAL_MEDICINE,
        18,
        None,
        Unit.AccessMode.TEAM,
        ("9901", "9902"),
        "Vuxna med missbruk eller beroende och samtidig social problematik.",
    ),
    UnitSpec(
        "mini_maria",
        "Mini-Maria Norrby–Söderby",
        "Mini-Maria",
        "mini-maria",
        Unit.Type.MINI_MARIA,
        13,
        21,
        Unit.AccessMode.TEAM,
        ("9901", "9902"),
        "Unga 13–21 år med riskbruk av alkohol eller droger, och deras närstående.",
    ),
    UnitSpec(
        "act",
        "ACT-teamet Demoland",
        "ACT",
        "act-demoland",
        Unit.Type.ACT,
        18,
        None,
        Unit.AccessMode.CASE_TEAM,
        (),
        "Vuxna med allvarlig psykisk sjukdom och stora behov av samordnat stöd.",
    ),
]

P = User.Profession
STAFF_ROLE, COORDINATOR, MANAGER = (
    Membership.Role.STAFF,
    Membership.Role.COORDINATOR,
    Membership.Role.MANAGER,
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    organisation: str
    profession: str
    units: dict[str, str] = field(default_factory=dict)  # unit key -> membership role
    sees: str = ""  # one line for the logins table in the README


STAFF = [
    # Region Demoland
    StaffSpec(
        "anna.sjukskoterska",
        "Anna",
        "Lindqvist",
        "region",
        P.NURSE,
        {"clinic": STAFF_ROLE, "act": STAFF_ROLE},
        "clinic: all region-owned episodes, others' with consent; ACT: her case teams",
    ),
    StaffSpec("erik.lakare", "Erik", "Holmberg", "region", P.PHYSICIAN, {"clinic": STAFF_ROLE}),
    StaffSpec("johan.kurator", "Johan", "Sandberg", "region", P.COUNSELLOR, {"clinic": STAFF_ROLE}),
    StaffSpec(
        "lena.socionom", "Lena", "Berglund", "region", P.SOCIAL_WORKER, {"clinic": STAFF_ROLE}
    ),
    StaffSpec(
        "maria.psykolog", "Maria", "Ek", "region", P.PSYCHOLOGIST, {"mini_maria": STAFF_ROLE}
    ),
    StaffSpec(
        "mikael.behandlingsassistent",
        "Mikael",
        "Nyström",
        "region",
        P.TREATMENT_ASSISTANT,
        {"mini_maria": STAFF_ROLE},
    ),
    StaffSpec(
        "peter.casemanager", "Peter", "Forsberg", "region", P.CASE_MANAGER, {"act": STAFF_ROLE}
    ),
    StaffSpec(
        "eva.samordnare",
        "Eva",
        "Lundgren",
        "region",
        P.COORDINATOR,
        {"clinic": COORDINATOR, "act": COORDINATOR},
    ),
    StaffSpec(
        "lars.chef", "Lars", "Hedlund", "region", P.MANAGER, {"mini_maria": MANAGER, "act": MANAGER}
    ),
    # Norrby kommun
    StaffSpec(
        "sara.socionom",
        "Sara",
        "Nilsson",
        "norrby",
        P.SOCIAL_WORKER,
        {"clinic": STAFF_ROLE, "act": STAFF_ROLE},
        "clinic: all Norrby-owned episodes, others' with consent; ACT: her case teams",
    ),
    StaffSpec(
        "karin.kurator",
        "Karin",
        "Åberg",
        "norrby",
        P.COUNSELLOR,
        {"clinic": STAFF_ROLE, "mini_maria": STAFF_ROLE},
    ),
    StaffSpec("emma.sjukskoterska", "Emma", "Sjöberg", "norrby", P.NURSE, {"clinic": STAFF_ROLE}),
    StaffSpec("david.lakare", "David", "Wikström", "norrby", P.PHYSICIAN, {"act": STAFF_ROLE}),
    StaffSpec(
        "sofia.psykolog", "Sofia", "Dahl", "norrby", P.PSYCHOLOGIST, {"mini_maria": STAFF_ROLE}
    ),
    StaffSpec(
        "oskar.behandlingsassistent",
        "Oskar",
        "Lund",
        "norrby",
        P.TREATMENT_ASSISTANT,
        {"clinic": STAFF_ROLE},
    ),
    StaffSpec(
        "linnea.casemanager", "Linnea", "Holm", "norrby", P.CASE_MANAGER, {"act": STAFF_ROLE}
    ),
    StaffSpec(
        "ingrid.samordnare",
        "Ingrid",
        "Strand",
        "norrby",
        P.COORDINATOR,
        {"mini_maria": COORDINATOR},
    ),
    StaffSpec("per.chef", "Per", "Engström", "norrby", P.MANAGER, {"clinic": MANAGER}),
    # Söderby kommun
    StaffSpec(
        "fatima.socionom", "Fatima", "Hassan", "soderby", P.SOCIAL_WORKER, {"clinic": STAFF_ROLE}
    ),
    StaffSpec(
        "elin.behandlingsassistent",
        "Elin",
        "Falk",
        "soderby",
        P.TREATMENT_ASSISTANT,
        {"mini_maria": STAFF_ROLE},
    ),
    StaffSpec("nils.casemanager", "Nils", "Björk", "soderby", P.CASE_MANAGER, {"act": STAFF_ROLE}),
]
# The steering group follows all three units up, as aggregates only: one member from the
# region, one from a municipality, with no core.Membership (so no clinical access at all).
STEERING_GROUP = "Styrgruppen för de integrerade verksamheterna i Demoland"
STEERING = [
    StaffSpec("birgitta.styrgrupp", "Birgitta", "Wallin", "region", P.MANAGER),
    StaffSpec("hans.styrgrupp", "Hans", "Öberg", "norrby", P.MANAGER),
]
ADMIN_USERNAME = "admin"


@dataclass
class County:
    """The saved reference objects, by key, for the population generator."""

    municipalities: dict[str, Municipality]  # by code
    organisations: dict[str, Organisation]
    units: dict[str, Unit]
    users: dict[str, User]  # by username
    admin: User


def create_county() -> County:
    """Create the municipalities, organisations, units, staff, memberships and the admin."""
    municipalities = {
        code: Municipality.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in MUNICIPALITIES
    }
    organisations = {
        key: Organisation.objects.create(
            kind=kind,
            name=name,
            organisation_number=number,
            municipality=municipalities[code] if code else None,
        )
        for key, (kind, name, number, code) in ORGANISATIONS.items()
    }
    units = {}
    for spec in UNITS:
        unit = Unit.objects.create(
            name=spec.name,
            slug=spec.slug,
            unit_type=spec.unit_type,
            age_min=spec.age_min,
            age_max=spec.age_max,
            access_mode=spec.access_mode,
            target_group=spec.target_group,
            # "Även närstående är välkomna som kan få rådgivande samtal" (seed 001, Mini-Maria).
            serves_relatives=spec.unit_type == Unit.Type.MINI_MARIA,
        )
        unit.organisations.set(organisations.values())
        unit.municipalities.set([municipalities[code] for code in spec.municipalities])
        units[spec.key] = unit

    password = make_password(DEMO_PASSWORD)  # hashed once: the same password for every login
    users = {}
    for staff in STAFF + STEERING:
        users[staff.username] = User.objects.create(
            username=staff.username,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=f"{staff.username}@example.com",
            organisation=organisations[staff.organisation],
            profession=staff.profession,
            password=password,
        )
    # One by one, not bulk_create: each membership is an access change, logged (access.security).
    for staff in STAFF:
        for unit_key, role in staff.units.items():
            Membership.objects.create(user=users[staff.username], unit=units[unit_key], role=role)
    group = SteeringGroup.objects.create(name=STEERING_GROUP)
    group.units.set(units.values())
    group.members.set([users[spec.username] for spec in STEERING])
    admin = User.objects.create(
        username=ADMIN_USERNAME,
        first_name="Admin",
        last_name="Demoland",
        email="admin@example.com",
        is_staff=True,
        is_superuser=True,
        password=password,
    )
    return County(municipalities, organisations, units, users, admin)


def logins_table() -> str:
    """The demo logins as a plain-text table (printed by `helhet demo`)."""
    units = {spec.key: spec.short_name for spec in UNITS}
    orgs = {key: name for key, (_kind, name, _number, _code) in ORGANISATIONS.items()}
    rows = [("Username", "Name", "Organisation", "Profession", "Units (role)")]
    for spec in STAFF + STEERING:
        works_at = ", ".join(
            units[key] + ("" if role == STAFF_ROLE else f" ({role})")
            for key, role in spec.units.items()
        )
        rows.append(
            (
                spec.username,
                f"{spec.first_name} {spec.last_name}",
                orgs[spec.organisation],
                str(P(spec.profession).label),
                works_at or "all three (steering group; follow-up only, no persons)",
            )
        )
    rows.append((ADMIN_USERNAME, "Admin Demoland", "-", "administrator", "- (no clinical access)"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + f"\n\nPassword for every login: {DEMO_PASSWORD}"


def saved_county() -> County:
    """The demo county as loaded in the database (to regenerate its population in tests)."""
    orgs_by_name = {o.name: o for o in Organisation.objects.all()}
    units_by_slug = {u.slug: u for u in Unit.objects.all()}
    return County(
        municipalities={m.code: m for m in Municipality.objects.all()},
        organisations={
            key: orgs_by_name[name] for key, (_kind, name, _number, _code) in ORGANISATIONS.items()
        },
        units={spec.key: units_by_slug[spec.slug] for spec in UNITS},
        users={
            u.username: u
            for u in User.objects.select_related("organisation").filter(
                username__in=[spec.username for spec in STAFF]
            )
        },
        admin=User.objects.get(username=ADMIN_USERNAME),
    )
