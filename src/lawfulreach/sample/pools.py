"""Lookup pools the generator samples from, built once per country list (names, companies, phones …).

Each pool is one frame holding every country's rows back to back, with per-group offsets and sizes,
so a row's value is fetched by ``offset[group] + u % size[group]`` — a vectorised gather, no Python
per row. Building them is deterministic: every RNG here is seeded from fixed strings, never from the
caller's seed (which only drives which pool rows each prospect gets).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
import pycountry

from lawfulreach.sample.phones import PhoneTemplate, phone_templates
from lawfulreach.sample.profiles import (
    COUNTRY_WEIGHTS,
    GENERIC_SECTORS,
    PROFILES,
    CountryProfile,
    fallback_profile,
)

__all__ = ["PHONE_KINDS", "Grouped", "Pools", "build_pools", "slug"]

#: Companies per country: ~300 per unit of country weight, at least 200 (GB gets ~4,200).
COMPANIES_PER_WEIGHT = 300
MIN_COMPANIES = 200
PHONE_KINDS: tuple[str, ...] = ("mobile", "landline")

#: Job titles used everywhere; a profile's local titles are mixed in.
_TITLES: tuple[str, ...] = (
    "Chief Executive Officer",
    "Managing Director",
    "Founder",
    "Head of Marketing",
    "Marketing Manager",
    "Sales Director",
    "Head of Sales",
    "Procurement Manager",
    "Purchasing Manager",
    "IT Manager",
    "Chief Technology Officer",
    "Chief Financial Officer",
    "Finance Director",
    "Operations Manager",
    "Office Manager",
    "Data Analyst",
    "Head of Data",
    "HR Director",
    "Business Development Manager",
    "Product Manager",
    "Account Manager",
    "Digital Marketing Lead",
    "Head of Operations",
    "Project Manager",
)

#: Role local parts (all in ``domain.lexicons.ROLE_LOCAL_PARTS``), repeated to weight them.
_ROLES: tuple[str, ...] = (
    ("info",) * 6
    + ("sales",) * 3
    + ("contact",) * 3
    + ("hello",) * 2
    + ("office",) * 2
    + ("admin", "support", "marketing", "accounts", "team")
)
_LOCAL_ROLES: dict[str, tuple[str, ...]] = {
    "GB": ("enquiries", "enquiries"),
    "IE": ("enquiries", "enquiries"),
    "DE": ("kontakt", "kontakt", "vertrieb"),
    "AT": ("kontakt", "kontakt", "vertrieb"),
    "FR": ("bonjour", "ventes"),
    "BE": ("bonjour",),
    "LU": ("bonjour",),
    "ES": ("ventas", "hola"),
    "IT": ("ufficio", "ufficio"),
    "US": ("inquiries",),
}

#: Words a business without a legal form is named with ("Jane Smith Design", "Müller Consulting").
_PLAIN_WORDS: tuple[str, ...] = ("Consulting", "Design", "Studio", "Marketing", "Photography", "Media", "Events")

_UMLAUT_COUNTRIES = frozenset({"DE", "AT", "LU", "CH"})
_TRANSLIT = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def slug(text: str, country: str = "", sep: str = "") -> str:
    """ASCII, lower-case, alphanumeric words joined by ``sep``: ``"Müller Logistik"`` → ``muellerlogistik``."""
    if country in _UMLAUT_COUNTRIES:
        text = text.translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    ascii_text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    words = ["".join(ch for ch in w if ch.isascii() and ch.isalnum()) for w in ascii_text.replace("&", " ").split()]
    return sep.join(w for w in words if w)


@dataclass(frozen=True, slots=True)
class Grouped:
    """Rows of several groups back to back; ``take`` picks one row of its group per prospect."""

    frame: pl.DataFrame
    offsets: pl.Series
    sizes: pl.Series

    @classmethod
    def build(cls, groups: Sequence[Sequence[Mapping[str, object]]], schema: Mapping[str, pl.DataType]) -> Grouped:
        rows: list[Mapping[str, object]] = []
        offsets: list[int] = []
        for group in groups:
            if not group:
                raise ValueError("every pool group needs at least one row")
            offsets.append(len(rows))
            rows.extend(group)
        return cls(
            pl.DataFrame(rows, schema=schema, orient="row"),
            pl.Series(offsets, dtype=pl.UInt32),
            pl.Series([len(g) for g in groups], dtype=pl.UInt32),
        )

    def take(self, group: pl.Series, u: pl.Series) -> pl.DataFrame:
        index = self.offsets.gather(group) + u % self.sizes.gather(group)
        return self.frame[index]


@dataclass(frozen=True, slots=True)
class Pools:
    countries: tuple[str, ...]
    weights: tuple[float, ...]
    names: Grouped  # first, first_slug, first_cap, last, last_slug, last_cap
    companies: Grouped  # company, domain, domain_label, company_kind
    titles: Grouped  # job_title
    roles: Grouped  # role
    country_names: Grouped  # country_name
    phones: Grouped  # group = country index * 2 + kind index; see PhoneTemplate
    layouts: tuple[str, ...]  # phone tail layouts, indexed by *_layout columns


def _profile(code: str) -> CountryProfile:
    if code in PROFILES:
        return PROFILES[code]
    entry = pycountry.countries.get(alpha_2=code)
    return fallback_profile(code, getattr(entry, "name", "") if entry else "")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _pick_weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _company(code: str, p: CountryProfile, rng: random.Random) -> dict[str, object]:
    last, last2 = rng.choice(p.last_names), rng.choice(p.last_names)
    sectors = p.sectors + GENERIC_SECTORS if p.sectors else GENERIC_SECTORS
    sector, stem = rng.choice(sectors), rng.choice(p.stems)
    r = rng.random()
    if r < 0.02:
        kind, name = "government", rng.choice(p.government)
        base = name
    elif r < 0.06:
        kind = "partnership"
        base = f"{last} & {last2}" if rng.random() < 0.3 and last != last2 else last
        name = f"{base} {p.partnership}"
        base = f"{base} partners"
    elif r < 0.21:
        kind = "plain"
        plain_shape = rng.randrange(3)
        if plain_shape == 0:
            name = f"{last} {rng.choice((*_PLAIN_WORDS[:1], sector))}"
        elif plain_shape == 1:
            name = f"{rng.choice(p.first_names)} {last} {rng.choice(_PLAIN_WORDS)}"
        else:
            name = f"{stem} {rng.choice(_PLAIN_WORDS)}"
        base = name
    else:
        kind = "form"
        shape = rng.random()
        if shape < 0.45:
            base = f"{stem} {sector}"
        elif shape < 0.75:
            base = f"{last} {sector}"
        elif shape < 0.9:
            base = stem
        else:
            base = f"{last} & {last2}" if last != last2 else f"{last} {sector}"
        form = _pick_weighted(rng, p.legal_forms)
        name = f"{form} {base}" if rng.randrange(100) < p.form_first else f"{base} {form}"
    label = slug(base, code, "-" if rng.random() < 0.35 else "") or "company"
    return {
        "company": name,
        "domain": f"{label}.{_pick_weighted(rng, p.tlds)}",
        "domain_label": label,
        "company_kind": kind,
    }


def _phone_rows(code: str, kind: str, layouts: dict[str, int]) -> list[dict[str, object]]:
    def lid(layout: str) -> int:
        return layouts.setdefault(layout, len(layouts))

    templates: tuple[PhoneTemplate, ...] = phone_templates(code, kind)
    if not templates:
        templates = phone_templates(code, "landline" if kind == "mobile" else "mobile")
    return [
        {
            "free": t.free,
            "national_head": t.national_head,
            "national_layout": lid(t.national_layout),
            "international_head": t.international_head,
            "international_layout": lid(t.international_layout),
            "e164_head": t.e164_head,
        }
        for t in templates
    ]


@lru_cache(maxsize=4)
def build_pools(countries: tuple[str, ...]) -> Pools:
    """All pools for ``countries`` (sorted ISO codes), in that order."""
    names, companies, titles, roles, country_names, phones = [], [], [], [], [], []
    layouts: dict[str, int] = {}
    for code in countries:
        p = _profile(code)
        rng = random.Random(f"lawfulreach-sample-{code}")
        names.append(
            [
                {
                    "first": f,
                    "first_slug": slug(f, code),
                    "first_cap": _cap(slug(f, code)),
                    "last": ln,
                    "last_slug": slug(ln, code),
                    "last_cap": _cap(slug(ln, code)),
                }
                for f in p.first_names
                for ln in p.last_names
            ]
        )
        size = max(MIN_COMPANIES, int(COUNTRY_WEIGHTS.get(code, 0) * COMPANIES_PER_WEIGHT))
        companies.append([_company(code, p, rng) for _ in range(size)])
        titles.append([{"job_title": t} for t in _TITLES + p.titles * 2])
        roles.append([{"role": r} for r in _ROLES + _LOCAL_ROLES.get(code, ())])
        country_names.append([{"country_name": n} for n in (p.names or (code,))])
        for kind in PHONE_KINDS:
            rows = _phone_rows(code, kind, layouts)
            if not rows:
                raise ValueError(f"no valid phone numbers for {code} in phonenumbers' metadata")
            phones.append(rows)
    s, u8 = pl.String(), pl.UInt8()
    return Pools(
        countries=countries,
        weights=tuple(float(COUNTRY_WEIGHTS.get(c, 0.3)) for c in countries),
        names=Grouped.build(
            names, dict.fromkeys(("first", "first_slug", "first_cap", "last", "last_slug", "last_cap"), s)
        ),
        companies=Grouped.build(companies, {"company": s, "domain": s, "domain_label": s, "company_kind": s}),
        titles=Grouped.build(titles, {"job_title": s}),
        roles=Grouped.build(roles, {"role": s}),
        country_names=Grouped.build(country_names, {"country_name": s}),
        phones=Grouped.build(
            phones,
            {
                "free": u8,
                "national_head": s,
                "national_layout": u8,
                "international_head": s,
                "international_layout": u8,
                "e164_head": s,
            },
        ),
        layouts=tuple(sorted(layouts, key=lambda k: layouts[k])),
    )
