"""Tenant state for the batch path: loaded once per run as frames, joined against, never queried per row.

A ``BatchSnapshot`` holds the same information as a ``TenantState`` (``domain.state``) in columnar
form. The stored workspace builds one with a handful of SELECTs; ``from_memory`` builds one from an
``InMemoryState`` (tests, stateless runs).

Person keys are blind indexes (issue 4). The workspace stores no address in the clear, so
``suppressed_emails``, ``suppressed_phones``, ``erased_hashes`` and the ``key`` columns of
``opt_outs`` and ``consents`` hold ``domain.state.keyed_hash(secret_key, k)`` (HMAC-SHA-256, 64 hex
digits) of the normalised email / E.164 phone ``k`` — never ``k`` itself. To match, the batch path
hashes each contact's normalised email and phone with the same function (``index_of`` /
``domain.state.KeyedHasher``; distinct values only, and only when some person-keyed frame is
non-empty: ``needs_index``). ``suppressed_domains`` stays plain normalised domains (a company, matched
with its parent domains) and ``dnc_numbers`` plain E.164 numbers (copies of public registers).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from lawfulreach.domain.state import InMemoryState, KeyedHasher, RegisterInfo


def _strings(values: Iterable[str]) -> pl.Series:
    return pl.Series(values=sorted(values), dtype=pl.String)


@dataclass
class BatchSnapshot:
    #: the tenant's index key: ``keyed_hash(secret_key, k)`` is the blind index of a normalised key ``k``
    secret_key: bytes
    #: blind indexes of excluded normalised emails
    suppressed_emails: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    #: normalised domains (plain; each also covers its subdomains)
    suppressed_domains: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    #: blind indexes of excluded E.164 phones
    suppressed_phones: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    #: blind indexes (the keyed hashes erasure keeps) of erased emails / phones
    erased_hashes: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    #: columns: key (blind index of an email or E.164 phone), channel ("all" or a channel)
    opt_outs: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"key": pl.String, "channel": pl.String})
    )
    #: current consent per subject × channel × purpose: key (blind index), channel, purpose, status, method
    consents: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={
                "key": pl.String,
                "channel": pl.String,
                "purpose": pl.String,
                "status": pl.String,
                "method": pl.String,
            }
        )
    )
    registers: list[RegisterInfo] = field(default_factory=list)
    #: columns: country, register (upper case name), e164
    dnc_numbers: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"country": pl.String, "register": pl.String, "e164": pl.String})
    )

    def needs_index(self) -> bool:
        """Whether any person-keyed frame is non-empty, i.e. whether contacts must be hashed at all."""
        return bool(
            self.suppressed_emails.len()
            or self.suppressed_phones.len()
            or self.erased_hashes.len()
            or self.opt_outs.height
            or self.consents.height
        )

    def index_of(self, values: Iterable[str]) -> list[str]:
        """The blind index of each normalised email / E.164 phone, in order (same function as the store)."""
        return KeyedHasher(self.secret_key).many(values)

    @classmethod
    def from_memory(cls, state: InMemoryState) -> BatchSnapshot:
        """The snapshot of an ``InMemoryState`` (which holds plain normalised keys): person keys are
        hashed with ``state.secret_key`` exactly as the workspace stores them."""
        index = KeyedHasher(state.secret_key)
        consents = [
            {"key": index(k), "channel": ch, "purpose": p, "status": rec.status.value, "method": rec.method}
            for (k, ch, p), rec in state.consents.items()
        ]
        numbers = [
            {"country": c, "register": name, "e164": n} for (c, name), nums in state.dnc_numbers.items() for n in nums
        ]
        return cls(
            secret_key=state.secret_key,
            suppressed_emails=_strings(index.many(state.suppressed_emails)),
            suppressed_domains=_strings(state.suppressed_domains),
            suppressed_phones=_strings(index.many(state.suppressed_phones)),
            erased_hashes=_strings(state.erased_hashes),
            opt_outs=pl.DataFrame(
                [{"key": index(k), "channel": ch} for k, chans in state.opt_outs.items() for ch in chans],
                schema={"key": pl.String, "channel": pl.String},
            ),
            consents=pl.DataFrame(
                consents,
                schema={
                    "key": pl.String,
                    "channel": pl.String,
                    "purpose": pl.String,
                    "status": pl.String,
                    "method": pl.String,
                },
            ),
            registers=sorted(state.dnc.values(), key=lambda r: (r.country, r.name)),
            dnc_numbers=pl.DataFrame(numbers, schema={"country": pl.String, "register": pl.String, "e164": pl.String}),
        )
