"""Follow-up exports in the background (django-tasks): ask, compute, write, keep for a while.

- `export_start` checks the request as the pages' filter forms do (the scope's form: period,
  breakdown, unit type, trend length), the unit against `access.unit_followup` (a unit one may
  not follow up is "not found"), saves an `ExportJob` and queues `run_export`.
- `run_export`, run by `helhet db_worker` (at once in the tests), checks the same again for the
  job's owner — access may have ended since — computes the reports (from the read replica where
  there is one, `core.replica`; the checks on the primary), always suppressed (an
  export leaves the unit) in one computation as the pages make them (a county's units and a
  trend's periods together), writes the file and records its progress (5 % computing, 90 %
  writing, 100 % done). Whatever goes wrong ends the job as failed with a message in the
  owner's language, never half done.
- Files older than HELHET_EXPORT_KEEP_DAYS are deleted by every run.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.choices import flatten_choices
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from helhet.core import pdf
from helhet.core.models import Unit, User
from helhet.core.replica import reading_from_replica
from helhet.governance import deviations, targets
from helhet.surveys import results as survey_results

from . import access, exports, indicators
from .forms import CountyFilterForm, TrendFilterForm, UnitFilterForm
from .models import ExportJob
from .periods import Period

logger = logging.getLogger(__name__)

FORMS = {"unit": UnitFilterForm, "county": CountyFilterForm, "trend": TrendFilterForm}
WRITERS: dict[str, Callable[[exports.Export], bytes]] = {
    ExportJob.Format.XLSX: exports.write_xlsx,
    ExportJob.Format.CSV: exports.write_csv,
    ExportJob.Format.PDF: exports.write_pdf,
}
CONTENT_TYPES = {
    ExportJob.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportJob.Format.CSV: "text/csv; charset=utf-8",
    ExportJob.Format.PDF: "application/pdf",
}
PDF_UNAVAILABLE = gettext_lazy(
    "The server cannot make PDF files at the moment. Export as xlsx or CSV instead, or ask "
    "the administrator to install WeasyPrint."
)

NEVER_FINISHED = gettext_lazy("The export never finished. Start it again.")


class BadExport(Exception):
    """A request that is not an export: an unknown format or scope (400, with the reason)."""


@dataclass(frozen=True)
class Spec:
    """A checked export request: the scope, the units it covers, the period(s), the breakdown."""

    scope: str
    title: str
    slug: str
    units: list[Unit]
    periods: list[Period]
    breakdown: str
    group: str = "total"  # a trend or comparison of one sex, age group or municipality

    @property
    def period_label(self) -> str:
        first, last = self.periods[0], self.periods[-1]
        return first.label if first == last else f"{first.label}–{last.label}"

    @property
    def period_slug(self) -> str:
        first, last = self.periods[0], self.periods[-1]
        return first.slug if first == last else f"{first.slug}_{last.slug}"


def export_spec(user: User, data: Mapping[str, str]) -> Spec:
    """The export DATA asks USER for. BadExport for an unknown scope; Http404 for a unit USER
    may not follow up (or that does not exist), or when USER follows up none (county);
    ValidationError with the filter form's messages for a bad period, breakdown or unit type."""
    scope = data.get("scope", "")
    if scope not in FORMS:
        raise BadExport(_("Unknown export scope: choose a unit, the county or a trend."))
    unit = None
    if scope == "county":
        access.require_followup(user)
    else:
        unit = access.unit_followup(user, _int_or_404(data.get("unit_id"))).unit
    form = (
        TrendFilterForm(data, unit_type=unit.unit_type if unit else "")
        if scope == "trend"
        else FORMS[scope](data)
    )
    if not form.is_valid():
        raise ValidationError([m for errors in form.errors.values() for m in errors])
    period = form.cleaned_data["period"]
    group = form.cleaned_data.get("group") or "total"
    # a group's label as its form offers it: a trend's or a comparison's one column
    field = cast(forms.ChoiceField | None, form.fields.get("group"))
    choices: Any = field.choices if field else []
    label = str(dict(flatten_choices(choices)).get(group, ""))
    if scope == "county":
        unit_type = form.cleaned_data["unit_type"]
        title, slug = str(Unit.Type(unit_type).label), slugify(unit_type)
        if group != "total":
            title, slug = f"{title}, {label}", slugify(f"{unit_type} {label}")
        units = list(access.county_units(unit_type))
        return Spec(scope, title, slug, units, [period], "total", group)
    assert unit is not None  # (a unit's or a trend's export)
    periods = period.preceding(form.cleaned_data["count"]) if scope == "trend" else [period]
    breakdown = form.cleaned_data.get("breakdown") or "total"
    if group == "total":
        return Spec(scope, unit.name, unit.slug, [unit], periods, breakdown)
    title = f"{unit.name}, {label}"
    return Spec(scope, title, slugify(f"{unit.slug} {group}"), [unit], periods, breakdown, group)


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def export_start(user: User, data: Mapping[str, str]) -> ExportJob:
    """Check the export DATA asks USER for (see `export_spec`; BadExport for an unknown format)
    and queue it: the job, with the request's language for its file and messages."""
    export_format = data.get("format", "")
    if export_format not in ExportJob.Format.values:
        raise BadExport(_("Unknown export format: choose xlsx, CSV or PDF."))
    spec = export_spec(user, data)
    params = {name: data[name] for name in PARAMS if data.get(name) not in (None, "")}
    params["language"] = translation.get_language()
    params["label"] = f"{spec.title}, {spec.period_label}"  # for the list, in this language
    # The database backend queues in the job's transaction: no job without its task, and the
    # worker never sees a task without its job (the tests' immediate backend runs it here).
    with transaction.atomic():
        job = ExportJob.objects.create(owner=user, params=params, format=export_format)
        run_export.enqueue(job_id=job.pk)
    return job


PARAMS = (
    "scope",
    "unit_id",
    "unit_type",
    "kind",
    "year",
    "quarter",
    "month",
    "start",
    "end",
    "breakdown",
    "count",
    "group",
)


@task()
def run_export(job_id: int) -> str:
    """Make the file of the export JOB_ID (see the module's docstring); its final state."""
    purge_old_files()
    queued = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED)
    if not queued.update(state=ExportJob.State.RUNNING, progress=1):
        return "not queued"  # run already, or deleted
    job = ExportJob.objects.select_related("owner").defer("content").get(pk=job_id)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            spec = export_spec(job.owner, job.params)
            export = _compute(job, spec, progress=lambda p: _update(job, progress=p))
            content = WRITERS[job.format](export)
        except pdf.PdfUnavailable:
            return _fail(job, str(PDF_UNAVAILABLE))
        except Http404:
            return _fail(job, _("You may no longer follow up this unit."))
        except (ValidationError, BadExport) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            return _fail(job, " ".join(messages))
        except Exception:
            logger.exception("Follow-up export %s failed", job_id)
            return _fail(job, _("The export failed. Try again, or tell the administrator."))
    filename = f"helhet-{spec.slug}-{spec.period_slug}.{job.format}"
    _update(
        job,
        state=ExportJob.State.DONE,
        progress=100,
        content=content,
        filename=filename,
        finished_at=timezone.now(),
    )
    return job.state


@reading_from_replica()
def _compute(job: ExportJob, spec: Spec, *, progress: Callable[[int], None]) -> exports.Export:
    """The reports, suppressed, in the pages' one computation per scope (a county's units and a
    trend's periods together, in the same queries): progress 5 % while it runs, 90 % after."""
    progress(5)
    [unit, *_others] = spec.units
    if spec.scope == "county":
        reports = indicators.county_comparison(
            spec.units, spec.periods[0], group=spec.group, suppress=True
        )
    elif spec.scope == "trend":
        reports = indicators.trend(unit, spec.periods, group=spec.group, suppress=True)
    else:
        reports = [
            indicators.unit_report(unit, spec.periods[0], breakdown=spec.breakdown, suppress=True)
        ]
    progress(90)
    owner = job.owner
    found, surveys = [], []
    if spec.scope == "unit":  # by the rule of the unit's page and the steering group's
        period = spec.periods[0]
        found = deviations.figures(
            deviations.reported_in([unit], *period.bounds()), timezone.localdate()
        )
        surveys = survey_results.unit_results(unit, period)
    return exports.Export(
        scope=spec.scope,
        title=spec.title,
        period_label=spec.period_label,
        breakdown=spec.breakdown,
        reports=reports,
        made_at=timezone.localtime(),
        made_by=owner.get_full_name() or owner.get_username(),
        deviations=found,
        surveys=surveys,
        # the agreement's targets are the unit's, not one group's
        targets=targets.held(reports) if spec.group == "total" else [],
    )


def _update(job: ExportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    # An update of its own (autocommitted) for each step: the status page polls from another
    # process while the worker runs.
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def _fail(job: ExportJob, message: str) -> str:
    _update(job, state=ExportJob.State.FAILED, message=message, finished_at=timezone.now())
    return job.state


def purge_old_files(now: datetime.datetime | None = None) -> int:
    """Delete the files of the exports made more than HELHET_EXPORT_KEEP_DAYS ago (the job
    stays, without file or file name), and fail the jobs that never finished by then (a
    worker stopped under them); how many files."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.HELHET_EXPORT_KEEP_DAYS)
    old = ExportJob.objects.filter(created_at__lt=cutoff)
    old.filter(state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]).update(
        state=ExportJob.State.FAILED, message=str(NEVER_FINISHED), finished_at=now
    )
    return old.filter(content__isnull=False).update(content=None, filename="")
