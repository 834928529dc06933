"""Benchmark: vectorised email/phone normalisation vs the per-row reference normalisers.

    .venv/bin/python bench/normalise.py --rows 1000000

Builds ``--rows`` realistic prospects (``lawfulreach.sample.generator.generate_prospects`` when it is
available, else a small built-in generator), times ``normalise_emails`` and ``normalise_phones`` on
all of them (best of ``--repeat`` runs, reference caches cleared before each run, so fallback rows pay
the full library cost), times the reference normalisers row by row on a ``--ref-rows`` subset, checks
that both agree on that subset, and prints rows/s and the share of rows that took the fallback.

The phone default region is the row's ``country`` when it is a two-letter code (upper-cased), else
null; names such as ``Germany`` are left to the screen's country resolution.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

import polars as pl

from lawfulreach.batch.vector_email import email_fallback_mask, normalise_emails
from lawfulreach.batch.vector_phone import normalise_phones, phone_fallback_count
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.rules import default_rulebase


def _builtin_prospects(n: int, seed: int) -> pl.DataFrame:
    """A simple stand-in: example numbers with varied digits, ordinary addresses, some junk."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    rng = random.Random(seed)
    countries = list(default_rulebase().countries)
    heads: dict[tuple[str, int], str] = {}
    for country in countries:
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(country, kind)
            if example is not None:
                heads[(country, kind)] = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    emails: list[str | None] = []
    phones: list[str | None] = []
    codes: list[str | None] = []
    names = ["anna", "ben", "chloe", "david", "eva", "felix", "info", "sales", "j.smith", "Marie.Curie"]
    tlds = ["com", "de", "fr", "co.uk", "io", "it", "es", "nl"]
    for _ in range(n):
        country = rng.choice(countries)
        codes.append(country if rng.random() < 0.85 else None)
        r = rng.random()
        if r < 0.03:
            emails.append(None)
        elif r < 0.05:
            emails.append(rng.choice(["john.doe@", "a@@b.com", "no email", "x y@z.com"]))
        else:
            tag = "+news" if rng.random() < 0.1 else ""
            emails.append(
                f"{rng.choice(names)}{rng.randrange(100)}{tag}@company{rng.randrange(5000)}.{rng.choice(tlds)}"
            )
        r = rng.random()
        if r < 0.2:
            phones.append(None)
            continue
        if r < 0.22:
            phones.append(rng.choice(["12345", "n/a", "+49 123", "0000"]))
            continue
        kind = rng.choice([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
        head = heads.get((country, kind)) or heads[(country, PhoneNumberType.FIXED_LINE)]
        e164 = head[:-3] + f"{rng.randrange(1000):03d}"
        number = phonenumbers.parse(e164, None)
        fmt = rng.choice([PhoneNumberFormat.NATIONAL, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.E164])
        phones.append(phonenumbers.format_number(number, fmt))
    return pl.DataFrame(
        {"email": emails, "phone": phones, "country": codes},
        schema=dict.fromkeys(("email", "phone", "country"), pl.String),
    )


def build_prospects(n: int, seed: int) -> tuple[pl.DataFrame, str]:
    try:
        from lawfulreach.sample.generator import generate_prospects
    except ImportError:
        return _builtin_prospects(n, seed), "built-in generator"
    frame: Any = generate_prospects(n, seed)
    return pl.DataFrame(frame).select("email", "phone", "country"), "lawfulreach.sample.generator"


def default_regions(country: pl.Series) -> pl.Series:
    return (
        pl.DataFrame({"c": country})
        .select(pl.when(pl.col("c").str.len_chars() == 2).then(pl.col("c").str.to_uppercase()).alias("dc"))
        .to_series()
    )


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """(first run, best run) wall-clock seconds; the reference caches are cleared before each run."""
    times = []
    for _ in range(repeat):
        normalise_email.cache_clear()
        normalise_phone.cache_clear()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="prospects to normalise (default 1,000,000)")
    parser.add_argument("--ref-rows", type=int, default=20_000, help="rows timed with the per-row reference")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the vectorised path")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    frame, source = build_prospects(args.rows, args.seed)
    print(f"{frame.height:,} prospects from {source} in {time.perf_counter() - start:.2f} s")
    emails = frame.get_column("email")
    phones = frame.get_column("phone")
    regions = default_regions(frame.get_column("country"))

    email_first, email_best = best_of(args.repeat, lambda: normalise_emails(emails))
    phone_first, phone_best = best_of(args.repeat, lambda: normalise_phones(phones, regions))
    email_fb = int(email_fallback_mask(emails).sum())
    phone_fb = phone_fallback_count(phones, regions)

    subset = frame.head(args.ref_rows)
    sub_emails = subset.get_column("email").to_list()
    sub_phones = subset.get_column("phone").to_list()
    sub_regions = regions.head(args.ref_rows).to_list()
    raw_email = normalise_email.__wrapped__
    raw_phone = normalise_phone.__wrapped__
    start = time.perf_counter()
    ref_emails = [raw_email(v) for v in sub_emails]
    ref_email_s = time.perf_counter() - start
    start = time.perf_counter()
    ref_phones = [raw_phone(p, c) for p, c in zip(sub_phones, sub_regions, strict=True)]
    ref_phone_s = time.perf_counter() - start

    vec_emails = normalise_emails(subset.get_column("email"))
    vec_phones = normalise_phones(subset.get_column("phone"), regions.head(args.ref_rows))
    email_diff = sum(
        row != (str(f.status), f.address, f.local, f.domain)
        for row, f in zip(vec_emails.iter_rows(), ref_emails, strict=True)
    )
    phone_diff = sum(
        row != (str(f.status), f.e164, f.country, str(f.phone_type))
        for row, f in zip(vec_phones.iter_rows(), ref_phones, strict=True)
    )

    n = frame.height
    m = subset.height

    def rate(rows: int, seconds: float) -> str:
        return f"{rows / seconds:>12,.0f} rows/s" if seconds > 0 else "           - rows/s"

    print()
    print(f"{'':26}{'best':>9}{'first':>9}{'rate (best)':>24}{'fallback':>20}")
    print(
        f"{'email  vectorised':26}{email_best:9.3f}{email_first:9.3f}{rate(n, email_best):>24}"
        f"{email_fb:>10,} ({email_fb / max(n, 1):.2%})"
    )
    print(
        f"{'phone  vectorised':26}{phone_best:9.3f}{phone_first:9.3f}{rate(n, phone_best):>24}"
        f"{phone_fb:>10,} ({phone_fb / max(n, 1):.2%})"
    )
    print(
        f"{'email+phone vectorised':26}{email_best + phone_best:9.3f}{email_first + phone_first:9.3f}"
        f"{rate(n, email_best + phone_best):>24}"
    )
    print(
        f"{'email  reference/row':26}{ref_email_s:9.3f}{'':9}{rate(m, ref_email_s):>24}"
        f"   → {ref_email_s / max(m, 1) * n:.1f} s for {n:,}"
    )
    print(
        f"{'phone  reference/row':26}{ref_phone_s:9.3f}{'':9}{rate(m, ref_phone_s):>24}"
        f"   → {ref_phone_s / max(m, 1) * n:.1f} s for {n:,}"
    )
    print()
    print(f"agreement on the {m:,}-row subset: email {m - email_diff:,}/{m:,}, phone {m - phone_diff:,}/{m:,}")
    if email_diff or phone_diff:
        raise SystemExit("vectorised and reference normalisers disagree")


if __name__ == "__main__":
    main()
