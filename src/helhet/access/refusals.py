"""Refused requests leave a trace: one access-log row each, action "refused".

The user is told nothing new: a person URL still answers "not found", a registration the same
form message, whatever the reason. The row names who asked (their organisation and active
unit), the person asked about when one exists, and what was asked (a catalogued phrase and
the URL's name), so that the log review sees an enumeration.

A person URL's refusal is an Http404 that ends the request; with ATOMIC_REQUESTS the request's
transaction rolls back with it, and so would a row written in it. So the policy only notes the
row on the request (`refuse`), and `RefusedRequestsMiddleware` writes the rows noted after the
response exists, outside any transaction of the view: one `append`.
"""

from __future__ import annotations

from django.http import Http404

from . import log
from .models import AccessLogEntry, Basis
from .what import AFTER_FOUND, no_person, what

# The rows noted during a request, for the middleware (absent outside a request).
PENDING = "helhet_refusals"
# The last person the policy let the user see during the request (see the middleware).
GRANTED = "helhet_person_granted"


def entry(actor: log.Actor, *, person, phrase: str, detail: object = "") -> AccessLogEntry:
    """An unsaved refused row: ACTOR asked about PERSON (or no existing person) and was refused."""
    return log.entry_for(
        actor,
        person=person,
        action=AccessLogEntry.Action.REFUSED,
        what=what(phrase, detail),
        basis=Basis.NONE,
    )


def refuse(request, *, person=None, person_id=None) -> Http404:
    """Note that REQUEST's user was refused PERSON (or PERSON_ID, which nobody has) and return
    the Http404 to raise. Call it only for a clinical user (one with an organisation)."""
    detail = view_name(request)
    if person is None and person_id is not None:
        detail = f"{detail}, {no_person(person_id)}"
    row = entry(
        log.Actor.from_request(request), person=person, phrase="request refused", detail=detail
    )
    pending = getattr(request, PENDING, None)
    if pending is None:  # not in a request that the middleware wraps: now, in its own transaction
        log.append([row])
    else:
        pending.append(row)
    return Http404()


def granted(request, person) -> None:
    """Remember that the policy let REQUEST's user see PERSON: a page that still answers "not
    found" (a write under read-only emergency access, an episode or version not theirs to act
    on) refused a request about that person, and the middleware logs it so."""
    if hasattr(request, PENDING):
        setattr(request, GRANTED, person)


def view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


class RefusedRequestsMiddleware:
    """Write the refused rows a request noted, after its view and any transaction of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending: list[AccessLogEntry] = []
        setattr(request, PENDING, pending)
        response = self.get_response(request)
        person = getattr(request, GRANTED, None)
        if response.status_code == 404 and not pending and person is not None:
            detail = f"{view_name(request)}, {AFTER_FOUND}"
            actor = log.Actor.from_request(request)
            pending.append(entry(actor, person=person, phrase="request refused", detail=detail))
        if pending:
            log.append(pending)
        return response
