"""Views: short; access through helhet.access.policy, writes through actions."""
from django.http import HttpResponse


def search(request):  # placeholder, replaced by the person pages
    return HttpResponse(status=501)


register = search
