"""The public self-referral page: no login, shows nothing back, survives a flood."""

from django.test import Client
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.intake.models import Referral

from ..people.utils import log_in


def message(**changes):
    data = {
        "about": "self",
        "name": "Nils",
        "contact": "070-111 22 33, efter kl. 16",
        "message": "Jag dricker för mycket och mår dåligt.",
        "website": "",
    }
    return data | changes


def page(county):
    return reverse("intake:self_referral", args=[county.clinic.slug])


def thanks(county):
    return reverse("intake:self_referral_thanks", args=[county.clinic.slug])


def test_anyone_opens_the_page_without_logging_in(client, county):
    response = client.get(page(county))
    assert response.status_code == 200
    assert county.clinic.name in response.text
    assert 'for="id_name"' in response.text and 'for="id_message"' in response.text


def test_a_unit_that_does_not_exist_is_not_found(client, county):
    assert client.get(reverse("intake:self_referral", args=["no-such-unit"])).status_code == 404


def test_a_message_lands_in_the_units_inbox_and_the_answer_repeats_nothing(client, county):
    response = client.post(page(county), message())
    assert response.status_code == 302 and response.url == thanks(county)
    r = Referral.objects.get()
    assert (r.unit, r.source, r.name, r.contact, r.question) == (
        county.clinic,
        "self",
        "Nils",
        "070-111 22 33, efter kl. 16",
        "Jag dricker för mycket och mår dåligt.",
    )
    assert (r.identity_number, r.referrer, r.registered_by) == ("", "", None)
    text = client.get(response.url).text
    assert "Nils" not in text and "070-111" not in text and "dricker" not in text
    assert AccessLogEntry.objects.count() == 0
    log_in(client, county.nurse, county.clinic)
    assert "Jag dricker för mycket" in client.get(reverse("intake:inbox")).text


def test_a_relative_writes_as_the_sender(client, county):
    client.post(page(county), message(about="relative", name="Anna"))
    r = Referral.objects.get()
    assert (r.source, r.referrer, r.name) == ("relative", "Anna", "")


def test_a_message_with_a_field_missing_is_sent_back_and_nothing_is_stored(client, county):
    response = client.post(page(county), message(contact=""))
    assert response.status_code == 200 and "error-summary" in response.text
    assert not Referral.objects.exists()


def test_a_robot_filling_the_hidden_field_gets_the_same_answer_and_stores_nothing(client, county):
    response = client.post(page(county), message(website="http://spam.example"))
    assert response.status_code == 302 and response.url == thanks(county)
    assert not Referral.objects.exists()


def test_the_form_is_protected_against_forged_requests(county):
    client = Client(enforce_csrf_checks=True)
    assert client.post(page(county), message()).status_code == 403
    assert not Referral.objects.exists()


def test_the_answer_is_the_same_whether_or_not_the_person_is_known(client, county):
    known = message(
        name="Tolvan Tolvansson", message=f"Mitt personnummer är {county.patient.identity_number}"
    )
    unknown = message(name="Okänd Person", message="Mitt personnummer är 191212121212")
    first, second = client.post(page(county), known), client.post(page(county), unknown)
    assert (first.status_code, first.url) == (second.status_code, second.url)
    assert Referral.objects.filter(person__isnull=False).count() == 0


def test_one_sender_may_send_only_a_few_messages_an_hour(client, county, settings):
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 2
    for _ in range(2):
        assert client.post(page(county), message()).status_code == 302
    response = client.post(page(county), message())
    assert response.status_code == 429
    assert "Your message was not sent" in response.text
    assert Referral.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(page(county), message()).status_code == 302


def test_robots_count_towards_the_limit_too(client, county, settings):
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 1
    client.post(page(county), message(website="spam"))
    assert client.post(page(county), message()).status_code == 429
    assert not Referral.objects.exists()


def test_a_unit_takes_only_so_many_messages_an_hour_from_everyone(county, settings):
    settings.HELHET_SELF_REFERRAL_PER_UNIT = 3
    for n in range(3):
        assert Client(REMOTE_ADDR=f"192.0.2.{n}").post(page(county), message()).status_code == 302
    assert Client(REMOTE_ADDR="192.0.2.99").post(page(county), message()).status_code == 429
    other_unit = reverse("intake:self_referral", args=[county.other_unit.slug])
    assert Client(REMOTE_ADDR="192.0.2.99").post(other_unit, message()).status_code == 302
    assert Referral.objects.filter(unit=county.clinic).count() == 3


PROXY = "10.9.8.7"


def behind_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_behind_a_trusted_proxy_each_sender_is_counted_apart(county, settings):
    settings.HELHET_TRUSTED_PROXIES = [PROXY]
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 2
    for _ in range(2):
        assert behind_proxy("203.0.113.5").post(page(county), message()).status_code == 302
    assert behind_proxy("203.0.113.5").post(page(county), message()).status_code == 429
    assert behind_proxy("203.0.113.6").post(page(county), message()).status_code == 302


def test_a_sender_not_behind_a_trusted_proxy_cannot_choose_its_address(county, settings):
    settings.HELHET_TRUSTED_PROXIES = [PROXY]
    settings.HELHET_SELF_REFERRAL_PER_ADDRESS = 2
    for n in range(2):
        sender = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert sender.post(page(county), message()).status_code == 302
    again = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert again.post(page(county), message()).status_code == 429
    assert Referral.objects.count() == 2
