"""``OutboxTransport``: each message as an ``.eml`` file in a directory, for a relay or an operator.

The directory is created 0700 and every file 0600 with ``O_EXCL`` under a random name: a message
holds a recipient's address and a one-time link, so no other local user may read it, and a file
that already exists is never overwritten. Erasure clears the outbox of the person it erases
(``WorkspaceSettings.outbox``).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from lawfulreach.messaging.port import MailError


@dataclass
class OutboxTransport:
    directory: Path

    def send(self, message: EmailMessage) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self.directory / f"{secrets.token_hex(8)}.eml"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes())
        except OSError as exc:
            raise MailError(f"cannot write to the mail outbox {self.directory}: {exc.strerror or exc}") from None
