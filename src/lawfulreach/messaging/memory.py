"""``MemoryTransport``: keeps every message in a list — for tests and dry runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class MemoryTransport:
    messages: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            self.messages.append(message)
