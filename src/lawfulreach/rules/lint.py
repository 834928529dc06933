"""The message check's rule data (``data/lint.toml``): phrases, postcode patterns and citations.

Read once per process from the package (it is not part of the decision rule base and does not
change its version: it decides nothing, it only looks for what the decision requires).
"""

from __future__ import annotations

from functools import lru_cache

from lawfulreach.domain.lint import LintRules, parse_lint_rules
from lawfulreach.rules.shipped import shipped_toml


@lru_cache(maxsize=1)
def lint_rules() -> LintRules:
    return parse_lint_rules(shipped_toml("lint.toml"), "lint.toml")


__all__ = ["lint_rules"]
