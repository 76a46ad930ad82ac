"""No double write: every create form carries a one-time key; a repeated submission of it is
answered with the first one's result.

- `{% submission %}` (a template builtin, see settings.TEMPLATES) renders a hidden input
  `submission` with a fresh random key into a form.
- `@once` on the view: a POST with a key first INSERTs a `Submission` row with that key, in
  one transaction with everything the view writes. A copy of the same POST (a double click, a
  reload, a resent request) fails on the unique key — on PostgreSQL a copy arriving at the
  same time waits on the unique index until the first commits — and is redirected where the
  first one was, with "This was already saved", writing nothing (no row, no log row).
- Only a redirect (the action succeeded, or the view sent the user elsewhere) keeps the key:
  a form sent back with errors, or an exception, frees it again in the same transaction, so
  the corrected form (or a waiting copy) runs as a first submission. What the view wrote
  besides (the form's read log row) is kept as it would be without a key.
- A POST without the key (an old page, an API client, the tests that post by hand) is handled
  as before, unprotected. A key that is not one of ours is refused (400).
- Keys older than `KEEP` are deleted by `forget_old()` (`helhet remind`, run from cron).
"""

import datetime
import re
import secrets
from collections.abc import Callable
from functools import wraps

from django import template
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import Submission

FIELD = "submission"
KEEP = datetime.timedelta(days=1)
_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")


def new_key() -> str:
    """256 random bits as 64 hex digits (shaped like Django's CSRF token, which tests that
    compare two pages word for word already strip)."""
    return secrets.token_hex(32)


register = template.Library()


@register.simple_tag
def submission() -> str:
    """A hidden input with a fresh one-time key: put it in every create form."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


class _Repeated(Exception):
    pass


def once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a repeated POST of the same form key with the first one's redirect (see above)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = request.POST.get(FIELD) if request.method == "POST" else None
        if not key:
            return view(request, *args, **kwargs)
        if not _KEY.fullmatch(key):
            return HttpResponseBadRequest(_("The form's submission key is not valid."))
        user_id = request.user.pk if request.user.is_authenticated else None
        try:
            response, error = _first(view, request, key, user_id, *args, **kwargs)
        except _Repeated:
            return _repeated(request, key, user_id)
        if error is not None:
            raise error
        return response

    return wrapper


def _first(view, request, key: str, user_id: int | None, *args, **kwargs):
    """Run the view as the first submission of KEY: (its response, or the exception it raised,
    re-raised by the caller once what it wrote is committed as it would be without a key)."""
    response, error = None, None
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = Submission.objects.create(key=key, user_id=user_id)
        except IntegrityError:
            raise _Repeated from None
        try:
            response = view(request, *args, **kwargs)
        except Exception as raised:  # noqa: BLE001 - re-raised by the caller
            error = raised
        if transaction.get_rollback():
            return response, error  # a broken transaction: everything rolls back
        if error is None and isinstance(response, HttpResponseRedirect):
            row.result_url = response.url
            row.save(update_fields=["result_url"])
        else:
            row.delete()
    return response, error


def _repeated(request: HttpRequest, key: str, user_id: int | None) -> HttpResponse:
    first = Submission.objects.filter(key=key).first()
    if first is None or first.user_id != user_id or not first.result_url:
        return HttpResponseBadRequest(_("This form was already sent. Open it again."))
    messages.info(request, _("This was already saved."))
    return HttpResponseRedirect(first.result_url)


def forget_old(now: datetime.datetime | None = None) -> int:
    """Delete the keys older than KEEP; the number deleted."""
    deleted, _rows = Submission.objects.filter(
        created_at__lt=(now or timezone.now()) - KEEP
    ).delete()
    return deleted
