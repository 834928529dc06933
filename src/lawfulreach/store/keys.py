"""The workspace secret key: generated once, kept outside the database, used for erasure hashes,
blind indexes and (through the key ring of ``store.crypto``) the encryption of personal data.

Erased subjects are kept as HMAC-SHA-256 of their normalised email / E.164 phone under this key
(never a bare hash, which a dictionary of addresses reverses). The key lives in a file with 0600
permissions next to the SQLite file (or at ``LAWFULREACH_KEY_FILE``), or in ``LAWFULREACH_SECRET_KEY``.
Each tenant hashes with its own key derived from the workspace key (HKDF), so one client's erasures
cannot be correlated with another's. A short check value stored per tenant detects a wrong or
replaced key instead of silently letting erased people through.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
import stat
from hashlib import sha256
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lawfulreach.store.errors import SecretKeyError

KEY_BYTES = 32
_CHECK_LABEL = b"lawfulreach/key-check/v1"


def decode_secret(text: str, origin: str) -> bytes:
    """A key given as 64 hex digits or base64 (standard or URL-safe); at least 32 bytes."""
    value = text.strip()
    raw: bytes | None = None
    if len(value) == 2 * KEY_BYTES and all(c in "0123456789abcdefABCDEF" for c in value):
        raw = bytes.fromhex(value)
    else:
        try:
            padded = value + "=" * (-len(value) % 4)
            raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) < KEY_BYTES:
        raise SecretKeyError(f"{origin} is not a secret key: expected {KEY_BYTES} bytes as base64 or 64 hex digits")
    return raw


def read_key_text(path: Path) -> str | None:
    """The text of the key file at ``path``, or None when there is no such file. Refuses a file
    others can read."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretKeyError(
            f"key file {path} can be read by other users (mode {stat.S_IMODE(info.st_mode):o}); run: chmod 600 {path}"
        )
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretKeyError(f"cannot read key file {path}: {exc}") from None


def read_key_file(path: Path) -> bytes | None:
    """The workspace's original secret (key-ring version 1) in ``path``, or None when there is no file.

    A key file may hold a key ring since ``keys rotate`` exists (``store.crypto``); version 1 is the
    secret this function always returned, so callers that only hash keep working unchanged.
    """
    from lawfulreach.store.crypto import KeyRing  # crypto builds on this module

    text = read_key_text(path)
    return None if text is None else KeyRing.parse(text, f"key file {path}", path).index_root


def create_key_file(path: Path) -> bytes:
    """A new random key written to ``path`` (0600); if another process just wrote one, that one wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing = read_key_file(path)
        if existing is None:  # pragma: no cover - deleted between the two calls
            raise SecretKeyError(f"key file {path} vanished while being created") from None
        return existing
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(base64.b64encode(key).decode("ascii") + "\n")
    return key


def tenant_key(workspace_key: bytes, tenant: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"lawfulreach/tenant/" + tenant.encode()
    ).derive(workspace_key)


def key_check(key: bytes) -> str:
    """A value that reveals nothing about the key but tells whether the same key is in use."""
    return hmac.new(key, _CHECK_LABEL, sha256).hexdigest()[:32]
