"""A name search among namesakes the user may not see: each page is the exact page of the
persons the user may see, in name order, and only they are logged."""

from django.urls import reverse

from .. import factories as f
from ..log_rows import named
from .utils import log_in, log_rows


def search(client, q, page=None):
    params = {"q": q} if page is None else {"q": q, "page": page}
    return client.get(reverse("people:search"), params)


def _visible(county, given):
    person = f.PersonFactory(given_name=given, family_name="Tolvansson", registered_by=county.nurse)
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.nurse)
    return person


def _invisible(county, given):
    """A namesake in the county with no relationship to the nurse."""
    return f.PersonFactory(given_name=given, family_name="Tolvansson", registered_by=county.nurse)


def test_namesakes_the_user_may_not_see_before_the_page_do_not_hide_it(client, county, settings):
    settings.HELHET_SEARCH_PAGE_SIZE = 1
    # Many invisible namesakes sort before the patient (Tolvan).
    hidden = [_invisible(county, f"A{i:02d}") for i in range(11)]
    log_in(client, county.nurse, unit=county.clinic)
    text = search(client, "Tolvansson").text
    assert "Tolvansson, Tolvan<" in text
    assert not any(f"Tolvansson, {p.given_name}<" in text for p in hidden)
    assert named(log_rows(what="search")) == [county.patient.pk]


def test_each_page_is_the_exact_page_of_visible_persons_in_name_order(client, county, settings):
    settings.HELHET_SEARCH_PAGE_SIZE = 2
    for i in range(12):  # visible and invisible namesakes, interleaved in name order
        (_visible if i % 3 == 0 else _invisible)(county, f"B{i:02d}")
    log_in(client, county.nurse, unit=county.clinic)
    expected = ["B00", "B03", "B06", "B09", "Tolvan"]  # what the nurse may see, in order
    seen = []
    for page in (1, 2, 3):
        text = search(client, "Tolvansson", page).text
        seen += [given for given in expected if f"Tolvansson, {given}<" in text]
        assert ("page=" + str(page + 1) in text) == (page < 3)
    assert seen == expected


def test_a_page_past_the_end_shows_the_first_page(client, county):
    log_in(client, county.nurse, unit=county.clinic)
    text = search(client, "Tolvansson", 7).text
    assert "Tolvansson, Tolvan<" in text
