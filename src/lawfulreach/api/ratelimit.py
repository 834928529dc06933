"""In-process rate limiting: token buckets per (bucket, key), e.g. per client address and per token.

The public pages are reachable by anyone; without limits a script could mail-bomb a stranger through
the privacy-request form or hammer the workspace. Limits are in-process (one server process holds
its own buckets): enough for one ``lawfulreach serve``; behind several processes put the same limits
in the reverse proxy. Memory is bounded: the least recently used keys are dropped beyond ``max_keys``.
Keys are hashed before they are kept, so the table never holds an address or a token in clear.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from lawfulreach.api.errors import RateLimitedError


@dataclass(frozen=True)
class Rate:
    """``count`` requests per ``per_seconds``, with bursts up to ``count``."""

    count: int
    per_seconds: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``30/minute``, ``5/hour``, ``100/second``, ``10/30s``."""
        from lawfulreach.errors import ConfigError

        units = {"second": 1.0, "s": 1.0, "minute": 60.0, "min": 60.0, "m": 60.0, "hour": 3600.0, "h": 3600.0}
        try:
            count_text, unit = text.strip().lower().split("/", 1)
            count = int(count_text)
            if unit in units:
                seconds = units[unit]
            elif unit.endswith("s") and unit[:-1].isdigit():
                seconds = float(unit[:-1])
            else:
                raise ValueError(unit)
        except ValueError:
            raise ConfigError(f"rate {text!r} is not like 30/minute, 5/hour or 10/30s") from None
        if count < 1 or seconds <= 0:
            raise ConfigError(f"rate {text!r} must allow at least one request")
        return cls(count, seconds)


class RateLimiter:
    def __init__(self, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys
        self._clock = clock

    def hit(self, bucket: str, key: str, rate: Rate) -> None:
        """Take one token from ``bucket``/``key``; ``RateLimitedError`` (with the wait) when empty."""
        if not self.try_hit(bucket, key, rate):
            raise RateLimitedError(self._wait(bucket, key, rate))

    def try_hit(self, bucket: str, key: str, rate: Rate) -> bool:
        slot = hashlib.blake2b(f"{bucket}\0{key}".encode(), digest_size=16).hexdigest()
        refill = rate.count / rate.per_seconds
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(slot, (float(rate.count), now))
            tokens = min(float(rate.count), tokens + (now - last) * refill)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[slot] = (tokens, now)
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
        return allowed

    def _wait(self, bucket: str, key: str, rate: Rate) -> float:
        slot = hashlib.blake2b(f"{bucket}\0{key}".encode(), digest_size=16).hexdigest()
        with self._lock:
            tokens, _ = self._buckets.get(slot, (0.0, 0.0))
        return max(0.0, (1.0 - tokens) * rate.per_seconds / rate.count)
