"""Login safety for local accounts: lockout after failed attempts (django-axes), the
two-factor step and enrolment (django-otp), and the client address both rely on.

``network``: the client's address; ``lockout``: the axes backend, the 429 answer and the
audited lockout; ``throttles``: rate limits on failures and password resets;
``two_factor``: devices and the pending login; ``views``/``forms``/``middleware``: the
pages and the rule that a user with a device verifies every session.
"""
