"""Views: short; access through helhet.access.policy, writes through actions."""
from django.http import HttpResponse


def caseload(request):  # placeholder, replaced by the caseload page
    return HttpResponse(status=501)
