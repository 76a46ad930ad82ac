"""What the governance forms that may be about a person share (a deviation reported, a dispute
raised): the action run on the posted form, and the form's read of the person logged."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from helhet.access.log import Actor, record_access
from helhet.access.policy import PersonAccess
from helhet.core.forms import onto_form


def submit(request, form, action, *, access: PersonAccess | None, what: str):
    """ACTION on FORM's posted data (by the request's actor, about ACCESS's person when given):
    what it made, or None when the form is not posted or not valid, or the action refused (its
    message on the form). A form about a person shown again logs its read (WHAT)."""
    actor = Actor.from_request(request)
    if request.method == "POST" and form.is_valid():
        try:
            return action(actor=actor, access=access, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, onto_form(form, error))
    if access is not None:
        record_access(actor, access, action="read", what=what)
    return None


def person_context(access: PersonAccess | None) -> dict:
    """The form page's person and access (for the person header), when about a person."""
    return {} if access is None else {"person": access.person, "access": access}
