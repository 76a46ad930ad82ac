"""The drop-in day page: a date, then rows naming persons by identity number or name.

Each row's text is matched against the persons the user sees at the active unit (through an
open episode there); a text that names several offers a choice on the row. All rows are saved
together by `actions.drop_in_record`, or none: any bad row re-renders every row with its error.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from helhet.access.log import Actor
from helhet.core.selectors import unit_staff

from . import actions, selectors
from .forms import DropInDayForm, DropInRows

MORE_ROWS = 10


class DropInPage:
    """The forms of the page and, after a successful save, the contacts written."""

    def __init__(self, request):
        self.request, self.user, self.unit = request, request.user, request.unit
        data = self._data(request)
        staff = unit_staff(self.unit.pk)
        self.day = DropInDayForm(data, staff=staff, writer=self.user, prefix="day")
        grouped = selectors.grouped_interventions(selectors.active_interventions())
        self.rows = DropInRows(data, prefix="row", form_kwargs={"grouped": grouped})
        self.contacts: list = []
        for number, row in enumerate(self.rows, start=1):
            row.number_labels(number)
        if data is not None:
            for row in self.rows:
                self._match(row)

    @staticmethod
    def _data(request):
        """The POST, with MORE_ROWS more empty rows when the user asked for them."""
        if request.method != "POST":
            return None
        if "more" not in request.POST:
            return request.POST
        data = request.POST.copy()
        total = int(data.get("row-TOTAL_FORMS") or 0)
        data["row-TOTAL_FORMS"] = str(min(total + MORE_ROWS, 100))
        return data

    def _match(self, row) -> None:
        """Find the persons the row's text names (before validation: a choice may be offered)."""
        text = (row["who"].value() or "").strip()
        row.candidates = selectors.drop_in_candidates(self.user, self.unit, text) if text else []
        if len(row.candidates) > 1:
            row.offer(row.candidates[: selectors.MAX_CANDIDATES])

    def save(self) -> bool:
        """Validate every row, then register them all in one transaction; True when saved."""
        if "more" in self.request.POST:
            return False
        day_ok = self.day.is_valid()
        if day_ok and self.day.cleaned_data["day"] > timezone.localdate():
            self.day.add_error("day", _("The date lies in the future."))
            day_ok = False
        rows_ok = self.rows.is_valid()
        chosen = [(row, self._person(row)) for row in self.rows if rows_ok and not row.is_blank()]
        if not (day_ok and rows_ok) or any(person is None for _row, person in chosen):
            return False
        if not chosen:
            self.day.add_error(None, _("Enter at least one person."))
            return False
        return self._register(chosen)

    def _person(self, row):
        """The one person the row names, or None with an error on the row."""
        candidates = row.candidates
        if not candidates:
            row.add_error("who", _("No one you may see at this unit matches."))
        elif len(candidates) == 1:
            return candidates[0]
        elif len(candidates) > selectors.MAX_CANDIDATES:
            row.add_error(
                "who",
                _("More than %(n)s match: type more of the name or the identity number.")
                % {"n": selectors.MAX_CANDIDATES},
            )
        else:
            chosen = row.cleaned_data.get("person")
            for person in candidates:
                if person.pk == chosen:
                    return person
            row.add_error("person", _("Several persons match: choose one."))
        return None

    def _register(self, chosen) -> bool:
        day = self.day.cleaned_data
        rows = [
            actions.DropInRow(
                person_id=person.pk,
                starts_at=self._when(day["day"], row.cleaned_data["time"] or day["time"]),
                attended=row.cleaned_data["attended"],
                interventions=list(row.cleaned_data["interventions"]),
            )
            for row, person in chosen
        ]
        try:
            self.contacts = actions.drop_in_record(
                actor=Actor.from_request(self.request),
                rows=rows,
                staff=day["staff"],
                duration_minutes=day["duration_minutes"],
            )
        except actions.DropInError as error:
            for index, message in error.row_errors.items():
                chosen[index][0].add_error(None, message)
            self.day.add_error(None, error.messages[0])
            return False
        except ValidationError as error:
            self.day.add_error(None, error)
            return False
        return True

    @staticmethod
    def _when(day: datetime.date, time: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, time))

    @property
    def has_errors(self) -> bool:
        return bool(self.day.errors) or any(row.errors for row in self.rows)
