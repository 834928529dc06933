"""Tenant state for the batch path: loaded once per run as frames, joined against, never queried per row.

A ``BatchSnapshot`` holds the same information as a ``TenantState`` (``domain.state``) in columnar
form. The stored workspace builds one with a handful of SELECTs; ``from_memory`` builds one from an
``InMemoryState`` (tests, stateless runs). Keys are normalised exactly as ``domain.normalise`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from lawfulreach.domain.state import InMemoryState, RegisterInfo


def _strings(values: object) -> pl.Series:
    return pl.Series(values=sorted(values), dtype=pl.String)  # type: ignore[call-overload]


@dataclass
class BatchSnapshot:
    secret_key: bytes
    suppressed_emails: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    suppressed_domains: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    suppressed_phones: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    #: keyed HMAC-SHA-256 hex digests of erased emails / phones
    erased_hashes: pl.Series = field(default_factory=lambda: pl.Series(dtype=pl.String))
    #: columns: key (email or E.164), channel ("all" or a channel)
    opt_outs: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"key": pl.String, "channel": pl.String})
    )
    #: current consent per subject × channel × purpose: key, channel, purpose, status, method
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

    @classmethod
    def from_memory(cls, state: InMemoryState) -> BatchSnapshot:
        consents = [
            {"key": k, "channel": ch, "purpose": p, "status": rec.status.value, "method": rec.method}
            for (k, ch, p), rec in state.consents.items()
        ]
        numbers = [
            {"country": c, "register": name, "e164": n} for (c, name), nums in state.dnc_numbers.items() for n in nums
        ]
        return cls(
            secret_key=state.secret_key,
            suppressed_emails=_strings(state.suppressed_emails),
            suppressed_domains=_strings(state.suppressed_domains),
            suppressed_phones=_strings(state.suppressed_phones),
            erased_hashes=_strings(state.erased_hashes),
            opt_outs=pl.DataFrame(
                [{"key": k, "channel": ch} for k, chans in state.opt_outs.items() for ch in chans],
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
