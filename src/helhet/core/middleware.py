"""The client's address behind trusted proxies, the request id for the access log, and the
user's active unit."""

import functools
import ipaddress
import re
import uuid

from django.conf import settings
from django.db.models import Count
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .models import Membership, Unit, User

ACTIVE_UNIT_SESSION_KEY = "helhet_unit_id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


# Where the proxy's own address is kept once REMOTE_ADDR names the client behind it.
PEER_ADDR = "HELHET_PEER_ADDR"
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(trusted: tuple[str, ...]) -> tuple[_Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _is_trusted(address: str, networks: tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _forwarded_client(header: str, networks: tuple[_Network, ...]) -> str | None:
    """The right-most address in X-Forwarded-For that is not itself a trusted proxy: each
    trusted proxy appends the address it was reached from, so everything left of that is the
    client's own writing. None when the header holds no well-formed address to take."""
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return None
        if not _is_trusted(address, networks):
            return address
    # Every hop is a trusted proxy: the left-most is as near the client as the chain knows.
    return str(ipaddress.ip_address(hops[0])) if hops else None


class ClientAddressMiddleware:
    """REMOTE_ADDR becomes the client's address, which everything that counts by address (the
    login lockout, the self-referral flood limit) reads. Only a request whose peer is one of
    HELHET_TRUSTED_PROXIES has its X-Forwarded-For (and the TLS proxy's X-Forwarded-Proto)
    believed; from anyone else those headers are dropped. The peer's address is kept in
    request.META["HELHET_PEER_ADDR"], and request.through_trusted_proxy says which it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta[PEER_ADDR] = peer
        networks = _networks(tuple(settings.HELHET_TRUSTED_PROXIES))
        request.through_trusted_proxy = _is_trusted(peer, networks)
        if request.through_trusted_proxy:
            client = _forwarded_client(meta.get("HTTP_X_FORWARDED_FOR", ""), networks)
            if client is not None:
                meta["REMOTE_ADDR"] = client
        else:
            meta.pop("HTTP_X_FORWARDED_FOR", None)
            if settings.SECURE_PROXY_SSL_HEADER:
                meta.pop(settings.SECURE_PROXY_SSL_HEADER[0], None)
        return self.get_response(request)


def client_address(request) -> str:
    """The client's address as ClientAddressMiddleware left it (AXES_CLIENT_IP_CALLABLE)."""
    return request.META.get("REMOTE_ADDR", "")


class RequestIdMiddleware:
    """Give each request an id for the access log: a new one, or a well-formed X-Request-ID
    from a trusted proxy (never one the client chose)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        trusted = getattr(request, "through_trusted_proxy", False)
        request.request_id = (
            incoming if trusted and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        )
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class ActiveUnitMiddleware:
    """request.memberships (the user's units) and request.unit (the one chosen to work in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Loaded once, eagerly: every authenticated page needs them, anonymous ones do not query.
        request.memberships = _memberships(request)
        request.unit = _active_unit(request)
        return self.get_response(request)


def _memberships(request) -> list[Membership]:
    if not request.user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=request.user).select_related("unit").order_by("unit__name")
    )


def _active_unit(request) -> Unit | None:
    """The unit chosen this session; at first the user's default unit, remembered."""
    memberships = request.memberships
    if not memberships:
        return None
    chosen = request.session.get(ACTIVE_UNIT_SESSION_KEY)
    for membership in memberships:
        if membership.unit_id == chosen:
            return membership.unit
    unit = default_unit(request.user, memberships)
    request.session[ACTIVE_UNIT_SESSION_KEY] = unit.pk  # asked once per session
    return unit


def default_unit(user: User, memberships: list[Membership]) -> Unit:
    """Where USER most likely works: the unit with the most open episodes on USER's case teams;
    on a tie, a unit where everyone sees the unit's persons before a case-team-only one (where a
    user on no case team sees no one), then by name."""
    if len(memberships) == 1:
        return memberships[0].unit
    open_on_team = dict(
        user.case_teams.filter(
            episode__closed_on__isnull=True,
            episode__unit__in=[m.unit_id for m in memberships],
        )
        .order_by()
        .values_list("episode__unit")
        .annotate(n=Count("pk"))
    )
    best = min(
        memberships,
        key=lambda m: (
            -open_on_team.get(m.unit_id, 0),
            m.unit.access_mode == Unit.AccessMode.CASE_TEAM,
            m.unit.name,
        ),
    )
    return best.unit


def active_membership(request) -> Membership | None:
    unit = request.unit
    for membership in request.memberships:
        if unit is not None and membership.unit_id == unit.pk:
            return membership
    return None


class LanguageMiddleware(LocaleMiddleware):
    """Swedish unless the user chose another language in the footer (kept in a cookie).

    The browser's Accept-Language is not asked: many Swedish workplaces run English-language
    Windows, and the staff there expect the system in Swedish.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        offered = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in offered else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
