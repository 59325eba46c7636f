"""No personal data and no secret in the server log.

Views never log answers, names or contact details; this filter is the second wall: private
resume links and API tokens that a request line might carry are cut from every record."""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    re.compile(r"(/r/)[A-Za-z0-9_\-]{8,}"),  # private resume links
    re.compile(r"(/calendar/)[A-Za-z0-9_\-]{8,}"),  # an attorney's private calendar feed
    re.compile(r"(Bearer\s+)[A-Za-z0-9_\-.]{8,}", re.IGNORECASE),
    re.compile(r"(token=)[A-Za-z0-9_\-.]{8,}", re.IGNORECASE),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(r"\1[redacted]", text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
