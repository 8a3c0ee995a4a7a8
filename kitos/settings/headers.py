"""Security headers (Content-Security-Policy) and the health endpoints' settings."""

import os

from csp.constants import NONE, SELF

from .env import env_int, env_list

# base.py splices these right after SecurityMiddleware. The health endpoints come first:
# they answer before the Host header is validated and before any other middleware runs
# (kitos/health.py says why that is safe); CSP then covers every other response.
HEADER_APPS: list[str] = ["csp"]
HEADER_MIDDLEWARE: list[str] = [
    "kitos.health.HealthEndpointsMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Content-Security-Policy: only kitos' own files run, style and load. No inline scripts
# or style attributes anywhere (templates wire behaviour in static/js/actions.js, Swagger
# UI loads its start script from /api/docs/?script), so there is no 'unsafe-inline' and
# no nonce to manage. `data:` images: Swagger UI's and the admin's CSS draw icons that
# way. Form posts may also go to the single sign-on providers named in
# KITOS_CSP_FORM_ACTION (comma separated origins, e.g. https://idp.kommune.dk), because
# SAML's HTTP-POST binding submits a form to the IdP.
KITOS_CSP_FORM_ACTION = env_list("KITOS_CSP_FORM_ACTION")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *KITOS_CSP_FORM_ACTION],
    },
}

# /readyz answers only with `Authorization: Bearer <KITOS_READYZ_TOKEN>`; unset, it
# answers no one (403). /healthz is public and needs nothing.
KITOS_READYZ_TOKEN = os.environ.get("KITOS_READYZ_TOKEN", "").strip()
# Beat schedules the heartbeat task this often; /readyz calls a heartbeat older than
# three of these stale (beat or every worker stopped).
KITOS_HEARTBEAT_SECONDS = env_int("KITOS_HEARTBEAT_SECONDS", 60)
# For base.py's CELERY_BEAT_SCHEDULE. `expires`: a heartbeat no worker ran in time is
# dropped, not run late (it would report a worker alive that was not).
HEADER_BEAT_SCHEDULE = {
    "kitos-heartbeat": {
        "task": "kitos.heartbeat",
        "schedule": KITOS_HEARTBEAT_SECONDS,
        "options": {"expires": KITOS_HEARTBEAT_SECONDS},
    },
}
