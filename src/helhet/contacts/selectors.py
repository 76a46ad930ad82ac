"""Reads for the contact pages: the person's contacts, drug tests and dispensings the user may
read, the overview block, and the persons a drop-in row may name.

Lists are filtered in the database with `readable_q` and the rows shown pass through `readable`,
so that disclosures among them are remembered for the request's access-log row.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.care.selectors import caseload
from helhet.core.corrections import mark_reasons
from helhet.core.models import Unit, User
from helhet.core.selectors import (
    ListPage,
    labels,
    list_page,
    person_record_url_maker,
    related_of,
    staff_names,
    unit_staff,
)
from helhet.people.models import Person, Relative
from helhet.people.selectors import parse_search

from .models import Contact, DrugTest, Intervention, MedicationDispensing

NOTES, CONTACTS, MEDICATION, RELATIVES = (
    RecordCategory.NOTES,
    RecordCategory.CONTACTS,
    RecordCategory.MEDICATION,
    RecordCategory.RELATIVES,
)


def readable_contacts(access: PersonAccess) -> QuerySet[Contact]:
    """The person's contacts in force USER may read (newest first), filtered in the database:
    a corrected contact is shown by its correction (`versions` shows the earlier ones)."""
    return (
        Contact.objects.in_force()
        .filter(access.readable_q(CONTACTS), person=access.person)
        .order_by("-starts_at", "-id")
    )


def contacts_page(access: PersonAccess, number, *, holding: int | None = None) -> ListPage:
    """One page of the person's contacts USER may read, with staff and interventions, in a
    fixed number of queries however many contacts there are: page NUMBER, or the page that
    holds the contact HOLDING (an id; a timeline item's link) when the user may read it."""
    if holding is not None:
        number = _page_holding(access, holding) or number
    # The page's ids first, then their rows with what they show: joined before the sort, the
    # unit, organisation, writer and relative cost a join for every contact of a long history.
    page = list_page(
        readable_contacts(access).values_list("pk", flat=True),
        number,
        size=settings.HELHET_RECORD_PAGE_SIZE,
    )
    shown = (
        Contact.objects.filter(pk__in=page.object_list)
        .select_related("unit", "organisation", "recorded_by", "relative")
        .in_bulk()
    )
    interventions = related_of(
        Contact.interventions, page.object_list, Intervention.objects.order_by("name")
    )
    page.object_list = decorate(access, [shown[pk] for pk in page.object_list], interventions)
    mark_relatives(access, page.object_list)
    mark_correctable(access, page.object_list)
    # What each row shows, made once per page rather than by tags on each row: a choice's
    # `get_..._display` translated every label of the choices, on every row.
    staff = staff_names(Contact.staff, [contact.pk for contact in page.object_list])
    kinds, length = labels(Contact.Kind), gettext("%(n)s min")
    with_relative, written_by = gettext("with relative %(name)s"), gettext("Written by %(who)s")
    for contact in page.object_list:
        contact.staff_names = staff.get(contact.pk, "")
        contact.kind_label = kinds.get(contact.kind, contact.kind)
        minutes = contact.duration_minutes
        contact.length = length % {"n": minutes} if minutes else ""
        relative = contact.relative if contact.relative_shown else None
        contact.relative_label = with_relative % {"name": relative.name} if relative else ""
        contact.written_by = written_by % {"who": contact.recorded_by} if contact.note_shown else ""
    return page


def _page_holding(access: PersonAccess, contact_id: int) -> int | None:
    """The number of the list's page that holds the contact, None when the user may not read
    it: its place is the number of readable contacts before it (newest first)."""
    readable = readable_contacts(access)
    key = readable.filter(pk=contact_id).values_list("starts_at", flat=True).first()
    if key is None:
        return None
    newer = readable.filter(Q(starts_at__gt=key) | Q(starts_at=key, pk__gt=contact_id))
    return newer.count() // settings.HELHET_RECORD_PAGE_SIZE + 1


def decorate(
    access: PersonAccess,
    contacts: list[Contact],
    interventions: dict[int, list[Intervention]] | None = None,
) -> list[Contact]:
    """Pass CONTACTS through the policy and mark what of each USER may read; INTERVENTIONS,
    when given, are each contact's (by id), else they are read from the contact.

    The note is a record note (NOTES): shown only when USER may read its owner's notes
    (`PersonAccess.shows_as_note`), as a correction's reason (`mark_reasons`).
    Interventions of category MEDICATION (dispensing, drug tests, LARO) are shown only when
    USER may read its owner's medication records.
    """
    contacts = access.readable(contacts, category=CONTACTS)
    mark_reasons(access, contacts)
    for contact in contacts:
        contact.note_shown = access.shows_as_note(contact, contact.note)
        contact.note_withheld = bool(contact.note) and not contact.note_shown
        given = contact.interventions.all() if interventions is None else interventions[contact.pk]
        contact.interventions_shown = [
            i
            for i in given
            if i.category == CONTACTS or access.readable([contact], category=i.category)
        ]
    return contacts


def mark_relatives(access: PersonAccess, contacts: list[Contact]) -> None:
    """Name the relative of each relatives' support contact only to readers of relatives'
    records (`relative_shown`); load CONTACTS with select_related("relative")."""
    for contact in contacts:
        relative = contact.relative if contact.relative_id else None
        contact.relative_shown = bool(relative) and bool(
            access.readable([relative], category=RELATIVES)
        )


def readable_relatives(access: PersonAccess) -> QuerySet[Relative]:
    """The person's relatives USER may read: the choices for a relatives' support contact.

    Filtered in the database; the form's choices are the rows shown, so they pass through
    `readable` too (a relative disclosed by consent is a disclosure in the log row).
    """
    relatives = Relative.objects.filter(access.readable_q(RELATIVES), person=access.person)
    shown = access.readable(list(relatives), category=RELATIVES)
    return Relative.objects.filter(pk__in=[r.pk for r in shown]).order_by("name")


@dataclass
class ContactSummary:
    """The overview's contact block: how many the user may read, and the latest three."""

    count: int
    latest: list[Contact]
    may_record: bool


def contact_summary(access: PersonAccess, *, unit_id: int | None) -> ContactSummary:
    """Two queries: the count and the latest three (without staff or interventions). The
    count is read per owner and passes through `readable`: counting another organisation's
    contacts is a disclosure in the log row, as showing one is."""
    contacts = readable_contacts(access)
    latest = access.readable(list(contacts.select_related("unit")[:3]), category=CONTACTS)
    per_owner = contacts.order_by().values_list("organisation_id").annotate(n=Count("id"))
    counted = access.readable(list(per_owner), category=CONTACTS, owner=lambda row: row[0])
    return ContactSummary(
        count=sum(n for _owner, n in counted),
        latest=latest,
        may_record=unit_id is not None and access.may_act_at(unit_id),
    )


# --- Drug tests and medication dispensing -------------------------------------------------


@dataclass
class Medication:
    drug_tests: list[DrugTest]
    dispensings: list[MedicationDispensing]
    has_more_tests: bool
    has_more_dispensings: bool


def medication(access: PersonAccess, *, limit: int = 50) -> Medication:
    """The latest drug tests (with results) and dispensings USER may read: three queries."""
    mine = access.readable_q(MEDICATION)
    tests = list(
        DrugTest.objects.in_force()
        .filter(mine, person=access.person)
        .select_related("unit", "organisation", "recorded_by")
        .prefetch_related("results")[: limit + 1]
    )
    dispensings = list(
        MedicationDispensing.objects.in_force()
        .filter(mine, person=access.person)
        .select_related("unit", "organisation", "handed_out_by", "recorded_by")[: limit + 1]
    )
    shown_tests = access.readable(tests[:limit], category=MEDICATION)
    shown_dispensings = access.readable(dispensings[:limit], category=MEDICATION)
    mark_correctable(access, [*shown_tests, *shown_dispensings])
    mark_reasons(access, [*shown_tests, *shown_dispensings])
    return Medication(
        drug_tests=shown_tests,
        dispensings=shown_dispensings,
        has_more_tests=len(tests) > limit,
        has_more_dispensings=len(dispensings) > limit,
    )


# --- Corrections and earlier versions -----------------------------------------------------

CORRECTABLE: dict[type, str] = {
    Contact: CONTACTS,
    DrugTest: MEDICATION,
    MedicationDispensing: MEDICATION,
}


# Where each kind of correctable record is corrected, and its versions shown.
CORRECTION_URLS = {
    Contact: ("contacts:contact_correct", "contacts:contact_versions"),
    DrugTest: ("contacts:drug_test_correct", "contacts:drug_test_versions"),
    MedicationDispensing: ("contacts:dispensing_correct", "contacts:dispensing_versions"),
}


def mark_correctable(access: PersonAccess, records: list) -> None:
    """Set `may_correct` on each of RECORDS (in force): the user's organisation recorded it, at
    the active unit, where the user may act (the correction action's rule, for the links); and
    the links to correct it and to its earlier versions (`correct_url`, `versions_url`),
    reversed once per kind of record."""
    unit_id, organisation_id = access.unit_id, access.user.organisation_id
    may_act = unit_id is not None and access.may_act_at(unit_id)
    urls: dict[type, tuple] = {}
    for record in records:
        record.may_correct = (
            may_act
            and organisation_id is not None
            and record.organisation_id == organisation_id
            and record.unit_id == unit_id
        )
        model = type(record)
        if model not in urls:
            urls[model] = tuple(
                person_record_url_maker(name, access.person.pk) for name in CORRECTION_URLS[model]
            )
        correct, versions = urls[model]
        record.correct_url, record.versions_url = correct(record.pk), versions(record.pk)


def for_correcting(access: PersonAccess, model, record_id: int):
    """The person's record RECORD_ID of MODEL in force, recorded by the user's organisation at
    the active unit (where the page has checked the user may act); else Http404: another
    organisation's record, or one corrected already, is not the user's to correct."""
    if access.user.organisation_id is None or access.unit_id is None:
        raise Http404
    found = model.objects.in_force().filter(
        access.readable_q(CORRECTABLE[model]),
        pk=record_id,
        person=access.person,
        organisation_id=access.user.organisation_id,
        unit_id=access.unit_id,
    )
    shown = access.readable(
        list(found.select_related("unit", "recorded_by")), category=CORRECTABLE[model]
    )
    if not shown:
        raise Http404
    return shown[0]


def versions(access: PersonAccess, model, record_id: int) -> list:
    """Every version of the person's record RECORD_ID of MODEL (any version of it), newest
    first, that USER may read; else Http404. All versions have one owner and unit (only the
    owner corrects, at the record's unit), so a reader sees all of them or none. A fixed number
    of queries however often the record was corrected."""
    category = CORRECTABLE[model]
    readable = model.objects.filter(access.readable_q(category), person=access.person)
    record = readable.filter(pk=record_id).only("pk", "original_id").first()
    if record is None:
        raise Http404
    found = (
        readable.versions_of(record)
        .select_related("unit", "organisation", "recorded_by", "corrects")
        .order_by("-recorded_at", "-id")
    )
    if model is Contact:
        found = _with_contact_details(found)
    elif model is DrugTest:
        found = found.prefetch_related("results")
    else:
        found = found.select_related("handed_out_by")
    shown = access.readable(list(found), category=category)
    if not shown:
        raise Http404
    if model is Contact:
        shown = decorate(access, shown)
        mark_relatives(access, shown)
    else:
        mark_reasons(access, shown)
    return shown


def _with_contact_details(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """CONTACTS with their relative, staff and interventions, each read once for them all."""
    return contacts.select_related("relative").prefetch_related(
        Prefetch("staff", queryset=User.objects.order_by("last_name", "first_name")),
        Prefetch("interventions", queryset=Intervention.objects.order_by("name")),
    )


# --- Forms' choices -----------------------------------------------------------------------


def active_interventions() -> QuerySet[Intervention]:
    return Intervention.objects.filter(active=True).order_by("name")


def correction_choices(unit_id: int, earlier: Contact) -> tuple[QuerySet[User], QuerySet]:
    """The staff and interventions a correction of EARLIER may name: today's staff of the unit
    and the active catalogue, and EARLIER's own (gone from the unit or the catalogue since)."""
    staff = User.objects.filter(
        Q(pk__in=unit_staff(unit_id).values("pk")) | Q(pk__in=earlier.staff.values("pk"))
    )
    interventions = Intervention.objects.filter(
        Q(active=True) | Q(pk__in=earlier.interventions.values("pk"))
    )
    return (
        staff.select_related("organisation").order_by("last_name", "first_name"),
        interventions.order_by("name"),
    )


def grouped_interventions(interventions) -> list[tuple[str, list[tuple[int, str]]]]:
    """The interventions as (authority label, [(id, name), ...]) groups, for a checkbox list."""
    groups: dict[str, list[tuple[int, str]]] = {v: [] for v in Intervention.Authority.values}
    for intervention in interventions:
        groups[intervention.authority].append((intervention.pk, _with_priority(intervention)))
    return [
        (str(Intervention.Authority(value).label), choices)
        for value, choices in groups.items()
        if choices
    ]


def _with_priority(intervention: Intervention) -> str:
    if intervention.guideline_priority is None:
        return intervention.label
    return f"{intervention.label} ({intervention.guideline_priority})"


# --- The drop-in day ----------------------------------------------------------------------

MAX_CANDIDATES = 10


def drop_in_candidates(user: User, unit: Unit, text: str) -> list[Person]:
    """Persons at UNIT USER may see (by a relationship there) matching TEXT: a full identity
    number, digits of one, or the words of a name. At most MAX_CANDIDATES + 1, so the page
    can say there were more."""
    query = parse_search(text)
    persons = caseload(user, unit=unit, whole_unit=True)
    if query.identity_number:
        persons = persons.filter(identity_number=query.identity_number)
    elif query.digits:
        persons = persons.filter(identity_number__contains=query.digits)
    elif query.words:
        for word in query.words:
            persons = persons.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    else:
        return []
    return list(persons[: MAX_CANDIDATES + 1])
