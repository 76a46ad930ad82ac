"""Forms of the calendar: input shape only; the rules live in actions."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.contacts.forms import ContactForm, DateTimeLocalInput, StaffMixin
from helhet.core import limits
from helhet.core.forms import DateInput, IdMultipleChoiceField, ModelChoiceField, set_queryset
from helhet.core.versions import BasedOnVersion

from .models import BOOKABLE_KINDS, MAX_BOOKING_MINUTES, PLACE_LENGTH, Booking

# How far ahead a booking may be made.
BOOKING_RANGE = limits.DateRange(years_ahead=1)


def next_hour() -> datetime.datetime:
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    return now + datetime.timedelta(hours=1)


def starts_at_field() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Date and time"),
        initial=next_hour,
        widget=DateTimeLocalInput(),
        validators=[BOOKING_RANGE],
    )


def minutes_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Length (minutes)"), initial=45, min_value=1, max_value=MAX_BOOKING_MINUTES
    )


def place_field() -> forms.CharField:
    return forms.CharField(
        label=_("Place"),
        required=False,
        max_length=PLACE_LENGTH,
        help_text=_(
            "The unit's room, or 'home' for a home visit: not the person's address or"
            " telephone number, which are on record."
        ),
    )


def staff_field() -> IdMultipleChoiceField:
    return IdMultipleChoiceField(
        label=_("Staff"),
        queryset=None,
        help_text=_("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        error_messages={"required": _("Choose at least one staff member.")},
    )


def remind_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("The person wants a text reminder the day before"),
        required=False,
        help_text=_("Only with the person's consent; sent to the phone number on record."),
    )


class BookingForm(StaffMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of booking"), choices=[(k.value, k.label) for k in BOOKABLE_KINDS]
    )
    starts_at = starts_at_field()
    duration_minutes = minutes_field()
    staff = staff_field()
    place = place_field()
    remind = remind_field()

    def __init__(self, *args, staff, writer, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staff("staff", staff, writer)


class BookingEditForm(BasedOnVersion, BookingForm):
    """Change a booking: the booking form filled in from it, with the version it shows. The
    place only where it is shown (it may be a protected address): else it is kept as it is."""

    def __init__(self, *args, staff, booking: Booking, show_place: bool, **kwargs):
        initial = {
            "kind": booking.kind,
            "starts_at": timezone.localtime(booking.starts_at),
            "duration_minutes": booking.duration_minutes,
            "staff": [u.pk for u in booking.staff.all()],
            "place": booking.place,
            "remind": booking.remind,
            "version": booking.version,
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, staff=staff, writer=booking.booked_by, **kwargs)
        if not show_place:
            del self.fields["place"]


class CancelForm(forms.Form):
    cancelled_by = forms.ChoiceField(
        label=_("Cancelled by"), choices=Booking.CancelledBy.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for cancelling.")},
    )


class RebookForm(StaffMixin, CancelForm):
    starts_at = starts_at_field()
    duration_minutes = minutes_field()
    staff = staff_field()
    place = place_field()
    remind = remind_field()

    def __init__(self, *args, staff, booking: Booking, show_place: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staff("staff", staff, booking.booked_by)
        self.fields["staff"].initial = [u.pk for u in booking.staff.all()]
        self.fields["duration_minutes"].initial = booking.duration_minutes
        if show_place:  # else it may be a protected address
            self.fields["place"].initial = booking.place
        self.fields["remind"].initial = booking.remind


class AttendedForm(ContactForm):
    """The contact form, filled in from the booking; the person came."""

    def __init__(self, *args, booking: Booking, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["attended"]
        self.fields["kind"].initial = booking.kind
        self.fields["starts_at"].initial = timezone.localtime(booking.starts_at)
        self.fields["duration_minutes"].initial = booking.duration_minutes
        self.fields["staff"].initial = [u.pk for u in booking.staff.all()]


class GroupSessionForm(StaffMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = starts_at_field()
    duration_minutes = minutes_field()
    staff = staff_field()
    place = place_field()

    def __init__(self, *args, staff, writer, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staff("staff", staff, writer)


class SessionMoveForm(forms.Form):
    """Move a group session (and its participants' bookings): a new start, length, place."""

    starts_at = starts_at_field()
    duration_minutes = minutes_field()
    place = place_field()

    def __init__(self, *args, session, **kwargs):
        initial = {
            "starts_at": timezone.localtime(session.starts_at),
            "duration_minutes": session.duration_minutes,
            "place": session.place,
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)


class SessionCancelForm(forms.Form):
    """Cancel a group session: the unit cancels, and says why (the participants' bookings
    are cancelled with the same reason)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for cancelling.")},
    )


class CalendarForm(StaffMixin, forms.Form):
    """What a calendar shows: a day or a week, from a day, of whom (GET)."""

    view = forms.ChoiceField(
        label=_("Show"),
        choices=[("day", _("Day")), ("week", _("Week"))],
        required=False,
    )
    day = forms.DateField(
        label=_("Date"), required=False, widget=DateInput(), validators=[BOOKING_RANGE]
    )
    staff: forms.ModelChoiceField = ModelChoiceField(
        label=_("Staff member"), queryset=None, required=False
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_staff("staff", staff, None)


class GroupSessionChoiceForm(forms.Form):
    """Book the person into one of the unit's coming group sessions."""

    group_session: forms.ModelChoiceField = ModelChoiceField(
        label=_("Group session"), queryset=None
    )
    remind = remind_field()

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["group_session"]
        set_queryset(field, sessions, label=session_label)

    def action_data(self) -> dict:
        return {
            "session": self.cleaned_data["group_session"],
            "remind": self.cleaned_data["remind"],
        }


def session_label(session) -> str:
    when = timezone.localtime(session.starts_at)
    return f"{session.title}, {when:%Y-%m-%d %H:%M}"
