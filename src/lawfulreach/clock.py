"""The one clock: ``utc_now()``, the default of every ``clock=`` parameter.

Everything that reads the time takes a ``clock`` (a callable returning an aware UTC ``datetime``)
and defaults it to ``utc_now``, so a test or a batch freezes time by passing its own callable
instead of patching a module. Nothing else calls ``datetime.now``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


__all__ = ["utc_now"]
