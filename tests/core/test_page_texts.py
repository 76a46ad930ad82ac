"""What pages say, found in a review of their screenshots: buttons that read alike in Swedish
get distinct names, the asterisk is explained once per form, titles match headings, tables have
captions, and a log review's note is shown as text, not hidden in a tooltip."""

import re

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, LogReview
from helhet.intake.models import Referral

from .. import factories as f
from ..people.utils import log_in

NOTE = "Fields marked * must be filled in."


class RequiredForm(forms.Form):
    name = forms.CharField(label="Name")
    town = forms.CharField(label="Town")
    remark = forms.CharField(label="Remark", required=False)


class OptionalForm(forms.Form):
    remark = forms.CharField(label="Remark", required=False)


def test_the_asterisk_is_explained_once_in_a_form_with_required_fields():
    html = render_to_string("includes/form_errors.html", {"form": RequiredForm()})
    assert html.count(NOTE) == 1


def test_a_form_without_required_fields_does_not_mention_the_asterisk():
    assert NOTE not in render_to_string("includes/form_errors.html", {"form": OptionalForm()})


def test_the_registration_form_explains_its_asterisks_once(client, county):
    html = log_in(client, county.nurse).get(reverse("people:register")).text
    assert html.count(NOTE) == 1 and 'class="required"' in html


def test_the_unit_switch_and_the_language_change_are_named_apart(client, county):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    html = log_in(client, county.nurse).get(reverse("people:search")).text
    assert ">Switch unit</button>" in html and ">Change language</button>" in html


def test_the_caseload_title_follows_its_heading(client, county):
    log_in(client, county.nurse, unit=county.clinic)
    mine = client.get(reverse("care:caseload")).text
    everyone = client.get(reverse("care:caseload"), {"scope": "unit"}).text
    assert "<title>My persons at Socialmedicinska mottagningen – Helhet</title>" in mine
    assert "<title>Everyone at Socialmedicinska mottagningen – Helhet</title>" in everyone


def test_every_table_of_the_referral_inbox_has_a_caption(client, county):
    f.ReferralFactory(unit=county.clinic, registered_by=county.nurse)
    f.ReferralFactory(
        unit=county.clinic,
        registered_by=county.nurse,
        state=Referral.State.DECLINED,
        decided_at=timezone.now(),
        decided_by=county.nurse,
        decline_reason="Better served by primary care.",
        redirect_to="Testby vårdcentral",
    )
    html = log_in(client, county.nurse, unit=county.clinic).get(reverse("intake:inbox")).text
    assert html.count("<table>") == len(re.findall(r"<caption[ >]", html)) == 2


def test_a_log_reviews_note_is_shown_as_text_and_identity_numbers_do_not_wrap(client, county):
    log_in(client, county.nurse, unit=county.clinic).get(
        reverse("people:overview", args=[county.patient.pk])
    )
    entry = AccessLogEntry.objects.get(person=county.patient)
    LogReview.objects.create(entry=entry, reviewed_by=county.manager, note="Asked the nurse: ok")
    html = (
        log_in(client, county.coordinator, unit=county.clinic)
        .get(reverse("access:log_review"))
        .text
    )
    assert 'title="Asked the nurse: ok"' not in html
    assert "Note: Asked the nurse: ok" in html
    number = county.patient.formatted_identity_number
    assert f'<span class="muted nowrap">{number}</span>' in html
