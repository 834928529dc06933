"""lawfulreach: decide, remember and prove lawful B2B outreach.

The public names are imported on first use (PEP 562), not with the package: every command line run
imports ``lawfulreach`` first, and ``lawfulreach --help`` should not pay for the decision service,
pydantic models and the rule base it never uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lawfulreach.domain.model import Campaign, Consent, Contact, Decision, Reason, Relationship, Request
    from lawfulreach.domain.vocabulary import Channel, Outcome, ReasonCode, Requirement
    from lawfulreach.schema import parse_request
    from lawfulreach.service import Lawfulreach

_WHERE = {
    "Campaign": "lawfulreach.domain.model",
    "Consent": "lawfulreach.domain.model",
    "Contact": "lawfulreach.domain.model",
    "Decision": "lawfulreach.domain.model",
    "Reason": "lawfulreach.domain.model",
    "Relationship": "lawfulreach.domain.model",
    "Request": "lawfulreach.domain.model",
    "Channel": "lawfulreach.domain.vocabulary",
    "Outcome": "lawfulreach.domain.vocabulary",
    "ReasonCode": "lawfulreach.domain.vocabulary",
    "Requirement": "lawfulreach.domain.vocabulary",
    "parse_request": "lawfulreach.schema",
    "Lawfulreach": "lawfulreach.service",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lawfulreach' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = [
    "Campaign",
    "Channel",
    "Consent",
    "Contact",
    "Decision",
    "Lawfulreach",
    "Outcome",
    "Reason",
    "ReasonCode",
    "Relationship",
    "Request",
    "Requirement",
    "parse_request",
]
__version__ = "0.1.0"
