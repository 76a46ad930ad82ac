"""The client's address and the request id: believed from the headers only when the request
came through one of HELHET_TRUSTED_PROXIES."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from helhet.core.middleware import PEER_ADDR, ClientAddressMiddleware, RequestIdMiddleware

PROXY = "10.9.8.7"


def through_middleware(**meta):
    """REMOTE_ADDR, the kept peer address, the request id and the X-Forwarded-Proto left."""
    seen = {}

    def view(request):
        seen.update(
            addr=request.META["REMOTE_ADDR"],
            peer=request.META[PEER_ADDR],
            request_id=request.request_id,
            proto=request.META.get("HTTP_X_FORWARDED_PROTO"),
        )
        return HttpResponse()

    response = ClientAddressMiddleware(RequestIdMiddleware(view))(RequestFactory().get("/", **meta))
    assert response["X-Request-ID"] == seen["request_id"]
    return seen


@pytest.fixture(autouse=True)
def proxies(settings):
    settings.HELHET_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16", "2001:db8::/32"]


@pytest.mark.parametrize(
    "forwarded,client",
    [
        ("203.0.113.5", "203.0.113.5"),
        ("198.51.100.1, 203.0.113.5", "203.0.113.5"),  # the client wrote the first one
        ("203.0.113.5, 10.1.2.3", "203.0.113.5"),  # a second trusted proxy appended its peer
        ("10.1.2.3", "10.1.2.3"),  # every hop trusted: the left-most
        ("2001:db8::1, 2001:db9::5", "2001:db9::5"),
        ("", PROXY),  # nothing forwarded: the proxy's own address
        ("203.0.113.5, not-an-address", PROXY),  # the proxy's hop unreadable: nothing taken
    ],
)
def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop(forwarded, client):
    seen = through_middleware(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert (seen["addr"], seen["peer"]) == (client, PROXY)


def test_a_client_not_behind_a_trusted_proxy_keeps_its_own_address():
    seen = through_middleware(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert (seen["addr"], seen["peer"]) == ("192.0.2.1", "192.0.2.1")


def test_a_trusted_proxy_says_whether_the_request_came_over_https(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = through_middleware(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert seen["proto"] == "https"
    untrusted = through_middleware(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_PROTO="https")
    assert untrusted["proto"] is None


def test_the_request_id_of_a_trusted_proxy_is_kept():
    seen = through_middleware(REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert seen["request_id"] == "proxy-id-12345678"


def test_a_client_not_behind_a_trusted_proxy_cannot_choose_its_request_id():
    seen = through_middleware(REMOTE_ADDR="192.0.2.1", HTTP_X_REQUEST_ID="chosen-id-12345678")
    assert seen["request_id"] != "chosen-id-12345678"
    assert len(seen["request_id"]) == 32


def test_a_malformed_request_id_from_a_trusted_proxy_is_replaced():
    seen = through_middleware(REMOTE_ADDR=PROXY, HTTP_X_REQUEST_ID="bad id; DROP")
    assert seen["request_id"] != "bad id; DROP" and len(seen["request_id"]) == 32


def test_a_page_request_logs_the_new_request_id_not_the_clients(client, county):
    """Through the whole stack: the access log's row carries the id the app gave."""
    from django.urls import reverse

    from helhet.access.models import AccessLogEntry

    client.force_login(county.nurse)
    response = client.get(
        reverse("people:overview", args=[county.patient.pk]),
        HTTP_X_REQUEST_ID="chosen-id-12345678",
    )
    assert response.status_code == 200
    row = AccessLogEntry.objects.latest("pk")
    assert row.request_id == response["X-Request-ID"] != "chosen-id-12345678"
