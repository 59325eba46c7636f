"""The web app (`monell serve`): a person's plain-language self-assessment and request for a
free consultation, the firm's intake queue and attorney workspace, and the HTTP API.

One Django project, one app per area (intake: the public interview; cases: leads, matters,
letters; accounts: staff, roles, TOTP; audit: the append-only log; api: token-authenticated
JSON). Views gather input and call `monell.app`; no legal rule lives in this package.
"""
