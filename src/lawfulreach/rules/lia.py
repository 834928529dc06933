"""The shipped legitimate interests assessment questionnaire (``data/lia.toml``), parsed once."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from lawfulreach.domain.lia import Questionnaire, parse_questionnaire

__all__ = ["default_questionnaire"]


@lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    text = resources.files("lawfulreach.rules").joinpath("data", "lia.toml").read_text(encoding="utf-8")
    return parse_questionnaire(tomllib.loads(text))
