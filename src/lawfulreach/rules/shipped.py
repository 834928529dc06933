"""Reading the rule data shipped in the package (``rules/data/``) and the TOML files beside it.

One reader for every data file — the decision rule base, the LIA questionnaire, the message check's
phrases, the supervisory authorities — so each fails the same way: a ``RuleBaseError`` naming the
file, never a bare ``TOMLDecodeError`` from deep inside a command.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from lawfulreach.errors import RuleBaseError

__all__ = ["parse_toml", "shipped_text", "shipped_toml"]


def shipped_text(name: str) -> str:
    """The text of ``rules/data/<name>``."""
    return resources.files("lawfulreach.rules").joinpath("data", name).read_text(encoding="utf-8")


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """``text`` as TOML; a ``RuleBaseError`` naming ``source`` when it is not."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleBaseError(source, None, f"not valid TOML: {exc}") from None


def shipped_toml(name: str) -> dict[str, Any]:
    """``rules/data/<name>`` parsed."""
    return parse_toml(shipped_text(name), name)
