"""The supervisory-authority table the generated privacy notice reads (``data/supervisory_authorities.toml``)."""

from __future__ import annotations

from functools import lru_cache

from lawfulreach.domain.notice import Authority
from lawfulreach.errors import RuleBaseError
from lawfulreach.rules.shipped import shipped_toml

_FILE = "supervisory_authorities.toml"


@lru_cache(maxsize=1)
def supervisory_authorities() -> dict[str, Authority]:
    """Country code → the authority a notice names by default."""
    doc = shipped_toml(_FILE)
    table: dict[str, Authority] = {}
    for country, row in doc.items():
        if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not isinstance(row.get("url"), str):
            raise RuleBaseError(_FILE, None, f"[{country}] needs a name and a url")
        note = row.get("note")
        table[country.upper()] = Authority(row["name"], row["url"], note if isinstance(note, str) else None)
    return table


__all__ = ["supervisory_authorities"]
