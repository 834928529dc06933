"""The one entry point of the message readers: bytes (a file's, or an API body's) → ``Message``.

The format is the file's extension (``.eml``, ``.html``/``.htm``, ``.md``/``.markdown``, anything
else text) or, where none says it (an API body, an unknown extension), read off the content: header
fields then a blank line is an email, markup is HTML, otherwise text.
"""

from __future__ import annotations

import re
from pathlib import Path

from lawfulreach.domain.message import Message
from lawfulreach.errors import MessageError
from lawfulreach.messages.eml import parse_eml
from lawfulreach.messages.html import parse_html
from lawfulreach.messages.text import parse_markdown, parse_text, split_front_matter

KINDS = ("eml", "html", "text", "markdown")
#: larger than any message a mailbox accepts (25 MB at the big providers is the attachment limit)
MAX_BYTES = 10 * 1024 * 1024
_EXTENSIONS = {".eml": "eml", ".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
_HEADER = re.compile(rb"^[!-9;-~]+:[ \t]", re.ASCII)
_MARKUP = re.compile(r"<\s*(html|body|p|div|table|a\s|br|!doctype)", re.IGNORECASE)


def sniff(data: bytes) -> str:
    """The format of unlabelled content."""
    head = data.lstrip()[:4096]
    first = head.split(b"\n", 1)[0]
    if _HEADER.match(first) and not first.lower().startswith(b"subject:") and (b"\n\n" in data or b"\r\n\r\n" in data):
        return "eml"
    if first.lower().startswith(b"subject:") and re.search(
        rb"^(from|to|mime-version|content-type):", head, re.I | re.M
    ):
        return "eml"
    if _MARKUP.search(head.decode("utf-8", "replace")):
        return "html"
    return "text"


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MessageError(f"{source}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def parse_message(data: bytes, source: str, kind: str | None = None) -> Message:
    """``data`` read as ``kind`` (sniffed when None); ``source`` names it in errors."""
    if not data.strip():
        raise MessageError(f"{source}: the message is empty")
    if len(data) > MAX_BYTES:
        raise MessageError(f"{source}: {len(data):,} bytes; a message is at most {MAX_BYTES:,}")
    if kind is not None and kind not in KINDS:
        raise MessageError(f"{source}: unknown message format {kind!r}; use {', '.join(KINDS)}")
    kind = kind or sniff(data)
    if kind == "eml":
        return parse_eml(data, source)
    if b"\x00" in data:
        raise MessageError(f"{source}: not a text file (it contains NUL bytes)")
    text = _decode(data, source).replace("\r\n", "\n")
    fields, body, offset = split_front_matter(text, source)
    headers = (("From", fields["from"]),) if "from" in fields else ()
    subject = fields.get("subject")
    try:
        if kind == "html":
            part, title = parse_html(body, "HTML", line_offset=offset)
            return Message("html", subject or title, (part,), headers)
        if kind == "markdown":
            return Message("markdown", subject, (parse_markdown(body, "Markdown", line_offset=offset),), headers)
        return Message("text", subject, (parse_text(body, "text", line_offset=offset),), headers)
    except MessageError as exc:
        raise MessageError(f"{source}: {exc}") from None


def read_message(path: Path) -> Message:
    """A message file, its format from its extension (sniffed for any other)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MessageError(f"{path}: cannot read message file: {exc.strerror}") from None
    return parse_message(data, str(path), _EXTENSIONS.get(path.suffix.lower()))


__all__ = ["KINDS", "parse_message", "read_message", "sniff"]
