"""Reads every app shares: a unit's staff, a page of a list without counting it, choice labels
and URLs made once per page."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from . import raw
from .models import User


def related_of(relation, ids, ordered: QuerySet) -> dict[int, list]:
    """The objects of a many-to-many RELATION (e.g. `Contact.interventions`) of each of the
    rows IDS, by the row's id, in the order of ORDERED (a queryset of the related model).
    IDS: a list of the rows' ids, or a queryset of the rows, which is read as a subquery (a
    calendar week's 200 ids cost more to pass one by one than to read); a row without any
    objects has an empty list when IDS is a list, and no entry when it is a queryset.

    Two queries, and one instance for each object named: a prefetch makes one for each row
    and object, and filters a queryset for each row (a page of 50 contacts: 10 ms)."""
    field = relation.field
    row, other = field.m2m_field_name(), field.m2m_reverse_field_name()
    pairs = list(
        relation.through.objects.filter(**{f"{row}__in": ids}).values_list(
            f"{row}_id", f"{other}_id"
        )
    )
    objects = {o.pk: o for o in ordered.filter(pk__in={pk for _, pk in pairs})}
    place = {pk: n for n, pk in enumerate(objects)}
    given: dict[int, list] = {} if isinstance(ids, QuerySet) else {row_id: [] for row_id in ids}
    for row_id, pk in sorted(pairs, key=lambda pair: place[pair[1]]):
        given.setdefault(row_id, []).append(objects[pk])
    return given


def staff_names(staff, ids) -> dict[int, str]:
    """The staff of the rows IDS (ids or a queryset, as `related_of` takes them) as a list
    shows them, by the row's id: their names in name order, joined. STAFF: the rows'
    many-to-many field to User (e.g. `Booking.staff`)."""
    users = User.objects.only("username", "first_name", "last_name").order_by(
        "last_name", "first_name"
    )
    return {
        row_id: ", ".join(map(str, named))
        for row_id, named in related_of(staff, ids, users).items()
    }


def unit_staff(unit_id: int) -> QuerySet[User]:
    """Clinical staff who are members of the unit: the choices for a case team."""
    return (
        User.objects.filter(memberships__unit_id=unit_id, organisation__isnull=False)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )


@dataclass
class ListPage:
    """One page of a list read without counting the list: its rows, and whether more follow.

    A count of every person on a large caseload costs more than the page itself, so the page
    offers "previous" and "next" instead of "page N of M".
    """

    object_list: list
    number: int
    has_next: bool
    size: int

    def __iter__(self):
        return iter(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.object_list)


def list_page(rows: QuerySet | raw.Sliced | list, number, *, size: int) -> ListPage:
    """Page NUMBER of ROWS (the first when NUMBER is not a page that has rows), in one query
    (none for a list)."""
    number = page_number(number)
    start = (number - 1) * size
    found = list(rows[start : start + size + 1])
    if not found and number > 1:
        return list_page(rows, 1, size=size)
    return ListPage(found[:size], number, has_next=len(found) > size, size=size)


def page_number(value, *, last: int = 10_000) -> int:
    """The page number asked for in VALUE (a query-string value), else 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= last else 1


def labels(choices) -> dict[str, str]:
    """The labels of CHOICES (a TextChoices class) in the active language, by value."""
    return {value: str(label) for value, label in choices.choices}


_SENTINEL_PK = 987654321


def url_maker(name: str):
    """A function from an id to the URL NAME (one id argument), reversed once per page: a
    `{% url %}` tag on each of a list's 50 rows costs more than the rest of the row."""
    return reverse(name, args=[_SENTINEL_PK]).replace(str(_SENTINEL_PK), "{}").format


def person_record_url_maker(name: str, person_id: int):
    """A function from a record's id to the URL NAME of PERSON_ID's record (two id arguments,
    the person's and the record's), reversed once per page (see `url_maker`)."""
    return reverse(name, args=[person_id, _SENTINEL_PK]).replace(str(_SENTINEL_PK), "{}").format


def pair_url_maker(name: str):
    """A function from two ids (a person's and a record's) to the URL NAME, reversed once per
    page (see `url_maker`)."""
    url = reverse(name, args=[_SENTINEL_PK, _SENTINEL_PK + 1])
    return url.replace(str(_SENTINEL_PK + 1), "{1}").replace(str(_SENTINEL_PK), "{0}").format


def overview_url_maker():
    """A function from a person's id to their overview's URL (see `url_maker`)."""
    return url_maker("people:overview")
