"""Swedish by default whatever the browser asks for; the footer's choice (a cookie) wins."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse


@override_settings(LANGUAGE_CODE="sv")
def test_an_english_browser_gets_swedish_when_no_language_was_chosen(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.wsgi_request.LANGUAGE_CODE == "sv"
    assert '<html lang="sv"' in response.text


@override_settings(LANGUAGE_CODE="sv")
def test_the_language_chosen_in_the_footer_is_kept(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv-SE")
    assert response.wsgi_request.LANGUAGE_CODE == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@override_settings(LANGUAGE_CODE="sv")
def test_a_language_not_offered_falls_back_to_swedish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert client.get(reverse("login")).wsgi_request.LANGUAGE_CODE == "sv"
