"""Per-recipient unsubscribe tokens and the ``List-Unsubscribe`` headers (RFC 2369, RFC 8058).

Every marketing message carries a link to the unsubscribe page and the preference centre. The link's
token must not reveal the address, must not be forgeable or enumerable, and must never expire (a
recipient may click a years-old message; an opt-out must always be possible). So the token *is* the
recipient, encrypted and authenticated:

    token = base64url( version ‖ AES-SIV(key, tenant id ‖ channel ‖ subject kind ‖ normalised address) )

* **Does not reveal the address**: it is encrypted (AES-256-SIV).
* **Cannot be forged, altered or enumerated**: SIV is an authenticated cipher; its 128-bit tag is an
  HMAC-like MAC over the plaintext and the version, so any changed byte, or a token made without the
  key, is rejected. There is no counter or id to walk through.
* **Never expires, stays the same**: no timestamp inside; SIV is deterministic, so one recipient gets
  one token per channel — a header can be computed again at any time and means the same thing.
* **Nothing stored**: no table maps tokens to people, so an erasure leaves no token row behind (an
  erased person's token still works: the opt-out page answers as for anyone else).

The key is derived (HKDF-SHA-256) from the workspace secret key with a label of its own, so tokens
are bound to the workspace and the key used for erasure hashes is never used for anything else.
The tenant id inside the token selects the tenant; a token of tenant A cannot act on tenant B.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from email_validator import EmailNotValidError, validate_email

from lawfulreach.domain.state import ALL_CHANNELS
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import InputError

VERSION = 1
_LABEL = b"lawfulreach/unsubscribe-token/v1"
_KINDS = {"email": b"e", "phone": b"p"}
_KIND_NAMES = {v: k for k, v in _KINDS.items()}
_CHANNELS = (*(c.value for c in Channel), ALL_CHANNELS)
#: the longest token accepted before any decoding (an email is at most 320 characters)
MAX_TOKEN_LENGTH = 600
ONE_CLICK_BODY = "List-Unsubscribe=One-Click"


class InvalidTokenError(InputError):
    """A token that was not issued by this workspace, or was altered (never says which)."""

    def __init__(self) -> None:
        super().__init__("this link is not valid: it may have been cut short or changed")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a token stands for: a tenant's subject (normalised email or E.164 phone) and the channel the
    message went out on (``all`` for a message that covers every channel)."""

    tenant_id: int
    kind: str
    key: str
    channel: str = Channel.EMAIL.value

    def masked(self) -> str:
        """``j•••@firma.de`` / ``+44•••••18``: enough for the recipient to recognise, not to read off."""
        if self.kind == "email":
            local, _, domain = self.key.partition("@")
            return f"{local[:1]}•••@{domain}"
        return f"{self.key[:3]}•••••{self.key[-2:]}"


class TokenCodec:
    """Issues and reads unsubscribe tokens under one workspace secret key."""

    def __init__(self, workspace_key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=_LABEL).derive(workspace_key)
        self._siv = AESSIV(derived)
        self._ad = [_LABEL, bytes([VERSION])]

    def issue(self, recipient: Recipient) -> str:
        if recipient.kind not in _KINDS:
            raise InputError(f"unknown subject kind {recipient.kind!r}; use email or phone")
        if recipient.channel not in _CHANNELS:
            raise InputError(f"unknown channel {recipient.channel!r}; use one of {', '.join(_CHANNELS)}")
        channel = _CHANNELS.index(recipient.channel)
        plain = struct.pack(">IB", recipient.tenant_id, channel) + _KINDS[recipient.kind] + recipient.key.encode()
        sealed = bytes([VERSION]) + self._siv.encrypt(plain, self._ad)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def read(self, token: str) -> Recipient:
        """The recipient of a token this workspace issued; ``InvalidTokenError`` for anything else."""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvalidTokenError()
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise InvalidTokenError() from None
        # Only the canonical spelling is accepted: base64's last character can carry unused bits, and
        # a token that reads the same after a change would still be an altered token.
        canonical = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        if canonical != token or len(raw) < 1 + 16 + 6 or raw[0] != VERSION:
            raise InvalidTokenError()
        try:
            plain = self._siv.decrypt(raw[1:], self._ad)
        except InvalidTag:
            raise InvalidTokenError() from None
        tenant_id, channel = struct.unpack(">IB", plain[:5])
        kind = _KIND_NAMES.get(plain[5:6])
        if kind is None or channel >= len(_CHANNELS):  # pragma: no cover - only a token we issued decrypts
            raise InvalidTokenError()
        return Recipient(tenant_id, kind, plain[6:].decode(), _CHANNELS[channel])


def unsubscribe_url(public_url: str, token: str) -> str:
    """The one-click unsubscribe URL (GET: confirmation page; POST: RFC 8058 one-click)."""
    return f"{public_url.rstrip('/')}/u/{token}"


def preferences_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/u/{token}/preferences"


class HeaderValueError(InputError):
    """A value that cannot be put into a ``List-Unsubscribe`` header safely (an address that is not
    one, a URL that is not HTTPS, characters that would end or split the header)."""


#: the header fields a ``mailto:`` unsubscribe URI may carry besides the address (RFC 6068 §2)
_MAILTO_FIELDS = ("subject", "body")
#: characters that may stand unencoded in a mailto address (RFC 6068 ``qchar`` minus ``,``, which
#: some List-Unsubscribe parsers take for the separator between URIs)
_MAILTO_SAFE = "!$'()*+;:@"
#: never inside a header value: line breaks end the field, angle brackets and quotes end the URI
_FORBIDDEN = frozenset('\r\n\t\0<>" ') | {chr(c) for c in range(0x20)} | {chr(0x7F)}


def _https_url(url: str, *, allow_http: bool) -> str:
    """``url`` if it can stand in a ``List-Unsubscribe`` header as the one-click URI."""
    bad = sorted({repr(c) for c in url if c in _FORBIDDEN or not c.isascii()})
    if bad:
        raise HeaderValueError(f"the unsubscribe URL contains characters a header cannot carry: {', '.join(bad)}")
    parts = urlsplit(url)
    if parts.scheme == "http" and not allow_http:
        raise HeaderValueError(
            "the one-click unsubscribe URL must be https:// (RFC 8058 §3.1; mailbox providers ignore plain "
            "HTTP): give an https public URL, or allow http explicitly for development"
        )
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise HeaderValueError(f"the unsubscribe URL {url!r} is not an https:// URL")
    return url


def mailto_uri(value: str) -> str:
    """A ``mailto:`` URI for ``List-Unsubscribe`` from an address (optionally written as a mailto URI,
    optionally with ``?subject=…`` or ``&body=…``).

    The address is validated as an RFC 5322 addr-spec (``email-validator``; no display names, no
    comments, no line breaks), its domain written in ASCII (IDNA), and percent-encoded as RFC 6068
    requires; ``subject=unsubscribe`` is added unless a subject is given — the query is never doubled.
    """
    text = value.strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    if any(c in _FORBIDDEN for c in text):
        raise HeaderValueError("the mailto address contains a line break, a space, a quote or an angle bracket")
    address, _, query = text.partition("?")
    address = unquote(address)
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise HeaderValueError(f"the mailto address is not an email address: {exc}") from None
    fields: dict[str, str] = {}
    if query:
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise HeaderValueError("the mailto query is not name=value pairs") from None
        for name, field_value in pairs:
            key = name.lower()
            if key not in _MAILTO_FIELDS or key in fields:
                raise HeaderValueError(f"the mailto URI may carry subject and body once each, not {name!r}")
            if any(c in "\r\n\0" for c in field_value):
                raise HeaderValueError("the mailto subject or body contains a line break")
            fields[key] = field_value
    fields.setdefault("subject", "unsubscribe")
    addr = quote(checked.ascii_email or checked.normalized, safe=_MAILTO_SAFE)
    hfields = "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items())
    return f"mailto:{addr}?{hfields}"


def list_unsubscribe_headers(url: str, mailto: str | None = None, *, allow_http: bool = False) -> dict[str, str]:
    """The two header fields of RFC 8058 one-click unsubscription.

    ``url`` must be HTTPS (RFC 8058 §3.1; mailbox providers ignore plain HTTP): ``allow_http`` is for
    development only. A ``mailto:`` address may be added for clients that do not do one-click; it is
    validated and encoded (``mailto_uri``), so nothing a caller passes can end the header, add a
    header or smuggle in another URI. The message's DKIM signature must cover both fields
    (RFC 8058 §4) — that is the sending system's job. ``HeaderValueError`` for anything unsafe.
    """
    value = f"<{_https_url(url, allow_http=allow_http)}>"
    if mailto:
        value += f", <{mailto_uri(mailto)}>"
    return {"List-Unsubscribe": value, "List-Unsubscribe-Post": ONE_CLICK_BODY}


__all__ = [
    "ONE_CLICK_BODY",
    "HeaderValueError",
    "InvalidTokenError",
    "Recipient",
    "TokenCodec",
    "list_unsubscribe_headers",
    "mailto_uri",
    "preferences_url",
    "unsubscribe_url",
]
