"""Views: short; access through helhet.access.policy, writes through actions."""
from django.http import HttpResponse


def emergency(request):  # placeholder, replaced by the emergency-access page
    return HttpResponse(status=501)


log_review = emergency
