"""Rate limits that count what an attacker must repeat: failed API authentications per
client address, and password reset requests per address asked for and per client.

They reuse Django REST framework's SimpleRateThrottle (the cache-backed sliding window
the API's other throttles use) but record only the events that count, not every request.
"""

from __future__ import annotations

import re

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .network import client_ip

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class EventThrottle(SimpleRateThrottle):
    """Counts events (``record``) per key and refuses (``blocked``) once the rate is used
    up. Rates read "30/15m": 30 in 15 minutes (also "5/h", "100/day")."""

    rate_setting = ""

    def __init__(self):
        self.rate = getattr(settings, self.rate_setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.history: list[float] = []

    def parse_rate(self, rate):
        match = _RATE.match(rate or "")
        if not match:
            raise ValueError(f"{self.rate_setting}: not a rate like '30/15m': {rate!r}")
        count, multiplier, unit = match.groups()
        return int(count), int(multiplier or 1) * _SECONDS[unit]

    def _load(self, ident) -> None:
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()

    def blocked(self, ident) -> bool:
        if ident is None:
            return False
        self._load(ident)
        return len(self.history) >= self.num_requests

    def record(self, ident) -> None:
        if ident is None:
            return
        self._load(ident)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)

    def wait_seconds(self) -> int:
        """After ``blocked``: seconds until the oldest counted event leaves the window."""
        if not self.history:
            return self.duration
        return max(1, int(self.duration - (self.now - self.history[-1])))


class ApiAuthFailureThrottle(EventThrottle):
    """Failed API authentications (unknown key, wrong HTTP Basic password) per client."""

    scope = "auth_failure"
    rate_setting = "KITOS_API_AUTH_FAILURE_RATE"

    @staticmethod
    def ident(request):
        return client_ip(request)


class PasswordResetAddressThrottle(EventThrottle):
    """Reset e-mails asked for one address, whoever asks: no mailbox flooding."""

    scope = "password_reset_address"
    rate_setting = "KITOS_PASSWORD_RESET_RATE"


class PasswordResetClientThrottle(EventThrottle):
    """Reset requests from one client, whatever address: no probing many addresses."""

    scope = "password_reset_client"
    rate_setting = "KITOS_PASSWORD_RESET_IP_RATE"
