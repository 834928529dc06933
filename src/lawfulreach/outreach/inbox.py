"""Raw RFC 5322 bytes → ``domain.replies.InboundMessage``: what the reply classifier reads.

Parsed with the standard library's ``email`` package. Its ``compat32`` policy, not ``policy.default``:
``policy.default`` parses every header field it is asked for into a structured object, and walking a
message (each part's ``Content-Type``) and listing its fields cost ~9 ms a message on the corpus's
bounces — 190 messages/s where the goal is 1,000 (measured 2026-12-06, ``bench/inbound.py``). With
``compat32`` the fields stay strings; the few that are shown or matched are decoded here (RFC 2047
encoded words: ``decode_header``), transfer encodings and charsets are applied to the text parts.
What is taken:

* the header fields (lower-case names, values unfolded), the sender (``From``), ``Message-ID``,
  ``In-Reply-To`` and ``References`` (the Message-IDs the send log is asked about);
* the body's text: the first ``text/plain`` part outside any returned message, else the
  ``text/html`` part as text with its quoted blocks (``<blockquote>``, Gmail's and Outlook's quote
  containers) removed; at most ``MAX_TEXT`` characters — enough for any reply a person writes;
* a report's fields (RFC 6522 ``multipart/report``): the per-recipient blocks of an RFC 3464
  ``message/delivery-status`` part, the fields of an RFC 5965 ``message/feedback-report`` part, and
  the header fields of the returned message (``message/rfc822`` or ``text/rfc822-headers``) — its
  ``To`` names the recipient when the report does not.

A message the parser cannot make sense of still yields what it could read (the classifier then
leaves it for a person); only bytes that are no message at all are refused (``MessageError``).
"""

from __future__ import annotations

import contextlib
import email
import html
import re
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses

from lawfulreach.domain.replies import DeliveryStatus, Feedback, InboundMessage
from lawfulreach.errors import MessageError

__all__ = ["MAX_BYTES", "MAX_TEXT", "html_text", "message_ids", "read_inbound"]

#: a received message larger than this is refused (the big providers' own limit is 25-50 MB with attachments)
MAX_BYTES = 50 * 1024 * 1024
#: characters of body text kept for classification
MAX_TEXT = 64_000

_MSGID = re.compile(r"<([^<>\s]+)>")
_QUOTES = re.compile(
    r"<blockquote\b.*?</blockquote>|<div[^>]+(?:gmail_quote|divRplyFwdMsg|OLK_SRC_BODY_SECTION|moz-cite-prefix)"
    r"[^>]*>.*\Z",
    re.IGNORECASE | re.DOTALL,
)
_BREAKS = re.compile(r"<\s*(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", re.IGNORECASE)
_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def message_ids(raw: str | None) -> tuple[str, ...]:
    """The Message-IDs in a header field's value, without angle brackets (a bare one if none has them)."""
    if not raw:
        return ()
    found = _MSGID.findall(raw)
    if found:
        return tuple(found)
    bare = raw.strip()
    return (bare,) if bare and " " not in bare else ()


def _text(value: object) -> str:
    """A header field's value, RFC 2047 encoded words decoded, unfolded."""
    raw = str(value)
    if not raw.isascii():  # 8-bit bytes in a header field (SMTPUTF8, or a careless mailer): UTF-8
        raw = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if "=?" in raw:
        with contextlib.suppress(ValueError, LookupError, UnicodeError, TypeError):
            raw = str(make_header(decode_header(raw)))
    return " ".join(raw.split())


_ANGLED = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_BARE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _addresses(values: list[str]) -> tuple[str, ...]:
    """The addresses in address header fields: those in angle brackets, else the bare ones.
    (``email.utils.getaddresses`` does the same with a full RFC 5322 parser at ~150 µs a field — a
    sixth of the time a bounce takes; display names are not needed here.)"""
    found: list[str] = []
    for value in values:
        angled = _ANGLED.findall(value)
        if angled:
            found.extend(angled)
            continue
        bare = _BARE.findall(value)
        found.extend(bare if bare else [a for _, a in getaddresses([value]) if "@" in a])
    return tuple(dict.fromkeys(a.strip().lower() for a in found))


def _report_address(value: str | None) -> str | None:
    """``rfc822; anna@example.com`` → ``anna@example.com`` (RFC 3464 address fields)."""
    if not value:
        return None
    address = value.split(";", 1)[-1].strip().strip("<>").strip()
    return address.lower() if "@" in address else None


def _undeclared(part: Message) -> str | None:
    """A text part with no charset: UTF-8 if it decodes (what mailers send today), else Latin-1."""
    if part.get_content_maintype() != "text" or part.get_param("charset") is not None:
        return None
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("latin-1")


def _content(part: Message) -> str:
    """A text part's content: transfer encoding undone, its charset applied (UTF-8, then Latin-1,
    when it names none or an unknown one)."""
    undeclared = _undeclared(part)
    if undeclared is not None:
        return undeclared
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


def html_text(markup: str) -> str:
    """The text of an HTML body without its quoted blocks (what the replier wrote, roughly)."""
    body = _DROP.sub(" ", markup)
    body = _QUOTES.sub("\n", body)
    body = _BREAKS.sub("\n", body)
    return html.unescape(_TAGS.sub(" ", body))


def _headers_of(part: Message) -> Message | None:
    """The header fields of a returned message (``message/rfc822`` or ``text/rfc822-headers``)."""
    kind = part.get_content_type()
    if kind in ("message/rfc822", "message/global"):
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            inner = payload[0]
            return inner if isinstance(inner, Message) else None
        if isinstance(payload, str):
            return HeaderParser().parsestr(payload)
    if kind in ("text/rfc822-headers", "message/rfc822-headers", "message/global-headers"):
        return HeaderParser().parsestr(_content(part))
    return None


def _delivery(part: Message) -> list[DeliveryStatus]:
    payload = part.get_payload()
    blocks: list[Message] = []
    if isinstance(payload, list):
        blocks = [b for b in payload if isinstance(b, Message)]
    elif isinstance(payload, str):
        blocks = [HeaderParser().parsestr(chunk) for chunk in re.split(r"\r?\n\s*\r?\n", payload) if chunk.strip()]
    out = []
    for block in blocks:
        final = _report_address(block.get("Final-Recipient"))
        original = _report_address(block.get("Original-Recipient"))
        if final is None and original is None and block.get("Action") is None:
            continue  # the per-message block (Reporting-MTA, Arrival-Date)
        out.append(
            DeliveryStatus(
                final,
                original,
                _text(block.get("Action", "")) or None,
                _text(block.get("Status", "")) or None,
                _text(block.get("Diagnostic-Code", ""))[:300] or None,
            )
        )
    return out


def _feedback(part: Message) -> Feedback:
    raw = _content(part) if part.get_content_maintype() == "text" or not part.is_multipart() else ""
    if not raw:
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            fields = payload[0]
        else:
            fields = HeaderParser().parsestr(str(payload))
    else:
        fields = HeaderParser().parsestr(raw.lstrip())
    rcpts = [_report_address(v) or v.strip().strip("<>").lower() for v in fields.get_all("Original-Rcpt-To") or []]
    return Feedback(
        _text(fields.get("Feedback-Type", "")) or "unknown",
        tuple(r for r in rcpts if "@" in r),
        _report_address(fields.get("Original-Mail-From")),
    )


class _Walk:
    def __init__(self) -> None:
        self.plain: str | None = None
        self.markup: str | None = None
        self.delivery: list[DeliveryStatus] = []
        self.feedback: Feedback | None = None
        self.original: Message | None = None

    def visit(self, part: Message) -> None:
        kind = part.get_content_type()
        if kind in ("message/delivery-status", "message/global-delivery-status"):
            self.delivery.extend(_delivery(part))
        elif kind == "message/feedback-report":
            self.feedback = _feedback(part)
        elif (original := _headers_of(part)) is not None:
            if self.original is None:
                self.original = original
        elif part.is_multipart():
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else []:
                if isinstance(sub, Message):
                    self.visit(sub)
        elif kind == "text/plain" and self.plain is None and not _attachment(part):
            self.plain = _content(part)
        elif kind == "text/html" and self.markup is None and not _attachment(part):
            self.markup = _content(part)


def _attachment(part: Message) -> bool:
    return (part.get("Content-Disposition") or "").strip().lower().startswith("attachment")


def read_inbound(raw: bytes, source: str = "message") -> InboundMessage:
    """``raw`` (one RFC 5322 message) read for the classifier; ``MessageError`` when it is no message."""
    if not raw.strip():
        raise MessageError(f"{source}: the message is empty")
    if len(raw) > MAX_BYTES:
        raise MessageError(f"{source}: {len(raw):,} bytes; a message is at most {MAX_BYTES:,}")
    if raw.startswith(b"From ") and b"\n" in raw:  # an mbox "From " line left on a single message
        raw = raw.split(b"\n", 1)[1]
    parsed = email.message_from_bytes(raw, policy=policy.compat32)
    headers: dict[str, list[str]] = {}
    for key, value in parsed.raw_items():
        headers.setdefault(key.lower(), []).append(_text(value))
    if not headers.keys() & {"from", "to", "subject", "message-id", "content-type", "date", "received"}:
        raise MessageError(f"{source}: not an email message (no From, To, Subject or Message-ID header field)")
    walk = _Walk()
    walk.visit(parsed)
    if walk.plain is not None and walk.plain.strip():
        text = walk.plain
    elif walk.markup is not None:
        text = html_text(walk.markup)
    else:
        text = walk.plain or ""
    first = {name: values[0] for name, values in headers.items()}
    report_type = None
    if parsed.get_content_type() == "multipart/report":
        report_type = (parsed.get_param("report-type") or "").__str__().lower() or None
    original = walk.original
    original_to: tuple[str, ...] = ()
    original_from: tuple[str, ...] = ()
    original_id = None
    if original is not None:
        original_to = _addresses([str(v) for v in original.get_all("To") or []])
        original_from = _addresses([str(v) for v in original.get_all("From") or []])
        ids = message_ids(str(original.get("Message-ID") or ""))
        original_id = ids[0] if ids else None
    senders = _addresses(headers.get("from", []))
    ids = message_ids(first.get("message-id"))
    return InboundMessage(
        headers={name: tuple(values) for name, values in headers.items()},
        subject=first.get("subject", ""),
        text=text[:MAX_TEXT],
        sender=senders[0] if senders else None,
        message_id=ids[0] if ids else None,
        in_reply_to=message_ids(first.get("in-reply-to")),
        references=message_ids(first.get("references")),
        report_type=report_type,
        delivery=tuple(walk.delivery),
        feedback=walk.feedback,
        original_to=original_to,
        original_from=original_from,
        original_message_id=original_id,
        to=_addresses(headers.get("to", [])),
    )
