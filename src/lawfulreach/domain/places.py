"""Countries and regions as people write them → ISO 3166 codes: the one normaliser of every front end.

Spec §6 ("unreadable facts fail closed"): a country or region is either read correctly or refused —
``check`` refuses the request, ``screen`` and the imports reject the row with its line and value. So
this module only ever answers a code it is sure of, or ``None``; it never guesses between two.

Where the names come from (maintained data, not a hand list):

- ISO 3166-1 codes (alpha-2, alpha-3) and English names: ``pycountry`` (the Debian iso-codes data).
- Names in the local and neighbouring languages (``Deutschland``, ``España``, ``Belgique``,
  ``Österreich``, ``Nederland``…): the Unicode CLDR territory names shipped with ``babel``, for the
  official languages of the EU/EEA, the UK, Switzerland and North America plus a few widely used ones.
  English is tried first; the other locales are loaded only when a value is not found there.
- A small alias table for what neither source holds: abbreviations (``U.K.``, ``U.S.A.`` fold to
  ``UK``/``USA``), ``Holland``, the nations of the UK, ``Republic of Ireland``, the EU's ``EL``.

Regions (ISO 3166-2): a full code (``US-CA``), a code without its country prefix read against the
row's country (``CA`` beside ``United States``), or a subdivision name read against the row's country
(``California``, ``Ontario``, ``Bayern``; ``pycountry.subdivisions``), plus English exonyms of German
and Austrian states that ISO lists only in German (``Bavaria``). A region needs a country to be read
unless it is a full code.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from lawfulreach.domain.lexicons import COUNTRY_ALIASES

#: CLDR locales whose territory names are read (after English): the official languages of the EU/EEA,
#: the UK, Switzerland, Canada and the US, and a few more that appear in European contact lists.
CLDR_LOCALES: tuple[str, ...] = (
    "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "nb", "nn", "is", "cs", "sk", "sl",
    "hr", "hu", "ro", "bg", "el", "et", "lv", "lt", "mt", "ga", "lb", "ca", "eu", "gl", "cy", "gd",
    "rm", "sq", "sr", "mk", "tr", "uk", "ru",
)  # fmt: skip

#: Written forms neither ISO nor CLDR holds, after folding (upper case, no dots, no accents).
_EXTRA_COUNTRY: dict[str, str] = {
    "HOLLAND": "NL",
    "THE NETHERLANDS": "NL",
    "REPUBLIC OF IRELAND": "IE",
    "EIRE": "IE",
    "BRITAIN": "GB",
    "AMERICA": "US",
    "UNITED STATES OF AMERICA": "US",
    "US OF A": "US",
}

#: English names of subdivisions that ISO 3166-2 lists only in the local language.
_REGION_EXONYMS: dict[str, str] = {
    "BAVARIA": "DE-BY",
    "HESSE": "DE-HE",
    "LOWER SAXONY": "DE-NI",
    "NORTH RHINE-WESTPHALIA": "DE-NW",
    "RHINELAND-PALATINATE": "DE-RP",
    "SAXONY": "DE-SN",
    "SAXONY-ANHALT": "DE-ST",
    "THURINGIA": "DE-TH",
    "MECKLENBURG-WESTERN POMERANIA": "DE-MV",
    "MECKLENBURG-VORPOMMERN": "DE-MV",
    "BADEN-WURTTEMBERG": "DE-BW",
    "LOWER AUSTRIA": "AT-3",
    "UPPER AUSTRIA": "AT-4",
    "STYRIA": "AT-6",
    "CARINTHIA": "AT-2",
    "TYROL": "AT-7",
    "VIENNA": "AT-9",
}


def fold(text: str) -> str:
    """The comparison form: upper case, accents and dots removed, spaces collapsed.

    ``"U.S.A."`` → ``USA``; ``" Österreich "`` → ``OSTERREICH``; ``"Baden-Württemberg"`` → ``BADEN WURTTEMBERG``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace(".", "").replace("’", "'").replace("-", " ").replace("_", " ")
    return re.sub(r"\s+", " ", plain).strip().upper()


@functools.cache
def _iso_tables() -> tuple[frozenset[str], dict[str, str]]:
    """(valid alpha-2 codes, {folded alpha-3 / English name: alpha-2}) from pycountry."""
    import pycountry

    codes: set[str] = set()
    names: dict[str, str] = {}
    for c in pycountry.countries:
        codes.add(c.alpha_2)
        names[c.alpha_3] = c.alpha_2
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names[fold(value)] = c.alpha_2
    return frozenset(codes), names


def _cldr_names(locales: tuple[str, ...], valid: frozenset[str]) -> dict[str, str]:
    """{folded territory name: alpha-2} for these locales; a name two countries share is left out."""
    from babel import Locale

    seen: dict[str, set[str]] = {}
    for loc in locales:
        for code, name in Locale.parse(loc).territories.items():
            if code in valid:
                seen.setdefault(fold(name), set()).add(code)
    return {name: next(iter(codes)) for name, codes in seen.items() if len(codes) == 1}


@functools.cache
def _english_names() -> dict[str, str]:
    valid, iso = _iso_tables()
    return {**_cldr_names(("en",), valid), **iso}


@functools.cache
def _local_names() -> dict[str, str]:
    valid, _ = _iso_tables()
    return _cldr_names(CLDR_LOCALES, valid)


def valid_alpha2() -> frozenset[str]:
    return _iso_tables()[0]


@functools.lru_cache(maxsize=4096)
def normalise_country(raw: str | None) -> str | None:
    """ISO 3166-1 alpha-2 for a code, a name in English or a local language, or a common
    abbreviation; ``None`` when blank or not read (the caller refuses or rejects, never drops)."""
    if raw is None:
        return None
    text = fold(raw)
    if not text:
        return None
    valid = valid_alpha2()
    if text.startswith("THE "):
        text = text[4:]
    text = COUNTRY_ALIASES.get(text) or _EXTRA_COUNTRY.get(text) or _EXTRA_COUNTRY.get(f"THE {text}") or text
    if len(text) == 2:
        return text if text in valid else None
    found = _english_names().get(text)
    if found is None:
        found = _local_names().get(text)
    return found


@functools.cache
def _subdivisions(country: str) -> tuple[frozenset[str], dict[str, str]]:
    """(codes, {folded name or code suffix: code}) of one country's ISO 3166-2 subdivisions."""
    import pycountry

    codes: set[str] = set()
    names: dict[str, set[str]] = {}
    table: Any = pycountry.subdivisions  # untyped in pycountry
    for sub in table.get(country_code=country) or ():
        codes.add(sub.code)
        names.setdefault(fold(sub.name), set()).add(sub.code)
        names.setdefault(sub.code.split("-", 1)[1], set()).add(sub.code)
    for name, code in _REGION_EXONYMS.items():
        if code.startswith(f"{country}-"):
            names.setdefault(fold(name), set()).add(code)
    return frozenset(codes), {k: next(iter(v)) for k, v in names.items() if len(v) == 1}


@functools.lru_cache(maxsize=16384)
def normalise_region(raw: str | None, country: str | None = None) -> str | None:
    """ISO 3166-2 code for ``raw`` read against ``country`` (an alpha-2 code, already normalised);
    ``None`` when blank or not read.

    A full code (``US-CA``) is read alone and must be a subdivision ISO lists; a bare code (``CA``) or
    a name (``California``) needs the country."""
    if raw is None:
        return None
    text = fold(raw)
    if not text:
        return None
    full = re.fullmatch(r"([A-Z]{2}) ([A-Z0-9]{1,3})", text)
    if full:
        codes, _ = _subdivisions(full.group(1))
        code = f"{full.group(1)}-{full.group(2)}"
        if code in codes:
            return code
    if not country:
        return None
    _, names = _subdivisions(country)
    return names.get(text)


def region_error(raw: str, country: str | None) -> str:
    """Why a region was not read, in one line (the same words in ``check`` and the rejects file)."""
    if country:
        return f"region {raw!r} is not a subdivision of {country} (an ISO 3166-2 code such as US-CA, or its name)"
    return f"region {raw!r} cannot be read without a country; give an ISO 3166-2 code such as US-CA or a country"


def country_error(raw: str) -> str:
    return f"unknown country {raw!r}; use an ISO 3166-1 alpha-2 code such as DE or GB"
