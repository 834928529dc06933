"""DKIM signatures (RFC 6376) on outgoing messages: ``DkimSigner``.

Mailbox providers require bulk senders to sign (Gmail and Yahoo since February 2024), and RFC 8058
asks the signature to cover ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` — so both are signed.

dkimpy does the parts where DKIM implementations go wrong: parsing the message
(``rfc822_parse``), relaxed canonicalisation of headers and body, choosing the header instances to
hash (``hash_headers``), blanking and folding the ``b=`` tag. Only the signing operation itself goes
through OpenSSL (``cryptography``): dkimpy computes RSA in pure Python (``pow``), ~11 ms a message on
this machine, which alone would cap a send at ~90 messages a second; OpenSSL takes well under 1 ms.
What is signed is verified with ``dkim.verify`` — dkimpy's own verifier — in the tests.

Two key types: RSA (``rsa-sha256``, RFC 6376; at least 1024 bits, 2048 recommended — what every
receiver verifies) and Ed25519 (``ed25519-sha256``, RFC 8463: the SHA-256 hash of the canonicalised
header fields signed with the Ed25519 key, the public key published raw). RFC 8463 recommends
signing with both during the transition, as not every receiver verifies Ed25519 yet: run two
signers, or keep RSA.

Signing is ``relaxed/relaxed``: a relay that re-folds a header or trims trailing spaces does not
break the signature.
"""

from __future__ import annotations

import base64
import hashlib
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from dkim.canonicalization import CanonicalizationPolicy

from lawfulreach.errors import ConfigError

#: the header fields signed, in this order (each once; ``from`` is required by RFC 6376)
SIGNED_HEADERS: tuple[str, ...] = (
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "reply-to",
    "mime-version",
    "content-type",
    "list-unsubscribe",
    "list-unsubscribe-post",
)
_CANON = (b"relaxed", b"relaxed")
_LABEL = "a-z0-9-"


def _check_label(value: str, what: str) -> str:
    text = value.strip().lower().rstrip(".")
    parts = text.split(".")
    if not text or any(not p or any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in p) for p in parts):
        raise ConfigError(f"DKIM {what} {value!r} is not a DNS name ({_LABEL} labels separated by dots)")
    return text


@dataclass(frozen=True)
class DkimSigner:
    """Signs messages for ``domain`` with the key published at ``<selector>._domainkey.<domain>``."""

    selector: str
    domain: str
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey = field(repr=False)
    headers: Sequence[str] = SIGNED_HEADERS

    @property
    def algorithm(self) -> str:
        """The ``a=`` tag: ``rsa-sha256`` or ``ed25519-sha256`` (RFC 8463)."""
        return "ed25519-sha256" if isinstance(self.key, ed25519.Ed25519PrivateKey) else "rsa-sha256"

    @classmethod
    def load(cls, key_file: Path, selector: str, domain: str) -> DkimSigner:
        """The signer for a PEM private key file: RSA (at least 1024 bits; 2048 recommended) or Ed25519.

        The file must be readable by its owner only (0600 or 0400): anyone who can read it can sign
        mail as the domain. ``ConfigError`` naming the file for anything wrong."""
        selector = _check_label(selector, "selector")
        domain = _check_label(domain, "domain")
        try:
            mode = stat.S_IMODE(key_file.stat().st_mode)
            data = key_file.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read the DKIM key {key_file}: {exc.strerror or exc}") from None
        if mode & 0o077:
            raise ConfigError(
                f"the DKIM key {key_file} is readable by others (mode {mode:o}); chmod 600 it: "
                "whoever reads it can sign mail as the domain"
            )
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise ConfigError(f"{key_file} is not an unencrypted PEM private key") from None
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return cls(selector, domain, key)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ConfigError(f"{key_file} is neither an RSA nor an Ed25519 key (the two DKIM key types)")
        if key.key_size < 1024:
            raise ConfigError(f"the DKIM key {key_file} has {key.key_size} bits; receivers need at least 1024")
        return cls(selector, domain, key)

    def public_record(self) -> str:
        """The TXT record to publish at ``<selector>._domainkey.<domain>`` (an Ed25519 key is published
        as its 32 raw bytes, RFC 8463 §4.2; an RSA key as SubjectPublicKeyInfo)."""
        if isinstance(self.key, ed25519.Ed25519PrivateKey):
            raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return f"v=DKIM1; k=ed25519; p={base64.b64encode(raw).decode('ascii')}"
        der = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode('ascii')}"

    @property
    def record_name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"

    def sign(self, message: bytes, *, now: float | None = None) -> bytes:
        """The ``DKIM-Signature:`` header line (ending in CRLF) to put in front of ``message``.

        ``message`` is the whole message as it will be sent, CRLF line endings."""
        headers, body = dkim.rfc822_parse(message)
        policy = CanonicalizationPolicy.from_c_value(b"/".join(_CANON))
        present = {name.lower() for name, _ in headers}
        include = tuple(h.encode("ascii") for h in self.headers if h.encode("ascii") in present)
        if b"from" not in include:
            raise ConfigError("a message without a From header cannot be DKIM-signed")
        body_hash = base64.b64encode(hashlib.sha256(policy.canonicalize_body(body)).digest())
        domain = self.domain.encode("ascii")
        fields = [
            (b"v", b"1"),
            (b"a", self.algorithm.encode("ascii")),
            (b"c", policy.to_c_value()),
            (b"d", domain),
            (b"i", b"@" + domain),
            (b"q", b"dns/txt"),
            (b"s", self.selector.encode("ascii")),
            (b"t", str(int(now if now is not None else time.time())).encode("ascii")),
            (b"h", b" : ".join(include)),
            (b"bh", body_hash),
            # b= on a line of its own, so folding after the signature is added moves nothing else
            (b"b", b"0" * 60),
        ]
        name = b"DKIM-Signature"
        value = dkim.fold(b"; ".join(b"=".join(f) for f in fields), namelen=len(name), linesep=b"\r\n")
        value = dkim.RE_BTAG.sub(b"\\1", value)
        hasher = dkim.HashThrough(hashlib.sha256())
        dkim.hash_headers(hasher, policy, policy.canonicalize_headers(headers), include, (name, b" " + value), None)
        if isinstance(self.key, ed25519.Ed25519PrivateKey):  # RFC 8463 §3: Ed25519 over the SHA-256 hash
            signature = self.key.sign(hasher.digest())
        else:
            signature = self.key.sign(hasher.digest(), padding.PKCS1v15(), Prehashed(hashes.SHA256()))
        fields[-1] = (b"b", base64.b64encode(signature))
        folded: bytes = dkim.fold(
            b"; ".join(b"=".join(f) for f in fields) + b"\r\n", namelen=len(name), linesep=b"\r\n"
        )
        return name + b": " + folded

    def signed(self, message: bytes, *, now: float | None = None) -> bytes:
        """``message`` with its signature in front."""
        return self.sign(message, now=now) + message


__all__ = ["SIGNED_HEADERS", "DkimSigner"]
