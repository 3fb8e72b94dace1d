"""The request's real client address behind a trusted reverse proxy, and the session's guard."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from apps.accounts.queries import second_factor as queries_second_factor
from apps.accounts.rules import sessions as rules
from apps.accounts.services import sessions


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _networks(trusted: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The trusted proxies as networks: single addresses or ranges ("10.0.0.0/24"), spaces around them ignored."""
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(value: str, networks) -> bool:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # "::ffff:127.0.0.1" is 127.0.0.1
    return any(address.version == n.version and address in n for n in networks)


def client_address(remote_addr: str, forwarded_for: str, trusted: list[str]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy, then the right-most address of
    X-Forwarded-For that is not itself a trusted proxy (the left-most ones are whatever the client wrote)."""
    networks = _networks(trusted)
    if not forwarded_for or not _is_trusted(remote_addr, networks):
        return remote_addr
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop if _is_address(hop) else remote_addr
    return remote_addr


class TrustedProxyMiddleware:
    """Sets REMOTE_ADDR to the real client address and removes X-Forwarded-For, so that django-axes, the audit log
    and the throttles all read one address that a client cannot choose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        if not _is_trusted(peer, _networks(settings.CHIBO_TRUSTED_PROXIES)):
            # Only the proxy says whether the client came over https (SECURE_PROXY_SSL_HEADER in production).
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        meta["REMOTE_ADDR"] = client_address(peer, meta.pop("HTTP_X_FORWARDED_FOR", ""), settings.CHIBO_TRUSTED_PROXIES)
        return self.get_response(request)


def remote_addr(request) -> str:
    """django-axes' client address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, as TrustedProxyMiddleware left it."""
    return request.META.get("REMOTE_ADDR", "")


SEEN_COOKIE = "chibo_seen"
# A page's own polling (htmx, every few seconds) says so in this header: it is not the person at the screen, so it
# does not keep an idle session alive (a desktop left on a live meeting's page still times out).
POLL_HEADER = "X-Chibo-Poll"
# Paths a session that still owes its second factor may open (besides the static files).
OPEN_NAMES = {"logout", "accounts:otp_setup", "accounts:verify"}


class SessionGuardMiddleware:
    """Ends a session idle for CHIBO_SESSION_IDLE_MINUTES or older than CHIBO_SESSION_MAX_HOURS ("log out
    everywhere" deletes the other sessions' rows: services.sessions); and, with CHIBO_OTP_REQUIRED, sends a
    person who must use a second factor to set it up (or to give the code) before any other page.

    The last request's time travels in a signed cookie bound to the session (not in the session itself), so that
    reading a page writes nothing to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == reverse("admin:login"):
            # The admin's own login would log in with the password alone; ours asks for the second factor.
            query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
            return HttpResponseRedirect(f"{reverse('login')}?{query}")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._guard(request, user)
            if response is not None:
                return response
        response = self.get_response(request)
        polled = request.headers.get(POLL_HEADER) == "1"
        if request.user.is_authenticated and request.session.session_key and not polled:
            response.set_signed_cookie(
                SEEN_COOKIE,
                str(int(sessions.now())),
                salt=self._salt(request),
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _salt(request) -> str:
        return "accounts.seen:" + (request.session.session_key or "")

    def _guard(self, request, user):
        session = request.session
        try:
            seen = float(request.get_signed_cookie(SEEN_COOKIE, salt=self._salt(request)))
        except (KeyError, ValueError, signing.BadSignature):
            seen = None
        reason = rules.session_end_reason(
            now=sessions.now(),
            started=session.get(sessions.STARTED),
            seen=seen,
            idle_seconds=settings.CHIBO_SESSION_IDLE_MINUTES * 60,
            max_seconds=settings.CHIBO_SESSION_MAX_HOURS * 3600,
        )
        if reason is not None:
            logout(request)
            return _go(request, f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if (
            settings.CHIBO_OTP_REQUIRED
            and not user.is_verified()
            and not self._open(request)
            and queries_second_factor.must_use_second_factor(user)
        ):
            if queries_second_factor.confirmed_devices(user):
                return _go(request, reverse("accounts:verify"))
            return _go(request, reverse("accounts:otp_setup"))
        return None

    @staticmethod
    def _open(request) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in OPEN_NAMES


def _go(request, url: str):
    """A redirect; for htmx, one it follows as a full page load."""
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
