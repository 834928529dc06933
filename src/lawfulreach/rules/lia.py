"""The shipped legitimate interests assessment questionnaire (``data/lia.toml``), parsed once."""

from __future__ import annotations

from functools import lru_cache

from lawfulreach.domain.lia import Questionnaire, parse_questionnaire
from lawfulreach.rules.shipped import shipped_toml

__all__ = ["default_questionnaire"]


@lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    return parse_questionnaire(shipped_toml("lia.toml"))
