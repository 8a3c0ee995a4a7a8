"""Login safety: lockout after failed attempts, two-factor login, session lifetime.

Everything is read from the environment (README: Login safety). base.py splices the
lists below into INSTALLED_APPS, MIDDLEWARE and AUTHENTICATION_BACKENDS.
"""

from __future__ import annotations

import datetime
import os

from .env import env_bool, env_int

LOGIN_APPS: list[str] = [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# After AuthenticationMiddleware: django-otp marks request.user verified or not, then
# kitos sends a user with a device to the code step (and, when required, an admin
# without one to enrolment) before any page.
LOGIN_AUTH_MIDDLEWARE: list[str] = [
    "django_otp.middleware.OTPMiddleware",
    "kitos.login.middleware.TwoFactorMiddleware",
]
# Last, as django-axes asks: it turns a request flagged as locked out into the 429 page.
LOGIN_LAST_MIDDLEWARE: list[str] = ["axes.middleware.AxesMiddleware"]
# First: refuses a locked-out username/address before any backend checks a password.
LOGIN_FIRST_BACKENDS: list[str] = ["kitos.login.lockout.LockoutBackend"]

# -- Lockout (django-axes) ---------------------------------------------------------------
# Failed logins are counted per username *and* client address together: an attacker
# guessing one account from one address is stopped, while a whole town hall behind one
# NAT address is not locked out by one person's typos, and nobody can lock a colleague
# out from elsewhere. The database handler keeps the counts in PostgreSQL, shared by
# every web worker and visible in the admin (Axes: access attempts).
AXES_ENABLED = env_bool("KITOS_LOGIN_LOCKOUT_ENABLED", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("KITOS_LOGIN_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("KITOS_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kitos.login.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kitos.login.network.client_ip"
# Never store what was typed (passwords, codes) with an attempt.
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
AXES_VERBOSE = True

# Behind a reverse proxy: how many proxies of our own stand in front of kitos. Only then
# is X-Forwarded-For read (the address the outermost of them saw); by default it is
# ignored, as any client can send it.
KITOS_TRUSTED_PROXY_COUNT = env_int("KITOS_TRUSTED_PROXY_COUNT", 0)

# Failed API authentications (wrong key, wrong HTTP Basic password) per client address:
# "30/15m" = at most 30 failures in 15 minutes, then 429 until the window has passed.
KITOS_API_AUTH_FAILURE_RATE = os.environ.get(
    "KITOS_API_AUTH_FAILURE_RATE", "30/15m"
)
# Password reset requests, per address asked for and per client address.
KITOS_PASSWORD_RESET_RATE = os.environ.get("KITOS_PASSWORD_RESET_RATE", "5/h")
KITOS_PASSWORD_RESET_IP_RATE = os.environ.get(
    "KITOS_PASSWORD_RESET_IP_RATE", "20/h"
)
# Tests log in with Client.login(), which calls authenticate() without a request. In
# production every login passes one, and a call without fails loudly instead of
# skipping the lockout.
KITOS_LOGIN_ALLOW_REQUESTLESS = False

# -- Two-factor login (django-otp) ----------------------------------------------------------
# Organisation administrators and superusers with a local login must enrol an
# authenticator before they can use kitos.
KITOS_REQUIRE_2FA_FOR_ADMINS = env_bool("KITOS_REQUIRE_2FA_FOR_ADMINS", False)
OTP_TOTP_ISSUER = "kitos"
# The password step is remembered this long while the code is asked for.
KITOS_2FA_PENDING_SECONDS = 5 * 60

# -- Sessions ------------------------------------------------------------------------------
# Idle timeout: the session ends this many minutes after the last request (each request
# renews it). Unset: Django's two weeks from login.
_idle_minutes = env_int("KITOS_SESSION_IDLE_MINUTES", 0)
if _idle_minutes:
    SESSION_COOKIE_AGE = _idle_minutes * 60
    SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("KITOS_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
