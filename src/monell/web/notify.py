"""Mail to the firm and to the person: SMTP when configured, else a line in the server log
that says a message would have been sent and to which role, never to whom or what."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger("monell.web.mail")


class LogOnlyEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        for message in email_messages:
            kind = message.extra_headers.get("X-Monell-Kind", "message")
            log.info(
                "mail not sent (no SMTP configured; set MONELL_SMTP_HOST): %s to %d recipient(s)",
                kind,
                len(message.recipients()),
            )
        return len(email_messages)
