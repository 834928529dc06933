"""``RateLimit``: at most N messages a second and M an hour, whatever the server would take.

Mailbox providers throttle (and then block) a sender whose volume jumps; a relay's plan has an
hourly quota. Per second the messages are spaced evenly (1/N apart, not N in a burst then a pause);
per hour a sliding window of the last hour's send times. The clock and ``sleep`` are injectable so
tests run in no time.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from lawfulreach.errors import InputError

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$", re.IGNORECASE)
_UNIT = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0, "h": 3600.0, "hour": 3600.0}


def parse_rate(text: str) -> float:
    """``"10/s"``, ``"600/min"``, ``"5"`` (per second) → messages per second; ``InputError`` otherwise."""
    match = _RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"--rate {text!r}: give messages per second, e.g. 10/s or 600/min")
    return float(match.group(1)) / _UNIT[(match.group(2) or "s").lower()]


@dataclass
class RateLimit:
    #: messages per second (None: no limit)
    per_second: float | None = None
    #: messages per hour (None: no limit)
    per_hour: int | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = field(default=None, init=False)
    _hour: deque[float] = field(default_factory=deque, init=False)
    #: seconds spent waiting (reported)
    waited: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if self.per_hour is not None and self.per_hour < 1:
            raise InputError("--hourly must be at least 1")

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)
            self.waited += seconds

    def already_sent(self, seconds_ago: list[float]) -> None:
        """Count messages sent before this limiter existed (by earlier runs), ``seconds_ago`` each: an
        hourly quota is the relay's, not one run's."""
        now = self.clock()
        for ago in sorted(seconds_ago, reverse=True):
            if ago < 3600.0:
                self._hour.append(now - ago)

    def acquire(self) -> None:
        """Wait until one more message may go, and count it."""
        now = self.clock()
        if self.per_second and self._last is not None:
            self._wait(self._last + 1.0 / self.per_second - now)
            now = max(now, self.clock())
        if self.per_hour is not None:
            while self._hour and self._hour[0] <= now - 3600.0:
                self._hour.popleft()
            if len(self._hour) >= self.per_hour:
                self._wait(self._hour[0] + 3600.0 - now)
                now = max(now, self.clock())
                self._hour.popleft()
            self._hour.append(now)
        self._last = now


__all__ = ["RateLimit", "parse_rate"]
