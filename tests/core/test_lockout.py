"""The login lockout counts failures per user name (from any address) and per address (with
any user names), each on its own; the address is the client's, taken from X-Forwarded-For only
when the request came through a trusted proxy."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from .. import factories as f

PASSWORD = "test-password-123"  # tests.factories.UserFactory's password
PROXY = "10.9.8.7"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.HELHET_LOGIN_FAILURE_LIMIT = 5
    settings.HELHET_LOGIN_ADDRESS_FAILURE_LIMIT = 5
    settings.HELHET_TRUSTED_PROXIES = [PROXY]


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def behind_proxy(client_address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def log_in(client: Client, username: str, password: str = "wrong-password"):
    return client.post(reverse("login"), {"username": username, "password": password})


def logs_in(client: Client, username: str) -> bool:
    response = log_in(client, username, PASSWORD)
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_spraying_many_user_names_from_one_address_locks_the_address(db):
    f.UserFactory(username="kim")
    sprayer = from_address("192.0.2.1")
    for n in range(6):
        log_in(sprayer, f"guess{n}")
    assert not logs_in(sprayer, "kim")  # right password, locked address
    assert logs_in(from_address("192.0.2.2"), "kim")  # kim is not locked elsewhere


def test_one_address_with_fewer_failures_than_the_limit_is_not_locked(db):
    f.UserFactory(username="kim")
    client = from_address("192.0.2.1")
    for n in range(4):
        log_in(client, f"guess{n}")
    assert logs_in(client, "kim")


def test_guessing_one_user_name_from_many_addresses_locks_the_user_name(db):
    f.UserFactory(username="kim")
    f.UserFactory(username="alex")
    for n in range(6):
        log_in(from_address(f"192.0.2.{10 + n}"), "kim")
    fresh = from_address("198.51.100.1")
    assert not logs_in(fresh, "kim")
    assert logs_in(from_address("198.51.100.2"), "alex")  # another name from another address


def test_the_address_limit_may_be_higher_than_the_user_name_limit(db, settings):
    """Many staff behind one hospital address: their few typos do not lock each other out."""
    settings.HELHET_LOGIN_ADDRESS_FAILURE_LIMIT = 20
    f.UserFactory(username="kim")
    hospital = from_address("192.0.2.1")
    for n in range(10):
        log_in(hospital, f"colleague{n}")
    assert logs_in(hospital, "kim")
    for n in range(10, 20):
        log_in(hospital, f"colleague{n}")
    assert not logs_in(from_address("192.0.2.1"), "kim")


def test_a_login_does_not_start_its_address_over(db):
    """A sprayer with one account of their own cannot wipe the address's count by using it."""
    f.UserFactory(username="own")
    f.UserFactory(username="kim")
    sprayer = from_address("192.0.2.1")
    for n in range(4):
        log_in(sprayer, f"guess{n}")
    assert logs_in(sprayer, "own")
    sprayer.logout()
    log_in(sprayer, "guess5")
    assert not logs_in(sprayer, "kim")


def test_behind_a_trusted_proxy_clients_are_counted_apart(db):
    f.UserFactory(username="kim")
    for n in range(6):
        log_in(behind_proxy("203.0.113.5"), f"guess{n}")
    assert not logs_in(behind_proxy("203.0.113.5"), "kim")
    assert logs_in(behind_proxy("203.0.113.6"), "kim")
    recorded = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert recorded == {"203.0.113.5"}  # the client's address, never the proxy's


def test_the_right_most_address_that_is_not_a_trusted_proxy_is_the_clients(db):
    """The client may write anything left of what the proxy appends."""
    f.UserFactory(username="kim")
    for n in range(6):
        client = behind_proxy(f"198.51.100.{n}, 203.0.113.5")
        log_in(client, f"guess{n}")
    assert not logs_in(behind_proxy("203.0.113.6, 203.0.113.5"), "kim")
    assert logs_in(behind_proxy("203.0.113.5, 203.0.113.6"), "kim")


def test_a_client_not_behind_a_trusted_proxy_cannot_choose_its_address(db):
    f.UserFactory(username="kim")
    for n in range(6):
        client = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        log_in(client, f"guess{n}")
    unlocking = Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert not logs_in(unlocking, "kim")


def test_without_trusted_proxies_every_client_behind_the_proxy_has_its_address(db, settings):
    """The default: no proxy is believed, so the forwarded header changes nothing."""
    settings.HELHET_TRUSTED_PROXIES = []
    f.UserFactory(username="kim")
    for n in range(6):
        log_in(behind_proxy(f"203.0.113.{n}"), f"guess{n}")
    assert not logs_in(behind_proxy("203.0.113.99"), "kim")


@pytest.mark.parametrize(
    "language,expected",
    [
        ("en", ["Too many failed attempts", "Try again in 15 minutes, at "]),
        ("sv", ["För många misslyckade inloggningsförsök", "Försök igen om 15 minuter, klockan "]),
    ],
)
def test_the_locked_out_page_says_what_happened_and_when_to_try_again(
    db, settings, language, expected
):
    settings.HELHET_LOGIN_COOLOFF_MINUTES = 15
    f.UserFactory(username="kim")
    client = from_address("192.0.2.1")
    client.cookies["django_language"] = language
    for _ in range(5):
        response = log_in(client, "kim")
    assert response.status_code == 429
    for text in expected:
        assert text in response.text
