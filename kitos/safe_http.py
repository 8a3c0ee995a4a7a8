"""Outgoing HTTP requests to addresses users typed in (the external references' link
check, the webhooks' POSTs): only http and https, never to the municipality's own network, with a
timeout on every step and a bounded number of redirects.

Why not a plain ``urllib.request.urlopen``: a link to ``http://10.0.0.5/admin`` or a
redirect to ``http://169.254.169.254/`` (a cloud's metadata service) would let anyone who
can save a link make the server probe the internal network. Every host is resolved
here first, every address it resolves to must be public (``ipaddress.is_global``), and the
connection is then made to that vetted address (so a second DNS answer cannot swap in
an internal one). Each redirect is checked the same way before it is followed.
"""

from __future__ import annotations

import dataclasses
import http.client
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

USER_AGENT = "kitos-linkcheck/1.0 (+https://github.com/os2kitos)"
MAX_REDIRECTS = 5
ALLOWED_SCHEMES = ("http", "https")


class Outcome:
    """How a check ended (the values are stored on ExternalReference.check_status)."""

    OK = "ok"                    # the page answered (2xx, or a login/ratelimit wall)
    BROKEN = "broken"            # the server answered that the page is not there / fails
    UNREACHABLE = "unreachable"  # no answer: DNS, connection, TLS or timeout
    REFUSED = "refused"          # not checked: not http(s), or an internal address


@dataclasses.dataclass(frozen=True)
class LinkCheck:
    outcome: str
    status_code: int | None = None
    detail: str = ""
    final_url: str = ""


class RefusedAddress(Exception):
    """The URL may not be requested (scheme, credentials or a non-public address)."""


# Answers that mean "the page exists, you just may not see it from here": not broken.
ALIVE_STATUSES = {401, 403, 407, 429}
# Servers that refuse HEAD answer one of these; the check then asks with GET.
HEAD_REFUSED = {400, 403, 404, 405, 501}


def _allowed(address: str, allowed_networks) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in ipaddress.ip_network(network) for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allowed_networks=()) -> str:
    """An address of `host` to connect to; refused if any address it resolves to is
    not public (a name that answers both public and internal addresses is refused),
    unless it lies in one of `allowed_networks` (e.g. ``["127.0.0.0/8"]``)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OSError(f"DNS: {error}") from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OSError("DNS: no address")
    if not all(_allowed(address, allowed_networks) for address in addresses):
        raise RefusedAddress("internal address")
    return addresses[0]


def check_target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a URL that may be requested at all."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise RefusedAddress("scheme")
    if parts.username or parts.password:
        raise RefusedAddress("credentials in URL")
    if not parts.hostname:
        raise RefusedAddress("no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise RefusedAddress("port") from error
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return parts.scheme, parts.hostname, port, path


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, *, address: str, timeout: float, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the name, not the address connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _connect(url: str, *, timeout: float, allowed_networks):
    """A connection pinned to a vetted address of `url`'s host, and the path to ask."""
    scheme, host, port, path = check_target(url)
    address = resolve(host, port, allowed_networks=allowed_networks)
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, address=address, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, port, address=address, timeout=timeout)
    return connection, path


def _request(url: str, method: str, *, timeout: float, allowed_networks):
    connection, path = _connect(url, timeout=timeout, allowed_networks=allowed_networks)
    try:
        connection.request(method, path, headers={
            "User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close",
        })
        response = connection.getresponse()
        # Only the status and headers matter: the body is never read.
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def check_url(url: str, *, timeout: float = 10.0, allowed_networks=(),
              max_redirects: int = MAX_REDIRECTS) -> LinkCheck:
    """Whether `url` answers. Never raises: every failure is an outcome with a detail."""
    current = url
    method = "HEAD"
    hops = 0
    while True:
        try:
            status, location = _request(
                current, method, timeout=timeout, allowed_networks=allowed_networks
            )
        except RefusedAddress as error:
            return LinkCheck(Outcome.REFUSED, detail=str(error), final_url=current)
        except (OSError, http.client.HTTPException, ValueError) as error:
            # socket.timeout, ssl.SSLError and DNS errors are all OSErrors.
            detail = type(error).__name__ if not str(error) else str(error)
            return LinkCheck(Outcome.UNREACHABLE, detail=detail[:300], final_url=current)
        if method == "HEAD" and status in HEAD_REFUSED:
            method = "GET"
            continue
        if 300 <= status < 400 and location:
            hops += 1
            if hops > max_redirects:
                return LinkCheck(Outcome.BROKEN, status, "too many redirects", current)
            current = urljoin(current, location)
            method = "HEAD"
            continue
        if status < 400 or status in ALIVE_STATUSES:
            return LinkCheck(Outcome.OK, status, final_url=current)
        return LinkCheck(Outcome.BROKEN, status, f"HTTP {status}", current)


def check_urls(urls: Iterable[str], *, concurrency: int = 8, timeout: float = 10.0,
               allowed_networks=()) -> dict[str, LinkCheck]:
    """Check each distinct URL once, at most `concurrency` at a time."""
    distinct = list(dict.fromkeys(urls))
    if not distinct:
        return {}
    workers = max(1, min(concurrency, len(distinct)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
        results = pool.map(
            lambda url: check_url(url, timeout=timeout, allowed_networks=allowed_networks),
            distinct,
        )
        return dict(zip(distinct, results, strict=True))


# Networks meaning "every address": what a caller passes when its user has allowed
# internal addresses for a target (a webhook's "allow internal addresses").
ALL_NETWORKS = ("0.0.0.0/0", "::/0")


@dataclasses.dataclass(frozen=True)
class PostResult:
    """How a POST ended: `status_code` None when no answer came (`error` says why);
    `refused` when the address may not be requested at all."""

    status_code: int | None
    body_excerpt: str = ""
    error: str = ""
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, *, headers: dict[str, str], timeout: float = 10.0,
         allowed_networks=(), excerpt_bytes: int = 1000) -> PostResult:
    """POST `body` to `url` under the same guards as ``check_url`` (http(s) only, vetted
    and pinned address). A redirect is never followed: the 3xx is the answer. Never
    raises: a refused address, DNS, connection, TLS and timeout errors are results."""
    try:
        connection, path = _connect(url, timeout=timeout, allowed_networks=allowed_networks)
    except RefusedAddress as error:
        return PostResult(None, error=f"refused: {error}", refused=True)
    except (OSError, ValueError) as error:
        return PostResult(None, error=(str(error) or type(error).__name__)[:300])
    try:
        connection.request("POST", path, body=body, headers={
            "Accept": "*/*", "Connection": "close", **headers,
            "Content-Length": str(len(body)),
        })
        response = connection.getresponse()
        # Only the beginning of the answer is kept (for the delivery log).
        excerpt = response.read(excerpt_bytes).decode("utf-8", "replace")
        return PostResult(response.status, body_excerpt=excerpt)
    except (OSError, http.client.HTTPException, ValueError) as error:
        # socket.timeout, ssl.SSLError and a connection reset are all OSErrors.
        return PostResult(None, error=(str(error) or type(error).__name__)[:300])
    finally:
        connection.close()
