"""Forms for the referral pages: input shape only; the rules live in actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhet.access import contact_details
from helhet.core import limits
from helhet.core.forms import DateInput, IdMultipleChoiceField, ModelChoiceField, set_queryset
from helhet.core.models import Unit, User
from helhet.people import identity
from helhet.people.forms import PersonRegisterForm

from .models import Referral


class ReferralForm(forms.Form):
    """A referral registered by the unit's staff (from a letter, a call, or a visit)."""

    source = forms.ChoiceField(label=_("Source"), choices=Referral.Source.choices)
    referrer = forms.CharField(
        label=_("Referrer"),
        max_length=200,
        required=False,
        help_text=_("Person and workplace. Not needed for a self-referral or a relative."),
    )
    referrer_contact = forms.CharField(
        label=_("Referrer's phone or email"), max_length=200, required=False
    )
    name = forms.CharField(label=_("Name of the person"), max_length=200)
    identity_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        required=False,
        help_text=_("If the referral gives it: YYYYMMDD-NNNN."),
    )
    contact = forms.CharField(label=_("How to reach the person"), max_length=200, required=False)
    protected_identity = forms.BooleanField(
        label=_("Protected identity (contact details shown only to those allowed)"),
        required=False,
    )
    for_relative = forms.BooleanField(
        label=_(
            "The person is a relative seeking support of their own (enrolled as a relative; "
            "the age limits do not apply)"
        ),
        required=False,
    )
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limits.QUESTION_LENGTH,
        help_text=_("The referrer's question, or what help the person wants."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Referral.Urgency.choices,
        initial=Referral.Urgency.ROUTINE,
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(
        label=_("Received"),
        initial=timezone.localdate,
        widget=DateInput(),
        validators=[limits.PAST],
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        if not unit.serves_relatives:  # nothing to choose
            del self.fields["for_relative"]

    def clean_identity_number(self) -> identity.IdentityNumber | None:
        raw = self.cleaned_data["identity_number"].strip()
        return identity.parse(raw) if raw else None


class AcceptForm(PersonRegisterForm):
    """Accepting a referral: who the person is (as when registering), the episode, and the
    case managers."""

    case_managers: IdMultipleChoiceField = IdMultipleChoiceField(
        label=_("Case managers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You join the case team yourself. An ACT team names one from each side."),
    )

    def __init__(self, *args, staff, hidden_contact: dict | None = None, **kwargs):
        # Whether the person is enrolled as a relative is the referral's (`for_relative`).
        super().__init__(*args, serves_relatives=False, **kwargs)
        set_queryset(self.fields["case_managers"], staff, label=self.staff_label)
        self.hidden_contact = hidden_contact or {}

    def clean(self):
        cleaned = super().clean() or {}
        # The referral's contact details that the user may not see were left out of the form;
        # they carry over to the person while the person is registered as protected.
        if cleaned.get("protected_identity"):
            for name, value in self.hidden_contact.items():
                cleaned[name] = cleaned.get(name) or value
        return cleaned

    @staticmethod
    def staff_label(user: User) -> str:
        return f"{user} ({user.organisation})"


def accept_form(data, referral: Referral, *, roles: dict[int, str], staff) -> AcceptForm:
    """The accept form, started from what the referral says about the person; contact details
    the user may not see (protected identity) are not put in the page."""
    shown = contact_details.referral_details_shown(referral, roles=roles, access=None)
    contact = referral_contact_fields(referral)
    return AcceptForm(
        data,
        unit=referral.unit,
        initial=accept_initial(referral) | (contact if shown else {}),
        staff=staff,
        hidden_contact=None if shown else contact,
    )


def accept_initial(referral: Referral) -> dict:
    """What the referral already says about who the person is, as a starting point."""
    words = referral.name.split()
    return {
        "identity_number": referral.formatted_identity_number,
        "given_name": " ".join(words[:-1]) if len(words) > 1 else referral.name,
        "family_name": words[-1] if len(words) > 1 else "",
        "protected_identity": referral.protected_identity,
    }


def referral_contact_fields(referral: Referral) -> dict:
    """The referral's way to reach the person as the person's e-mail or phone field."""
    contact = referral.contact
    return {
        "email": contact if "@" in contact and " " not in contact else "",
        "phone": contact[:40] if contact and "@" not in contact else "",
    }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=limits.TEXT_LENGTH,
    )
    redirect_unit: forms.ModelChoiceField = ModelChoiceField(
        label=_("Redirected to a unit in Helhet"), queryset=None, required=False
    )
    redirect_to = forms.CharField(
        label=_("Or redirected to"),
        max_length=200,
        required=False,
        help_text=_("For example the primary care centre, social services or psychiatry."),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        set_queryset(self.fields["redirect_unit"], Unit.objects.exclude(pk=unit.pk))


class SelfReferralForm(forms.Form):
    """The public page: plain words, few fields, nothing that identifies a person by number."""

    SELF, RELATIVE, OWN_SUPPORT = "self", "relative", "own_support"

    ABOUT = [
        (SELF, _("About me")),
        (RELATIVE, _("About someone close to me")),
        (OWN_SUPPORT, _("About me: I want support as someone close to a person")),
    ]

    about = forms.ChoiceField(
        label=_("Who is the message about?"),
        choices=ABOUT,
        initial=SELF,
        widget=forms.RadioSelect,
        help_text=_("Someone close to you can be your child, partner, parent or friend."),
    )
    name = forms.CharField(
        label=_("Your name"), max_length=200, help_text=_("Your first name is enough.")
    )
    contact = forms.CharField(
        label=_("How can we reach you?"),
        max_length=200,
        help_text=_("A phone number or an email address. Tell us if some times are better."),
    )
    message = forms.CharField(
        label=_("What would you like help with?"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write in your own words. You do not need a referral."),
    )
    # A field people never see or fill in; automated senders fill in every field they find.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        if not unit.serves_relatives:  # support of their own is not offered to relatives here
            about = self.fields["about"]
            assert isinstance(about, forms.ChoiceField)
            about.choices = [(key, label) for key, label in self.ABOUT if key != self.OWN_SUPPORT]

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.data.get("website"))


class CommissionForm(forms.Form):
    """The commission of a referral from social services (`actions.commission_add`)."""

    task = forms.CharField(
        label=_("What social services asks the unit to do"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    questions = forms.CharField(
        label=_("Questions to answer"),
        max_length=limits.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    starts_on = forms.DateField(
        label=_("From"), widget=DateInput(), validators=[limits.REVIEW_RANGE]
    )
    ends_on = forms.DateField(
        label=_("Until"), widget=DateInput(), validators=[limits.REVIEW_RANGE]
    )
    contact = forms.CharField(
        label=_("Contact at social services"),
        max_length=limits.NAME_LENGTH,
        help_text=_("Name, title and how to reach them."),
    )
