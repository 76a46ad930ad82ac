"""Follow-up pages (placeholder until the pages land)."""

from django.http import Http404


def _not_yet(request, **kwargs):
    raise Http404


index = unit = trend = county = definitions = _not_yet
