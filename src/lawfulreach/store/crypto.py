"""Personal data encrypted at rest: the workspace key ring and the per-tenant AES-GCM sealer.

What a stolen database file must not reveal is who is in it. So every personal field (an address,
a phone number, a name, a job title, the wording of a consent, a reason typed by a person) is stored
*sealed*: AES-256-GCM, an authenticated cipher, under a data key that never enters the database.
Look-ups never decrypt: they go through *blind indexes*, HMAC-SHA-256 of the normalised address
under the tenant's index key (``domain.state.keyed_hash``) — the very hash erasure keeps.

The key ring
------------
The workspace key file (``store.keys``) holds numbered root secrets. Version 1 is the secret every
workspace was created with; it is never rotated, because the blind indexes and the erased-subject
hashes are derived from it, and an erased person's hash has no plaintext left to re-hash. Later
versions are added by ``lawfulreach keys rotate`` (random, unrelated to version 1) and only ever
encrypt. For tenant ``t`` and version ``v``:

* index key  = HKDF(root₁, "lawfulreach/tenant/" + t)                (``keys.tenant_key``; unchanged since issue 3)
* data key_v = HKDF(HKDF(root_v, "lawfulreach/tenant/" + t), "lawfulreach/data-key/v1")

so tenants never share a data key, and a version-1 data key can be derived from the tenant's index
key alone (handles built without the ring — ``TenantScope(…)`` in older call sites — still read and
write version-1 data).

The file format is one entry a line, ``N:BASE64`` (``#`` comments allowed); a file holding a single
bare key — every key file written before rotation existed — is version 1. ``LAWFULREACH_SECRET_KEY``
accepts the same text (entries separated by whitespace, ``;`` or ``,``).

Sealed values
-------------
``format (1 byte) ‖ key version (2 bytes) ‖ nonce (12 bytes) ‖ ciphertext+tag``, the plaintext being
a compact JSON object of the row's personal fields. The associated data binds the blob to its table
and to the row's blind index, so a blob copied onto another person's row, another table or another
tenant fails authentication instead of silently decrypting as someone else's data.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lawfulreach.store import keys
from lawfulreach.store.errors import KeyRingError, SealedDataError, SecretKeyError

FORMAT = 1
_HEADER = 3
_NONCE = 12
_DATA_INFO = b"lawfulreach/data-key/v1"
_ENTRY = re.compile(r"^(?:(\d{1,5}):)?([A-Za-z0-9+/=_-]+)$")
_SEPARATORS = re.compile(r"[\s;,]+")
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
RING_HEADER = (
    "# lawfulreach workspace key ring: one 'version:base64' line per key. Version 1 keys the blind\n"
    "# indexes and erased-subject hashes and must never be removed; later versions encrypt personal\n"
    "# data. Back this file up separately from the database (docs/security.md).\n"
)


def data_key(root: bytes, tenant: str) -> bytes:
    """The tenant's AES-256 key for one key-ring version."""
    return data_key_from_tenant_key(keys.tenant_key(root, tenant))


def data_key_from_tenant_key(tenant_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=keys.KEY_BYTES, salt=None, info=_DATA_INFO).derive(tenant_key)


@dataclass(frozen=True)
class KeyRing:
    """The workspace's root secrets by version; version 1 is the index root (see module docstring)."""

    versions: Mapping[int, bytes]
    #: the file the ring was read from (re-read when a newer version shows up), None for the environment
    path: Path | None = None

    def __post_init__(self) -> None:
        if 1 not in self.versions:
            raise KeyRingError("the key ring has no version 1 (the key the workspace was created with)")

    @property
    def index_root(self) -> bytes:
        return self.versions[1]

    @property
    def latest(self) -> int:
        return max(self.versions)

    @classmethod
    def single(cls, secret: bytes, path: Path | None = None) -> KeyRing:
        return cls({1: secret}, path)

    @classmethod
    def parse(cls, text: str, origin: str, path: Path | None = None) -> KeyRing:
        """A ring from key-file text: ``N:BASE64`` entries, or one bare key (version 1)."""
        lines = [line.split("#", 1)[0] for line in text.splitlines()]
        tokens = [t for t in _SEPARATORS.split(" ".join(lines)) if t]
        if not tokens:
            raise SecretKeyError(f"{origin} holds no key")
        if len(tokens) == 1 and ":" not in tokens[0]:
            return cls.single(keys.decode_secret(tokens[0], origin), path)
        versions: dict[int, bytes] = {}
        for token in tokens:
            match = _ENTRY.match(token)
            if match is None or match.group(1) is None:
                raise SecretKeyError(f"{origin}: {token[:12]}… is not a 'version:base64' key entry")
            version = int(match.group(1))
            if version < 1 or version in versions:
                raise SecretKeyError(f"{origin}: key version {version} is invalid or listed twice")
            versions[version] = keys.decode_secret(match.group(2), f"{origin}, version {version}")
        return cls(versions, path)

    def dump(self) -> str:
        body = "".join(f"{v}:{base64.b64encode(self.versions[v]).decode('ascii')}\n" for v in sorted(self.versions))
        return RING_HEADER + body

    def with_new_version(self) -> KeyRing:
        versions = dict(self.versions)
        versions[self.latest + 1] = secrets.token_bytes(keys.KEY_BYTES)
        return KeyRing(versions, self.path)

    def reloaded(self) -> KeyRing:
        """The ring as the key file holds it now (another process may have rotated)."""
        if self.path is None:
            return self
        found = read_ring(self.path)
        return self if found is None else found


def read_ring(path: Path) -> KeyRing | None:
    """The ring in ``path`` (permissions checked as for any key file), or None when there is no file."""
    text = keys.read_key_text(path)
    return None if text is None else KeyRing.parse(text, f"key file {path}", path)


def write_ring(path: Path, ring: KeyRing) -> None:
    """Replace the key file atomically (0600): a crash leaves the old ring or the new one, never half."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(ring.dump())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def version_of(blob: bytes) -> int:
    if len(blob) < _HEADER + _NONCE + 16 or blob[0] != FORMAT:
        raise SealedDataError("a sealed value is damaged (unknown format)")
    return int.from_bytes(blob[1:_HEADER], "big")


@dataclass
class TenantCrypto:
    """Seals and opens one tenant's personal fields. ``current`` is the version new data is sealed
    under (the workspace's newest registered key version); any version in the ring can be opened."""

    tenant: str
    current: int
    #: version → data key; filled from ``ring`` on demand
    _keys: dict[int, AESGCM] = field(default_factory=dict, repr=False)
    ring: KeyRing | None = field(default=None, repr=False)
    #: the version-1 data key when no ring is at hand (built from the tenant's index key)
    fallback: bytes | None = field(default=None, repr=False)
    _reload: Callable[[], KeyRing] | None = field(default=None, repr=False)

    @classmethod
    def from_ring(cls, ring: KeyRing, tenant: str, current: int) -> TenantCrypto:
        crypto = cls(tenant, current, ring=ring)
        crypto._reload = ring.reloaded
        return crypto

    @classmethod
    def from_tenant_key(cls, tenant: str, tenant_key: bytes) -> TenantCrypto:
        """Version 1 only: for handles built from a tenant key without the ring."""
        return cls(tenant, 1, fallback=data_key_from_tenant_key(tenant_key))

    def _cipher(self, version: int) -> AESGCM:
        cipher = self._keys.get(version)
        if cipher is not None:
            return cipher
        root = self.ring.versions.get(version) if self.ring is not None else None
        if root is None and self.ring is not None and self._reload is not None:
            self.ring = self._reload()  # rotated by another process since this one started
            root = self.ring.versions.get(version)
        if root is not None:
            key = data_key(root, self.tenant)
        elif version == 1 and self.fallback is not None:
            key = self.fallback
        else:
            raise KeyRingError(
                f"key version {version} is not in the key ring: restore the key file that holds it "
                "(docs/security.md, 'Key rotation')"
            )
        cipher = AESGCM(key)
        self._keys[version] = cipher
        return cipher

    def seal(self, context: str, fields: Mapping[str, Any]) -> bytes:
        """Encrypt a row's personal fields; ``context`` names the table and the row's blind index."""
        header = bytes([FORMAT]) + self.current.to_bytes(2, "big")
        nonce = os.urandom(_NONCE)
        plain = _ENCODE(fields).encode("utf-8")
        return header + nonce + self._cipher(self.current).encrypt(nonce, plain, header + context.encode("utf-8"))

    def open(self, context: str, blob: bytes) -> dict[str, Any]:
        """The fields sealed in ``blob``; ``SealedDataError`` if it was altered or moved to another row."""
        data = bytes(blob)
        version = version_of(data)
        nonce = data[_HEADER : _HEADER + _NONCE]
        try:
            plain = self._cipher(version).decrypt(nonce, data[_HEADER + _NONCE :], data[:_HEADER] + context.encode())
        except InvalidTag:
            raise SealedDataError(
                f"a sealed {context.split('|', 1)[0]} value does not authenticate: it was altered, copied from "
                "another row, or the key ring is not this workspace's"
            ) from None
        value = json.loads(plain)
        if not isinstance(value, dict):  # pragma: no cover - we only ever seal objects
            raise SealedDataError("a sealed value is not a record")
        return value


__all__ = [
    "FORMAT",
    "KeyRing",
    "TenantCrypto",
    "data_key",
    "read_ring",
    "version_of",
    "write_ring",
]
