"""The request's real client address behind a trusted reverse proxy, and the session's guard."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(remote_addr: str, forwarded_for: str, trusted: list[str]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy, then the right-most address of
    X-Forwarded-For that is not itself a trusted proxy (the left-most ones are whatever the client wrote)."""
    if remote_addr not in trusted or not forwarded_for:
        return remote_addr
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop if _is_address(hop) else remote_addr
    return remote_addr


class TrustedProxyMiddleware:
    """Sets REMOTE_ADDR to the real client address and removes X-Forwarded-For, so that django-axes, the audit log
    and the throttles all read one address that a client cannot choose."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        meta["REMOTE_ADDR"] = client_address(
            meta.get("REMOTE_ADDR", ""), meta.pop("HTTP_X_FORWARDED_FOR", ""), settings.CHIBO_TRUSTED_PROXIES
        )
        return self.get_response(request)


class SessionGuardMiddleware:
    """Session expiry, "log out everywhere" and the required second factor (filled in by the accounts work)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
