"""Finding a person: by identity number in any written form or by name, among visible persons."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helhet.access.models import Basis

from .. import factories as f
from ..log_rows import named
from .utils import log_in, log_rows


def search(client, q):
    return client.get(reverse("people:search"), {"q": q})


def test_nurse_finds_the_patient_by_the_ten_digit_number_and_the_hit_is_logged(client, county):
    number = county.patient.identity_number
    response = search(log_in(client, county.nurse), f"{number[2:8]}-{number[8:]}")
    assert "Tolvansson, Tolvan" in response.text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("search", "search", Basis.OWN_ORGANISATION)


def test_name_words_must_all_match(client, county):
    log_in(client, county.nurse)
    assert "Tolvansson, Tolvan" in search(client, "tolv tolvansson").text
    assert "Tolvansson, Tolvan" not in search(client, "tolvan nobody").text


def test_a_text_over_the_fields_length_is_refused_with_a_reason_not_searched(client, county):
    log_in(client, county.nurse)
    response = search(client, "Tolvansson " * 10)  # 110 characters
    assert response.status_code == 200
    assert "at most 100 characters" in response.text
    assert "Tolvansson, Tolvan" not in response.text and not log_rows(county.patient)
    assert "Tolvansson, Tolvan" in search(client, "Tolvansson " * 9).text  # 99 are searched


def test_a_part_of_the_number_finds_the_patient(client, county):
    response = search(log_in(client, county.nurse), county.patient.identity_number[:8])
    assert "Tolvansson, Tolvan" in response.text


def test_social_worker_without_consent_learns_nothing_and_is_offered_emergency_access(
    client, county
):
    response = search(log_in(client, county.social_worker), county.patient.identity_number)
    assert "Tolvansson" not in response.text
    assert "No person you have access to matches" in response.text
    assert (
        f"{reverse('access:emergency')}?identity_number={county.patient.identity_number}"
        in response.text
    )
    assert log_rows() == []


def test_a_search_by_name_offers_no_emergency_access(client, county):
    response = search(log_in(client, county.social_worker), "Tolvansson")
    assert "No person you have access to matches" in response.text
    assert "identity_number=" not in response.text


def test_social_worker_with_consent_finds_the_patient_on_consent_basis(
    client, county, consent_for_coordination
):
    response = search(log_in(client, county.social_worker), "Tolvansson")
    assert "Tolvansson, Tolvan" in response.text
    assert [r.basis for r in log_rows(county.patient)] == [Basis.CONSENT]


def test_a_person_under_emergency_access_is_found_and_logged_as_emergency(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    response = search(log_in(client, county.outsider), "Tolvansson")
    assert "Tolvansson, Tolvan" in response.text
    assert [r.basis for r in log_rows(county.patient)] == [Basis.EMERGENCY]


def _search_statements(client, q) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert search(client, q).status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_a_search_by_identity_number_or_name_is_read_without_a_count(client, county):
    log_in(client, county.nurse)
    for q in (county.patient.identity_number, "Tolvansson"):
        for statement in _search_statements(client, q):
            assert "COUNT(" not in statement.upper(), statement


def test_a_name_search_takes_the_same_queries_for_one_hit_and_a_page_full(
    client, county, django_assert_num_queries, settings
):
    log_in(client, county.nurse)
    one = len(_search_statements(client, "Tolvansson"))
    assert "add a given name" not in search(client, "Tolvansson").text
    for _ in range(30):
        person = f.PersonFactory(family_name="Tolvansson", registered_by=county.nurse)
        f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
    with django_assert_num_queries(one):
        response = search(client, "Tolvansson")
    assert response.text.count("Tolvansson, ") == settings.HELHET_SEARCH_PAGE_SIZE == 25
    rows = log_rows()
    assert len(rows) == 3  # one row a search
    assert len(named(rows)) == 2 + 25  # two searches of one hit, then one page
    # More match than a page holds: the page says how to narrow the search.
    assert "More persons match than one page shows" in response.text


def test_search_results_page_forward_and_back(client, county, settings):
    settings.HELHET_SEARCH_PAGE_SIZE = 1
    other = f.PersonFactory(
        given_name="Tolva", family_name="Tolvansson", registered_by=county.nurse
    )
    f.EpisodeFactory(person=other, unit=county.clinic, opened_by=county.nurse)
    log_in(client, county.nurse)
    first = search(client, "Tolvansson").text
    assert "Tolvansson, Tolva<" in first and "page=2" in first and "Previous" not in first
    second = client.get(reverse("people:search"), {"q": "Tolvansson", "page": 2}).text
    assert "Tolvansson, Tolvan<" in second and "Previous" in second and "page=3" not in second
