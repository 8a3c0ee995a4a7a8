"""A small reader of the public OS2KITOS API v2 (https://kitos.dk/api/v2).

What the connector relies on (read from the API's controllers and response models in
the os2kitos/kitos repository, ``Presentation.Web/Controllers/API/V2/External/...`` and
``Presentation.Web/Models/API/V2/Response/...``):

Login
    ``POST api/authorize/GetToken`` with ``{"email", "password"}`` answers
    ``GetTokenResponseDTO`` {token, email, loginSuccessful, expires}, wrapped in the v1
    envelope ``{"msg": ..., "response": {...}}``; later requests send
    ``Authorization: Bearer <token>``.

Collections (bare JSON arrays of the DTOs, camelCase)
    * ``GET api/v2/organizations/{organizationUuid}/organization-units`` →
      OrganizationUnitResponseDTO: uuid, name, parentOrganizationUnit {uuid, name},
      ean (number), unitId, origin.
    * ``GET api/v2/it-system-usages?organizationUuid=`` → ItSystemUsageResponseDTO:
      uuid, lastModified, systemContext {uuid, name}, general {localSystemId,
      localCallName, notes, systemVersion, numberOfExpectedUsers {lowerBound,
      upperBound}, validity {valid, enforcedValid, validFrom, validTo}, mainContract
      {uuid, name}, containsAITechnology, dataClassification, ...}, organizationUsage
      {usingOrganizationUnits [{uuid, name}], responsibleOrganizationUnit {uuid, name}},
      roles [{role {uuid, name}, user {uuid, name[, email]}}], archiving, gdpr, ...
    * ``GET api/v2/it-contracts?organizationUuid=`` → ItContractResponseDTO: uuid,
      name, lastModified, parentContract, general {contractId, contractType, notes,
      validity {validFrom, validTo, ...}, criticality, agreementElements}, procurement,
      supplier {organization {uuid, name, cvr}, signed, signedBy, signedAt}, responsible
      {organizationUnit {uuid, name}, signed, signedBy, signedAt}, systemUsages
      [{uuid, name}], dataProcessingRegistrations, agreementPeriod {irrevocableUntil,
      ...}, termination {terminatedAt, terms {noticePeriodMonths {uuid, name},
      noticePeriodExtendsCurrent, noticeByEndOf}}, paymentModel, payments, roles.
    * ``GET api/v2/data-processing-registrations?organizationUuid=`` →
      DataProcessingRegistrationResponseDTO: uuid, name, lastModified, general
      {isAgreementConcluded, agreementConcludedAt, dataProcessors [{uuid, name, cvr}],
      transferToInsecureThirdCountries, mainContract {uuid, name},
      responsibleOrganizationUnit, ...}, systemUsages [{uuid, name}], oversight, roles.

    Every collection takes ``changedSinceGtEq`` (UTC; objects whose lastModified is at or
    after it) and the bounded pagination ``page`` (0-based) and ``pageSize`` (1–100,
    default 100).

Deletions
    ``GET api/v2/delta-feed/deleted-entities?deletedSinceUTC=`` (paged the same way) →
    TrackingEventResponseDTO [{occurredAtUtc, entityUuid, entityType}], entityType one
    of ItSystem, ItSystemUsage, ItInterface, ItContract, DataProcessingRegistration,
    OrganizationUnit.

The connection goes through kitos.safe_http (only http/https, no internal addresses
unless their network is in ``KITOS_SYNC_ALLOWED_NETWORKS``, pinned to the vetted
address, a timeout on every step). Every failure is a ``SourceError`` with a Danish
message naming the resource and the HTTP status — never the password or the token.
"""

from __future__ import annotations

import datetime
import http.client
import json
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from integrations.runs import SourceError
from kitos import safe_http

PAGE_SIZE = 100
# A guard against a server that never answers a short page: 1,000 pages of 100.
MAX_PAGES = 1000
# One page of 100 usages is well under a megabyte; a larger answer is not KITOS's.
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
USER_AGENT = "kitos-sync/1.0 (+https://github.com/os2kitos)"


def _format_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class KitosClient:
    """Reads one organisation's registrations from a KITOS installation."""

    def __init__(self, *, base_url: str, email: str, password: str,
                 timeout: float | None = None, page_size: int = PAGE_SIZE,
                 max_pages: int = MAX_PAGES, allowed_networks=None):
        if not base_url:
            raise SourceError(_("Forbindelsen har ingen adresse på KITOS."))
        self.base_url = base_url.rstrip("/")
        self.email = email
        self._password = password
        self.timeout = settings.KITOS_SYNC_TIMEOUT if timeout is None else timeout
        self.page_size = page_size
        self.max_pages = max_pages
        self.allowed_networks = (
            settings.KITOS_SYNC_ALLOWED_NETWORKS if allowed_networks is None
            else allowed_networks)
        self._token: str | None = None

    # --- HTTP ---------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, what: str, body: dict | None = None):
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            scheme, host, port, target = safe_http.check_target(url)
            address = safe_http.resolve(host, port, allowed_networks=self.allowed_networks)
        except safe_http.RefusedAddress as error:
            raise SourceError(_(
                "KITOS-adressen %(url)s må ikke bruges (%(reason)s).") % {
                "url": self.base_url, "reason": error}) from None
        except OSError as error:
            raise SourceError(_("KITOS kunne ikke nås (%(what)s): %(error)s") % {
                "what": what, "error": error}) from None
        if scheme == "https":
            import ssl

            connection = safe_http._PinnedHTTPSConnection(
                host, port, address=address, timeout=self.timeout,
                context=ssl.create_default_context())
        else:
            connection = safe_http._PinnedHTTPConnection(
                host, port, address=address, timeout=self.timeout)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json",
                   "Connection": "close"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            connection.request(method, target, body=payload, headers=headers)
            response = connection.getresponse()
            status, raw = response.status, response.read(MAX_RESPONSE_BYTES + 1)
        except (OSError, http.client.HTTPException) as error:
            detail = str(error) or type(error).__name__
            raise SourceError(_("KITOS kunne ikke nås (%(what)s): %(error)s") % {
                "what": what, "error": detail[:200]}) from None
        finally:
            connection.close()
        if len(raw) > MAX_RESPONSE_BYTES:
            raise SourceError(_("KITOS sendte et for stort svar (%(what)s).") % {"what": what})
        return status, raw

    def _json(self, raw: bytes, *, what: str):
        try:
            return json.loads(raw.decode("utf-8-sig"))
        # RecursionError: a hostile answer nested thousands of levels deep.
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise SourceError(_(
                "KITOS svarede ikke med gyldig JSON (%(what)s).") % {"what": what}) from None

    # --- login and reads ----------------------------------------------------------------

    def login(self) -> None:
        what = _("login")
        status, raw = self._request(
            "POST", "api/authorize/GetToken", what=what,
            body={"email": self.email, "password": self._password})
        if status in (400, 401, 403):
            raise SourceError(_(
                "KITOS afviste login for %(email)s (HTTP %(status)s). Tjek brugernavn og "
                "adgangskode på forbindelsen.") % {"email": self.email, "status": status})
        if status != 200:
            raise SourceError(_("KITOS svarede HTTP %(status)s ved login.") % {
                "status": status})
        data = self._json(raw, what=what)
        if isinstance(data, dict) and isinstance(data.get("response"), dict):
            data = data["response"]
        token = data.get("token") if isinstance(data, dict) else None
        if not token or (isinstance(data, dict) and data.get("loginSuccessful") is False):
            raise SourceError(_("KITOS afviste login for %(email)s.") % {"email": self.email})
        self._token = token

    def _pages(self, path: str, params: dict, *, what: str) -> list[dict]:
        if self._token is None:
            self.login()
        rows: list[dict] = []
        for page in range(self.max_pages):
            query = urlencode({**{k: v for k, v in params.items() if v is not None},
                               "page": page, "pageSize": self.page_size})
            status, raw = self._request("GET", f"{path}?{query}", what=what)
            if status in (401, 403):
                raise SourceError(_(
                    "KITOS gav ikke adgang til %(what)s (HTTP %(status)s).") % {
                    "what": what, "status": status})
            if status != 200:
                raise SourceError(_("KITOS svarede HTTP %(status)s på %(what)s.") % {
                    "status": status, "what": what})
            batch = self._json(raw, what=what)
            if not isinstance(batch, list) or not all(isinstance(r, dict) for r in batch):
                raise SourceError(_(
                    "KITOS svarede ikke med en liste (%(what)s).") % {"what": what})
            rows.extend(batch)
            if len(batch) < self.page_size:
                return rows
        raise SourceError(_(
            "KITOS blev ved med at sende sider (%(what)s): stoppet efter %(pages)s.") % {
            "what": what, "pages": self.max_pages})

    def _collection(self, path: str, *, what: str, organisation_uuid: str | None,
                    since: datetime.datetime | None) -> list[dict]:
        params = {"organizationUuid": organisation_uuid,
                  "changedSinceGtEq": _format_time(since) if since else None}
        return self._pages(path, params, what=what)

    def organisation_units(self, organisation_uuid: str, since=None) -> list[dict]:
        return self._collection(
            f"api/v2/organizations/{organisation_uuid}/organization-units",
            what=_("organisationsenheder"), organisation_uuid=None, since=since)

    def system_usages(self, organisation_uuid: str, since=None) -> list[dict]:
        return self._collection("api/v2/it-system-usages", what=_("systemanvendelser"),
                                organisation_uuid=organisation_uuid, since=since)

    def contracts(self, organisation_uuid: str, since=None) -> list[dict]:
        return self._collection("api/v2/it-contracts", what=_("kontrakter"),
                                organisation_uuid=organisation_uuid, since=since)

    def data_processing_registrations(self, organisation_uuid: str, since=None) -> list[dict]:
        return self._collection(
            "api/v2/data-processing-registrations", what=_("databehandlinger"),
            organisation_uuid=organisation_uuid, since=since)

    def deleted_entities(self, since: datetime.datetime) -> list[dict]:
        return self._pages("api/v2/delta-feed/deleted-entities",
                           {"deletedSinceUTC": _format_time(since)},
                           what=_("slettede objekter"))
