"""Follow-up exports: start one (POST from a follow-up page), watch it, download it, list mine.

Only someone who may follow up a unit has exports (`access.require_followup`, else "not
found"); a job is its owner's alone: anyone else's job is "not found" too. The work is done by
`tasks.run_export` in the background; the status page polls with htmx until it is finished
(answering 286, htmx's "stop polling", once it is).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from helhet.core.models import User
from helhet.core.submissions import once

from . import access, tasks
from .models import ExportJob

LISTED = 50  # the latest exports listed
STOP_POLLING = 286  # htmx stops polling on this status, and swaps the content as for 200


def _context(**context) -> dict:
    return {"keep_days": settings.HELHET_EXPORT_KEEP_DAYS, **context}


def _own_jobs(user: User):
    """USER's exports, without their files; "not found" unless USER follows up a unit."""
    access.require_followup(user)
    return ExportJob.objects.filter(owner=user).defer("content")


@login_required
@require_GET
def exports(request):
    jobs = _own_jobs(request.user)[:LISTED]
    return render(request, "followup/exports.html", _context(jobs=jobs))


@login_required
@require_POST
@once
def new_export(request):
    """Queue the export the page's form asks for and go to its status page; a request that is
    not an export (format, scope) or a bad filter (period, breakdown, unit type) is answered
    400 with the reason; a unit one may not follow up, 404."""
    try:
        job = tasks.export_start(request.user, request.POST)
    except tasks.BadExport as error:
        return _refused(request, [str(error)])
    except ValidationError as error:
        return _refused(request, error.messages)
    return redirect("followup:export_status", job_id=job.pk)


def _refused(request, reasons: list[str]):
    jobs = _own_jobs(request.user)[:LISTED]
    context = _context(jobs=jobs, refused=reasons)
    return render(request, "followup/exports.html", context, status=400)


@login_required
@require_GET
def export_status(request, job_id: int):
    job = get_object_or_404(_own_jobs(request.user), pk=job_id)
    if request.htmx:
        status = 200 if job.running else STOP_POLLING
        template = "followup/includes/export_state.html"
        return render(request, template, _context(job=job), status=status)
    return render(request, "followup/export_status.html", _context(job=job))


@login_required
@require_GET
def export_download(request, job_id: int):
    jobs = _own_jobs(request.user).filter(state=ExportJob.State.DONE, content__isnull=False)
    job = get_object_or_404(jobs.defer(None), pk=job_id)
    response = HttpResponse(
        bytes(job.content),
        content_type=tasks.CONTENT_TYPES[job.format],
        headers={"Content-Disposition": content_disposition_header(True, job.filename)},
    )
    # Figures of a unit: no shared or browser cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
