"""The timeline's filter: which kinds of items, and where the page starts (the cursor)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .cursor import Cursor
from .selectors import GROUPS, KINDS


class TimelineFilter(forms.Form):
    """A GET form: checkboxes for the kinds; `before` comes from the "older items" link."""

    kind = forms.MultipleChoiceField(
        label=_("Show"),
        choices=[(code, label) for code, (label, _sources) in GROUPS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    before = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean_before(self) -> Cursor | None:
        text = self.cleaned_data["before"]
        if not text:
            return None
        cursor = Cursor.parse(text, KINDS)
        if cursor is None:
            raise ValidationError(
                _("The link to older items is not valid; the newest items are shown.")
            )
        return cursor

    def query(self) -> dict:
        """The arguments of `timeline_page`; what is not valid falls back to the newest of
        every kind (the errors are shown with the form)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        # A kind repeated in the address counts once (else its query would run again).
        kinds = list(dict.fromkeys(data.get("kind") or []))
        return {"before": data.get("before"), "kinds": kinds or None}
