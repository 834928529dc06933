"""The message check's rule data (``data/lint.toml``): phrases, postcode patterns and citations.

Read once per process from the package (it is not part of the decision rule base and does not
change its version: it decides nothing, it only looks for what the decision requires).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from lawfulreach.domain.lint import LintRules, parse_lint_rules
from lawfulreach.errors import RuleBaseError


@lru_cache(maxsize=1)
def lint_rules() -> LintRules:
    text = resources.files("lawfulreach.rules").joinpath("data", "lint.toml").read_text(encoding="utf-8")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleBaseError("lint.toml", None, f"not valid TOML: {exc}") from None
    return parse_lint_rules(doc, "lint.toml")


__all__ = ["lint_rules"]
