"""What a person may attach: photos and PDFs, recognised by their first bytes (never by the
name or the browser's word for it), within the size and count limits of the settings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from monell.web.cases.services import NewUpload


def sniff(head: bytes) -> str | None:
    """The content type the bytes are, or None when they are not an allowed type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif"):
        return "image/heic"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


ALLOWED = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf")


class UploadError(ValueError):
    def __init__(self, kind: str, name: str = "") -> None:
        self.kind, self.name = kind, name
        super().__init__(kind)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_files: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(settings.MONELL_UPLOAD_MAX_BYTES, settings.MONELL_UPLOAD_MAX_FILES)


def safe_name(name: str) -> str:
    """The file's own name without folders or control characters (it is shown to staff as
    text and offered back as an attachment's name)."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "file"
    return base[:120]


def read_uploads(files: list, limits: Limits | None = None) -> list[NewUpload]:
    """Check every file; raises UploadError(kind, name) at the first one refused."""
    limits = limits or Limits.from_settings()
    files = [f for f in files if f and f.size]
    if len(files) > limits.max_files:
        raise UploadError("too_many")
    out = []
    for f in files:
        name = safe_name(f.name or "")
        if f.size > limits.max_bytes:
            raise UploadError("too_big", name)
        data = f.read(limits.max_bytes + 1)
        if len(data) > limits.max_bytes:
            raise UploadError("too_big", name)
        kind = sniff(data[:16])
        if kind is None:
            raise UploadError("bad_type", name)
        out.append(NewUpload(name=name, content_type=kind, data=data))
    return out
