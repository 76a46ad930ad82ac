"""Follow-up exports (placeholder until the exports land)."""

from django.http import Http404


def _not_yet(request, **kwargs):
    raise Http404


exports = new_export = export_status = export_download = _not_yet
