"""lawfulreach: decide, remember and prove lawful B2B outreach."""

from lawfulreach.domain.model import Campaign, Consent, Contact, Decision, Reason, Relationship, Request
from lawfulreach.domain.vocabulary import Channel, Outcome, ReasonCode, Requirement
from lawfulreach.schema import parse_request
from lawfulreach.service import Lawfulreach

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
