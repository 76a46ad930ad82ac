"""Helhet's URLs plus /bench/minimal/: the baseline page for the benchmark.

The minimal view runs the same middleware stack (session, auth, active unit) but reads no
person data and renders no template.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from helhet.urls import urlpatterns as helhet_urlpatterns


@login_required
def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    *helhet_urlpatterns,
]
