"""The message check's rule data, as the pure core reads it: phrase lists, postcode patterns and
citations (``rules/data/lint.toml``, loaded by ``rules.lint``), and the folding every phrase is
matched with (case, accents and invisible format characters ignored).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lawfulreach.domain.vocabulary import Requirement
from lawfulreach.errors import RuleBaseError

PHRASE_LISTS = (
    "opt_out",
    "opt_out_url",
    "reply",
    "sms_stop",
    "privacy",
    "ad_disclosure",
    "promotional",
    "caller_intro",
    "po_box",
)
CITATION_KEYS = (*(r.value for r in Requirement), "list_unsubscribe", "one_click", "caller_intro", "casl_contact")


def fold(text: str) -> str:
    """Case- and accent-free text for matching: ``Se DÉSINSCRIRE`` → ``se desinscrire``; invisible
    format characters (soft hyphens, zero-width spaces) dropped, so ``Unsub\u00adscribe`` still reads."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a phrase list: whole words at word-character ends, any run of spaces inside."""
    alternatives = []
    for phrase in sorted({fold(p).strip() for p in phrases if p.strip()}, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        head = r"(?<!\w)" if phrase[0].isalnum() else ""
        tail = r"(?!\w)" if phrase[-1].isalnum() else ""
        alternatives.append(f"{head}{body}{tail}")
    return re.compile("|".join(alternatives) if alternatives else r"(?!x)x")


@dataclass(frozen=True)
class LintRules:
    """The check's data: phrase lists (matched folded), postcode patterns per country and citations per
    requirement (keys: ``COUNTRY:channel``, region, country, ``GDPR:channel``, ``GDPR``, channel,
    ``default`` — the first that exists)."""

    phrases: Mapping[str, tuple[str, ...]]
    postcodes: Mapping[str, re.Pattern[str]]
    citations: Mapping[str, Mapping[str, str]]
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict, repr=False)

    def pattern(self, name: str) -> re.Pattern[str]:
        compiled = self._patterns.get(name)
        if compiled is None:
            compiled = self._patterns[name] = _phrase_pattern(self.phrases[name])
        return compiled

    def find(self, name: str, text: str) -> list[str]:
        """The phrases of list ``name`` in ``text`` (folded), in order."""
        return [m.group(0) for m in self.pattern(name).finditer(fold(text))]

    def citation(self, key: str, country: str, region: str | None, channel: str, gdpr: bool) -> str:
        table = self.citations[key]
        keys = [f"{country}:{channel}"]
        if region:
            keys.append(region)
        keys.append(country)
        if gdpr:
            keys += [f"GDPR:{channel}", "GDPR"]
        keys += [channel, "default"]
        return next(table[k] for k in keys if k in table)


def parse_lint_rules(doc: Mapping[str, Any], source: str) -> LintRules:
    """``lint.toml`` as ``LintRules``, strictly: every phrase list, a ``default`` citation for every
    requirement and check, and postcode patterns that compile."""
    phrases_doc = doc.get("phrases")
    if not isinstance(phrases_doc, dict):
        raise RuleBaseError(source, None, "missing [phrases]")
    phrases: dict[str, tuple[str, ...]] = {}
    for name in PHRASE_LISTS:
        values = phrases_doc.get(name)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise RuleBaseError(source, None, f"[phrases] {name} must be a non-empty list of phrases")
        phrases[name] = tuple(values)
    unknown = sorted(set(phrases_doc) - set(PHRASE_LISTS))
    if unknown:
        raise RuleBaseError(source, None, f"unknown phrase list(s) {unknown}; expected {list(PHRASE_LISTS)}")
    postcodes: dict[str, re.Pattern[str]] = {}
    for country, pattern in (doc.get("postcodes") or {}).items():
        try:
            postcodes[country] = re.compile(str(pattern))
        except re.error as exc:
            raise RuleBaseError(source, None, f"[postcodes] {country}: not a valid pattern: {exc}") from None
    if "default" not in postcodes:
        raise RuleBaseError(source, None, "[postcodes] needs a default pattern")
    citations_doc = doc.get("citations") or {}
    citations: dict[str, dict[str, str]] = {}
    for key in CITATION_KEYS:
        table = citations_doc.get(key)
        if not isinstance(table, dict) or not isinstance(table.get("default"), str):
            raise RuleBaseError(source, None, f"[citations.{key}] needs a default citation")
        citations[key] = {str(k): str(v) for k, v in table.items()}
    return LintRules(phrases, postcodes, citations)


__all__ = ["CITATION_KEYS", "PHRASE_LISTS", "LintRules", "fold", "parse_lint_rules"]
