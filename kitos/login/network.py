"""The client's address, the same for the lockout, the API throttles and the logs."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, unless KITOS_TRUSTED_PROXY_COUNT says how many proxies of our own
    stand in front: then the address the outermost of them saw, counted from the right
    of X-Forwarded-For (anything further left was written by the client)."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.KITOS_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxies, len(addresses))]
