"""``SmtpSession``: one SMTP connection kept for a whole send, with retries and a verdict per message.

``messaging.SmtpTransport`` opens a connection per message (right for a verification mail now and
then); a campaign of thousands reuses one — TLS handshakes and logins cost more than the messages.
The session opens it with ``SmtpTransport.connect`` (same STARTTLS / implicit TLS / AUTH rules), and
reopens it when the server closes it (servers limit messages per connection and idle time).

Each message is one ``deliver``: ``MAIL FROM``, ``RCPT TO``, then — only then — ``before_data`` (the
send log's claim: ``store.outreach.send_log``), then ``DATA``. Until ``DATA`` is sent nothing can have
been delivered, so a failure before it is safely retried; a connection lost *during* ``DATA`` is
``uncertain`` (the server may have accepted the message) and is never retried automatically.

Replies: 2xx → ``sent``; 4xx (and a dropped connection before ``DATA``) → retried after a back-off
(``backoff`` seconds, doubling) up to ``retries`` times, then ``deferred``; 5xx → ``failed`` at once
(a permanent refusal: the recipient does not exist, the message was rejected as spam…). The server's
answer is returned for the send log; it may quote the address, so it is never logged.
"""

from __future__ import annotations

import contextlib
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from lawfulreach.messaging.port import MailError
from lawfulreach.messaging.smtp import SmtpTransport

SENT, FAILED, DEFERRED, UNCERTAIN, SKIPPED = "sent", "failed", "deferred", "uncertain", "skipped"


@dataclass(frozen=True, slots=True)
class Delivery:
    """What became of one message."""

    #: sent, failed (5xx), deferred (4xx until the retries ran out), uncertain (lost during DATA),
    #: skipped (``before_data`` said no: someone else has it)
    status: str
    #: the server's last reply code (None: no reply, a connection failure)
    code: int | None
    #: the server's last reply text, or the kind of connection failure
    reply: str
    #: SMTP transactions tried
    attempts: int


def _text(reply: bytes | str) -> str:
    raw = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(raw.split())[:500]


@dataclass
class SmtpSession:
    transport: SmtpTransport
    #: retries after the first attempt for a temporary failure (4xx, connection lost before DATA)
    retries: int = 3
    #: seconds before the first retry; doubled for each further one
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    _smtp: smtplib.SMTP | None = field(default=None, init=False, repr=False)
    #: connections opened (the first and every reconnection)
    connections: int = field(default=0, init=False)

    def _where(self) -> str:
        return f"{self.transport.host}:{self.transport.port}"

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            try:
                self._smtp = self.transport.connect()
            except smtplib.SMTPAuthenticationError:
                raise MailError(f"the mail server {self._where()} refused the login") from None
            except (OSError, smtplib.SMTPException) as exc:
                raise MailError(f"cannot connect to the mail server {self._where()}: {type(exc).__name__}") from None
            self.connections += 1
        return self._smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        """Say QUIT and close (errors ignored: the messages are already answered)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def deliver(self, sender: str, recipient: str, data: bytes, before_data: Callable[[], bool]) -> Delivery:
        """Hand one message to the server (see the module docstring). ``before_data`` is called once,
        the first time the server has accepted the sender and the recipient; False skips the message.

        Raises ``MailError`` when the server cannot be reached or refuses the login: no message can be
        sent then, and the run stops."""
        claimed = False
        code: int | None = None
        reply = ""
        attempt = 0
        while True:
            attempt += 1
            smtp = self._connection()
            stage = "envelope"
            try:
                code, answer = smtp.mail(sender)
                reply = _text(answer)
                if 200 <= code < 300:
                    code, answer = smtp.rcpt(recipient)
                    reply = _text(answer)
                if 200 <= code < 300:
                    if not claimed:
                        if not before_data():
                            smtp.rset()
                            return Delivery(SKIPPED, None, "claimed elsewhere", attempt)
                        claimed = True
                    stage = "data"
                    code, answer = smtp.data(data)
                    reply = _text(answer)
                    if 200 <= code < 300:
                        return Delivery(SENT, code, reply, attempt)
                else:
                    smtp.rset()
            except smtplib.SMTPDataError as exc:  # DATA itself refused (before any content was sent)
                code, reply = exc.smtp_code, _text(exc.smtp_error)
            except (OSError, smtplib.SMTPServerDisconnected) as exc:
                self._drop()
                if stage == "data":
                    return Delivery(UNCERTAIN, None, f"connection lost during DATA ({type(exc).__name__})", attempt)
                code, reply = None, f"connection lost ({type(exc).__name__})"
            except smtplib.SMTPException as exc:
                self._drop()
                code, reply = None, f"SMTP error ({type(exc).__name__})"
            if code == 421:  # the server is closing the connection (RFC 5321 §3.8)
                self._drop()
            if code is not None and 500 <= code < 600:
                return Delivery(FAILED, code, reply, attempt)
            if attempt > self.retries:
                return Delivery(DEFERRED, code, reply, attempt)
            self.sleep(self.backoff * (2 ** (attempt - 1)))
