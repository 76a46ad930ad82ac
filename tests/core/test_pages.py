"""The site's own templates: fields tied to their help and errors, no autofocus, the page's
language and name in the document, and a 404 page in the site's layout."""

import re

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from helhet.followup.models import SteeringGroup


class SampleForm(forms.Form):
    number = forms.CharField(label="Identity number", help_text="YYYYMMDD-NNNN")
    agree = forms.BooleanField(label="Agree", help_text="Tick to agree.")
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )

    def clean_number(self):
        raise forms.ValidationError(["Wrong format.", "Unknown number."])


def render_field(field) -> str:
    return render_to_string("includes/field.html", {"field": field})


def ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_a_field_is_described_by_its_help_and_its_errors():
    form = SampleForm({"number": "1"})
    html = render_field(form["number"])
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_number_helptext id_number_error"' in html
    assert 'id="id_number_helptext"' in html and 'id="id_number_error"' in html
    assert "Wrong format." in html and "Unknown number." in html
    assert len(ids(html)) == len(set(ids(html))), "two errors must not repeat an id"
    assert '<label for="id_number">' in html


def test_a_valid_field_is_described_by_its_help_only():
    html = render_field(SampleForm()["number"])
    assert 'aria-describedby="id_number_helptext"' in html
    assert "aria-invalid" not in html


def test_a_checkbox_comes_before_its_label_and_is_described_too():
    html = render_field(SampleForm({})["agree"])
    assert html.index('type="checkbox"') < html.index('<label for="id_agree">')
    assert 'aria-describedby="id_agree_helptext id_agree_error"' in html


def test_a_group_of_checkboxes_is_a_fieldset_named_by_its_legend():
    html = render_field(SampleForm({})["kinds"])
    assert "<fieldset" in html and "<legend>Kinds" in html
    assert 'aria-describedby="id_kinds_error"' in html


def test_the_error_summary_links_each_error_to_its_field():
    form = SampleForm({"number": "1"})
    html = render_to_string("includes/form_errors.html", {"form": form})
    assert 'role="alert"' in html
    assert '<a href="#id_number">Identity number: Wrong format.</a>' in html
    assert '<a href="#id_kinds_0">' in html  # the first checkbox of the group


def test_the_login_page_has_no_autofocus_so_the_first_tab_reaches_the_skip_link(client, db):
    html = client.get(reverse("login")).text
    assert "autofocus" not in html
    assert html.index('class="skip-link"') < html.index('name="username"')


def test_a_failed_login_names_the_error_in_the_title(client, county):
    response = client.post(reverse("login"), {"username": "nurse", "password": "wrong"})
    assert re.search(r"<title>Error: Log in – Helhet</title>", response.text)


def test_the_page_language_follows_the_active_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    swedish = client.get(reverse("login")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("login")).text
    assert '<html lang="sv">' in swedish and '<html lang="en">' in english


def test_the_current_page_is_marked_in_the_menu(client, county):
    client.force_login(county.nurse)
    html = client.get(reverse("people:search")).text
    assert re.search(r'href="/persons/" aria-current="page"', html)
    assert html.count('aria-current="page"') == 1


def test_the_menu_is_each_users_own_though_it_is_rendered_once(client, county):
    """The menu is a cached fragment (per language, page and kind of user): the manager's
    "Access log" link never reaches the nurse, nor one page's marking another's."""
    review = reverse("access:log_review")
    client.force_login(county.manager)
    assert f'href="{review}"' in client.get(reverse("people:search")).text
    # the nurse, in the clinic's steering group, has the manager's "Follow-up" link too
    group = SteeringGroup.objects.create(name="Styrgrupp")
    group.units.add(county.clinic)
    group.members.add(county.nurse)
    client.force_login(county.nurse)
    html = client.get(reverse("people:search")).text
    assert f'href="{review}"' not in html
    assert f'href="{reverse("followup:index")}"' in html
    assert re.search(r'href="/persons/" aria-current="page"', html)
    html = client.get(reverse("care:caseload")).text
    assert not re.search(r'href="/persons/" aria-current="page"', html)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert ">Sök person<" in client.get(reverse("care:caseload")).text


def test_a_page_not_found_is_in_the_site_layout_and_says_no_more(client, county):
    client.force_login(county.social_worker)
    response = client.get(reverse("people:overview", args=[county.patient.pk]))
    assert response.status_code == 404
    assert "<title>Page not found – Helhet</title>" in response.text
    assert 'class="skip-link"' in response.text
    assert "Tolvansson" not in response.text
