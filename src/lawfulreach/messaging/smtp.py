"""``SmtpTransport``: a message handed to a mail server with ``smtplib``.

``SmtpSecurity`` chooses the connection: ``auto`` (the default) upgrades with STARTTLS whenever the
server offers it and sends in the clear otherwise; ``starttls`` refuses to send unless the upgrade
happens; ``ssl`` speaks TLS from the first byte (port 465). ``context`` is the TLS context of the
upgrade; ``None`` is ``smtplib``'s own default. Credentials are used only when both are set. Every
failure becomes a ``MailError`` naming the server and the kind of failure, never the recipient.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum

from lawfulreach.messaging.port import MailError


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected (``SmtpTransport``)."""

    #: STARTTLS whenever the server offers it, the clear otherwise (what ``serve`` has always done)
    AUTO = "auto"
    #: STARTTLS or nothing: a server that does not offer it gets no mail
    STARTTLS = "starttls"
    #: TLS from the first byte (SMTPS, usually port 465)
    SSL = "ssl"


@dataclass
class SmtpTransport:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: SmtpSecurity = SmtpSecurity.AUTO
    timeout: float = 10.0
    context: ssl.SSLContext | None = field(default=None, repr=False)

    def send(self, message: EmailMessage) -> None:
        try:
            with self.connect() as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot send mail through {self.host}:{self.port}: {type(exc).__name__}") from None

    def connect(self) -> smtplib.SMTP:
        """A connection ready for ``MAIL FROM``: TLS as ``security`` says, logged in when credentials
        are set. ``send`` opens one per message; ``outreach.smtp.SmtpSession`` keeps one for a whole
        send. Raises ``OSError`` / ``smtplib.SMTPException`` (callers name the server), or ``MailError``
        when STARTTLS is required and not offered; the connection is closed on any failure."""
        smtp = self._connect()
        try:
            smtp.ehlo()
            if self.security is not SmtpSecurity.SSL:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self.context)
                    smtp.ehlo()
                elif self.security is SmtpSecurity.STARTTLS:
                    raise MailError(f"the mail server {self.host}:{self.port} does not offer STARTTLS")
            if self.username and self.password:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _connect(self) -> smtplib.SMTP:
        if self.security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
