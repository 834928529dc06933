"""Building a plain-text message with the headers every automated mail of ours carries."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid


def compose(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text message: ``Date`` in UTC, a ``Message-ID`` on the sender's domain, and
    ``Auto-Submitted: auto-generated`` (RFC 3834: no auto-replies to it)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "lawfulreach.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    return message
