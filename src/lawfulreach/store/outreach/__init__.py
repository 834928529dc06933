"""Outreach state: what was sent to whom, for sending without duplicates and for matching replies.

``send_log`` is the one table so far (issue "outreach loop"): ``lawfulreach send`` claims and marks
its rows, inbound processing finds the recipient of a reply through it.
"""

from __future__ import annotations

from lawfulreach.store.outreach.send_log import (
    SEND_STATUSES,
    Claim,
    SendLog,
    SendLogEntry,
    SentMessage,
    message_ids_in,
)

__all__ = ["SEND_STATUSES", "Claim", "SendLog", "SendLogEntry", "SentMessage", "message_ids_in"]
