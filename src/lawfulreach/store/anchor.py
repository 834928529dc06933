"""The audit trail's anchor: each tenant's chain head, checkpointed *outside* the database.

The chain (``store.audit``) proves that no entry was edited, removed from the middle or reordered, and
its head row that none was cut off the end. Both live in the database, so someone with write access
to it could delete every entry *and* the head (the trail then reads "0 entries, intact"), or restore
an older copy of both together. The anchor closes that gap: after every commit that appends entries,
the new head (sequence number and entry hash, MACed under the tenant's chain key) is written to a
small file beside the workspace key file — ``<key file stem>.audit/<tenant>.anchor``, 0600 in a 0700
directory. ``audit verify`` then requires the chain to reach the anchored entry with the anchored
hash. Forging an anchor needs the key, and whoever holds the key file can already do anything.

The file is written *after* the database commits, so it can only lag behind (a crash between the two
leaves it one act behind, which verification accepts); it never runs ahead of a transaction that was
rolled back. Concurrent writers take an ``flock`` on the anchor and only ever move it forward.
A workspace whose anchor file does not exist yet (a new key directory, a workspace created before
anchors) is anchored at its verified head by the next ``audit verify``.
"""

from __future__ import annotations

import fcntl
import hmac
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("lawfulreach.store")

_SUFFIX = ".anchor"


def anchor_dir(key_file: Path | None) -> Path | None:
    """Where a workspace keeps its anchors: beside its key file (None when it has no key file)."""
    if key_file is None:
        return None
    return key_file.parent / f"{key_file.stem}.audit"


@dataclass(frozen=True, slots=True)
class Anchor:
    seq: int
    entry_hash: str


class AnchorUnreadableError(ValueError):
    """The anchor file exists but is not one this key wrote (edited, truncated, or another key's)."""


def _mac(key: bytes, tenant: str, seq: int, entry_hash: str) -> str:
    return hmac.digest(key, f"anchor|{tenant}|{seq}|{entry_hash}".encode(), "sha256").hex()


def _path(directory: Path, tenant: str) -> Path:
    return directory / f"{tenant}{_SUFFIX}"


def read(directory: Path, key: bytes, tenant: str) -> Anchor | None:
    """The tenant's anchor, None when there is none; ``AnchorUnreadableError`` when it fails its MAC."""
    try:
        text = _path(directory, tenant).read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorUnreadableError(f"cannot read it: {type(exc).__name__}") from None
    try:
        data = json.loads(text)
        seq, entry_hash, mark = int(data["seq"]), str(data["entry_hash"]), str(data["mac"])
    except (ValueError, KeyError, TypeError):
        raise AnchorUnreadableError("it is not an anchor file") from None
    if not hmac.compare_digest(mark, _mac(key, tenant, seq, entry_hash)):
        raise AnchorUnreadableError("its MAC does not match (edited, or written under another key)")
    return Anchor(seq, entry_hash)


@contextmanager
def _locked(directory: Path, tenant: str) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(directory / f"{tenant}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def advance(directory: Path, key: bytes, tenant: str, seq: int, entry_hash: str) -> None:
    """Move the anchor forward to (seq, hash); an anchor already at or past ``seq`` is left alone.

    Written to a temporary file and renamed over the old one, so a reader never sees half a file.
    """
    with _locked(directory, tenant):
        try:
            current = read(directory, key, tenant)
        except AnchorUnreadableError:
            log.error("the audit anchor of tenant %r is unreadable; leaving it for `audit verify` to report", tenant)
            return
        if current is not None and current.seq >= seq:
            return
        body = json.dumps({"seq": seq, "entry_hash": entry_hash, "mac": _mac(key, tenant, seq, entry_hash)})
        target = _path(directory, tenant)
        temporary = target.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(body + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, target)


def advance_quietly(directory: Path, key: bytes, tenant: str, seq: int, entry_hash: str) -> None:
    """``advance`` after a commit: the act is already recorded, so a failure to write the anchor is
    logged (the anchor then lags, which verification tolerates) rather than reported as the act failing."""
    try:
        advance(directory, key, tenant, seq, entry_hash)
    except OSError as exc:
        log.error("cannot write the audit anchor of tenant %r: %s", tenant, exc.strerror or type(exc).__name__)


__all__ = ["Anchor", "AnchorUnreadableError", "advance", "advance_quietly", "anchor_dir", "read"]
