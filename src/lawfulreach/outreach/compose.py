"""One outreach message for one recipient: the template's parts, the footer the decision requires,
the headers mailbox providers require — as the bytes that are signed and sent.

The footer is added here, not left to the template, because what it must hold depends on the
decision for *this* recipient (``Decision.requirements``): the one-click unsubscribe link and the
sender's identity on every message (bulk-sender rules; PECR reg. 23, CAN-SPAM), the privacy-notice
link (GDPR Art. 14 for data not collected from the person), the postal address (CAN-SPAM, CASL) and
an advertisement notice where a rule asks for one (CAN-SPAM's "clear and conspicuous
identification").

Headers: ``From`` (the organisation's name and ``mail_from``), ``To``, ``Subject``, ``Date`` (UTC),
``Message-ID`` (ours: random, on the sender's domain — the send log keeps it to match replies),
``Reply-To`` when the template names one, ``List-Unsubscribe`` with the https one-click URL and a
``mailto:`` and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 2369, RFC 8058), and
``Feedback-ID`` (the campaign id; Gmail's complaint reports group by it).
"""

from __future__ import annotations

import binascii
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from markupsafe import escape

from lawfulreach.domain.vocabulary import Requirement
from lawfulreach.outreach.template import Rendered
from lawfulreach.unsubscribe import list_unsubscribe_headers

_SMTP = policy.SMTP


@dataclass(frozen=True)
class SenderInfo:
    """Who sends, from the organisation profile and the campaign."""

    mail_from: str
    organisation: str
    #: the campaign's legal entity when it differs from the organisation's name
    legal_entity: str | None
    postal_address: str | None
    privacy_url: str | None
    #: the address a ``mailto:`` unsubscribe goes to (None: https only)
    unsubscribe_mailto: str | None = None
    reply_to: str | None = None
    campaign_id: str | None = None
    #: the organisation's privacy contact, shown in the footer as the way to reach the sender (CASL asks for
    #: an email address, telephone number or web address beside the postal address; see ``contact``)
    contact_email: str | None = None

    @property
    def identity(self) -> str:
        entity = self.legal_entity
        if entity and entity.casefold() != self.organisation.casefold():
            return f"{entity} ({self.organisation})"
        return entity or self.organisation

    @property
    def contact(self) -> str:
        """The address a recipient can write to: the template's Reply-To, else the privacy contact, else
        the sender — every message names one (CASL's contact information; a reply is also how many
        people ask to be removed)."""
        return self.reply_to or self.contact_email or self.mail_from

    @property
    def domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "lawfulreach.invalid"


def new_message_id(sender: SenderInfo) -> str:
    """A Message-ID nobody can guess or enumerate (128 random bits), without angle brackets."""
    return f"{secrets.token_hex(16)}@{sender.domain}"


def _address_line(postal: str) -> str:
    return ", ".join(p.strip() for p in postal.splitlines() if p.strip())


def footer_text(sender: SenderInfo, requirements: Collection[Requirement], unsubscribe: str) -> str:
    lines = ["", "-- "]
    if Requirement.AD_DISCLOSURE in requirements:
        lines.append(f"Advertisement: this is a marketing message from {sender.identity}.")
    lines.append(
        f"Sent by {sender.identity}" + (f", {_address_line(sender.postal_address)}" if sender.postal_address else "")
    )
    lines.append(f"Contact: {sender.contact}")
    if sender.privacy_url:
        lines.append(f"Privacy notice (how we use your data and your rights): {sender.privacy_url}")
    lines.append(f"Unsubscribe (one click, effective at once): {unsubscribe}")
    return "\n".join(lines) + "\n"


def footer_html(sender: SenderInfo, requirements: Collection[Requirement], unsubscribe: str) -> str:
    parts = []
    if Requirement.AD_DISCLOSURE in requirements:
        parts.append(f"<p>Advertisement: this is a marketing message from {escape(sender.identity)}.</p>")
    where = f", {escape(_address_line(sender.postal_address))}" if sender.postal_address else ""
    parts.append(f"<p>Sent by {escape(sender.identity)}{where}</p>")
    contact = escape(sender.contact)
    parts.append(f'<p>Contact: <a href="mailto:{contact}">{contact}</a></p>')
    if sender.privacy_url:
        parts.append(
            f'<p><a href="{escape(sender.privacy_url)}">Privacy notice</a>: how we use your data and your rights</p>'
        )
    parts.append(f'<p><a href="{escape(unsubscribe)}">Unsubscribe</a> (one click, effective at once)</p>')
    return '<hr><div class="lawfulreach-footer" style="font-size:12px;color:#555">' + "".join(parts) + "</div>"


def _with_footer(html: str, footer: str) -> str:
    at = html.lower().rfind("</body>")
    return html[:at] + footer + html[at:] if at >= 0 else html + footer


def build_message(
    sender: SenderInfo,
    to: str,
    rendered: Rendered,
    requirements: Collection[Requirement],
    unsubscribe: str,
    message_id: str,
    date: datetime,
) -> EmailMessage:
    """The message (text part, and an HTML alternative when the template has one)."""
    message = EmailMessage(policy=_SMTP)
    message["From"] = formataddr((sender.organisation, sender.mail_from))
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(date.astimezone(UTC).replace(microsecond=0))
    message["Message-ID"] = f"<{message_id}>"
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    for name, value in list_unsubscribe_headers(unsubscribe, sender.unsubscribe_mailto).items():
        message[name] = value
    if sender.campaign_id:
        message["Feedback-ID"] = f"{sender.campaign_id}:lawfulreach"
    message.set_content(rendered.text.rstrip("\n") + "\n" + footer_text(sender, requirements, unsubscribe))
    if rendered.html is not None:
        message.add_alternative(
            _with_footer(rendered.html, footer_html(sender, requirements, unsubscribe)), subtype="html"
        )
    return message


def as_bytes(message: EmailMessage) -> bytes:
    """The message as sent: CRLF line endings, lines folded for SMTP."""
    return message.as_bytes(policy=_SMTP)


def _qp(text: str) -> bytes:
    """Quoted-printable, CRLF line endings: any text (long lines, any script) travels as 7-bit."""
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    return binascii.b2a_qp(normal.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")


def _header(name: str, value: str) -> bytes:
    """One header field, folded (RFC 2047-encoded when not ASCII); never a line break from the value."""
    if "\r" in value or "\n" in value:  # pragma: no cover - every value is built or validated here
        raise ValueError(f"a line break in the {name} header")
    if value.isascii() and len(name) + len(value) < 76:
        return f"{name}: {value}\r\n".encode("ascii")
    charset = "us-ascii" if value.isascii() else "utf-8"
    folded = Header(value, charset, header_name=name).encode(linesep="\r\n")
    return f"{name}: {folded}\r\n".encode("ascii")


def message_bytes(
    sender: SenderInfo,
    to: str,
    rendered: Rendered,
    requirements: Collection[Requirement],
    unsubscribe: str,
    message_id: str,
    date: datetime,
) -> bytes:
    """The same message as ``as_bytes(build_message(...))``, written directly: the ``email`` package's
    header objects cost ~8 ms a message, which alone would hold a send under 100 messages a second.
    Parts are quoted-printable UTF-8; an address that is not ASCII takes the ``email`` package's path."""
    if not (to.isascii() and sender.mail_from.isascii()):
        return as_bytes(build_message(sender, to, rendered, requirements, unsubscribe, message_id, date))
    out = [
        _header("From", formataddr((sender.organisation, sender.mail_from))),
        _header("To", to),
        _header("Subject", rendered.subject),
        _header("Date", format_datetime(date.astimezone(UTC).replace(microsecond=0))),
        _header("Message-ID", f"<{message_id}>"),
    ]
    if sender.reply_to:
        out.append(_header("Reply-To", sender.reply_to))
    for name, value in list_unsubscribe_headers(unsubscribe, sender.unsubscribe_mailto).items():
        folded = value.replace(", <", ",\r\n <")  # one URI a line
        out.append(f"{name}: {folded}\r\n".encode("ascii"))
    if sender.campaign_id:
        out.append(_header("Feedback-ID", f"{sender.campaign_id}:lawfulreach"))
    out.append(b"MIME-Version: 1.0\r\n")
    text = _qp(rendered.text.rstrip("\n") + "\n" + footer_text(sender, requirements, unsubscribe))
    plain = b'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n'
    if rendered.html is None:
        return b"".join(out) + plain + b"\r\n" + text
    html = _qp(_with_footer(rendered.html, footer_html(sender, requirements, unsubscribe)))
    boundary = f"=_lr_{secrets.token_hex(12)}".encode("ascii")
    out.append(b'Content-Type: multipart/alternative; boundary="' + boundary + b'"\r\n\r\n')
    out += [b"--", boundary, b"\r\n", plain, b"\r\n", text, b"\r\n--", boundary, b"\r\n"]
    out += [b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n']
    out += [html, b"\r\n--", boundary, b"--\r\n"]
    return b"".join(out)


__all__ = [
    "SenderInfo",
    "as_bytes",
    "build_message",
    "footer_html",
    "footer_text",
    "message_bytes",
    "new_message_id",
]
