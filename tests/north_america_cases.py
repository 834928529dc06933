"""Spec §6 cases, written from the contract (not from the rule files): North-American texts and calls.

Each case is a request (the JSON of spec §2), the do-not-call register state it runs against, and the
outcome §6 gives it with the reason code that must explain it. The same cases run through the library,
``lawfulreach check``, ``lawfulreach screen`` (``tests/test_north_america.py``) and the HTTP API
(``tests/api/test_api_north_america.py``).

Register states: ``missing`` (none loaded for the country), ``stale`` (loaded 40 days ago, number not on
it), ``listed`` (fresh, number on it), ``clear`` (fresh, number not on it). Max age is 31 days (§6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

SENDER = "Northwind Ltd"
CAMPAIGN = {"name": "na", "legal_entity": SENDER, "products": ["crm"], "lia": "passed"}
PHONE = {"US": "+12125550123", "CA": "+14165550199"}
#: another number on every loaded register, so a "clear" register is never empty
OTHER = {"US": "+12125550100", "CA": "+14165550100"}
REGISTER = {"US": "National DNC", "CA": "DNCL"}
REGISTER_STATES = ("missing", "stale", "listed", "clear")

#: (relationship kind, months ago): inside/outside the windows of §6 — US purchase 18 / inquiry 3,
#: Canada purchase 18 / inquiry 6. Four months ago is outside the US inquiry window, inside Canada's.
RELATIONSHIPS: dict[str, tuple[str, int] | None] = {
    "none": None,
    "purchase_17m": ("customer", 17),
    "purchase_19m": ("customer", 19),
    "inquiry_2m": ("negotiation", 2),
    "inquiry_4m": ("negotiation", 4),
    "inquiry_7m": ("negotiation", 7),
}
SUBSCRIBERS = ("corporate", "sole_trader", "partnership", "individual", "unknown")


def months_ago(months: int, today: date) -> str:
    return (today - timedelta(days=round(months * 30.44))).isoformat()


@dataclass(frozen=True)
class Case:
    id: str
    request: dict[str, Any]
    country: str
    register: str  # one of REGISTER_STATES
    outcome: str
    code: str

    def row(self) -> dict[str, str | None]:
        """The request as a prospect-list row (``screen``)."""
        c = self.request["contact"]
        row: dict[str, str | None] = {k: str(v) for k, v in c.items()}
        row.setdefault("subscriber_type", None)
        row.setdefault("company", None)
        consent = self.request.get("consent")
        row["consent_status"] = consent["status"] if consent else None
        row["consent_channel"] = consent.get("channel") if consent else None
        rel = self.request.get("relationship")
        row["relationship_kind"] = rel["kind"] if rel else None
        row["relationship_legal_entity"] = rel["legal_entity"] if rel else None
        row["last_interaction"] = rel["last_interaction"] if rel else None
        return row


def _contact(country: str, subscriber: str) -> dict[str, Any]:
    contact: dict[str, Any] = {"phone": PHONE[country], "country": country, "name": "Pat Lee"}
    if subscriber == "unknown":
        contact["company"] = "Lee Studio"  # no legal form: the type stays unknown
    else:
        contact["subscriber_type"] = subscriber
    return contact


def _request(channel: str, contact: dict[str, Any], consent: str | None, rel: str, today: date) -> dict[str, Any]:
    req: dict[str, Any] = {"contact": contact, "channel": channel, "campaign": CAMPAIGN}
    if consent is not None:
        req["consent"] = {"status": "given", "channel": consent, "purpose": "marketing", "method": "web_form"}
    spec = RELATIONSHIPS[rel]
    if spec is not None:
        req["relationship"] = {
            "kind": spec[0],
            "legal_entity": SENDER,
            "products": ["crm"],
            "last_interaction": months_ago(spec[1], today),
        }
    return req


def _register_covers(country: str, subscriber: str) -> bool:
    """§6: the US register covers sole traders, partnerships, individuals; Canada's individuals only."""
    if country == "US":
        return subscriber in ("sole_trader", "partnership", "individual")
    return subscriber == "individual"


def _relationship_exempts(country: str, rel: str) -> bool:
    spec = RELATIONSHIPS[rel]
    if spec is None:
        return False
    kind, months = spec
    limit = 18 if kind == "customer" else (3 if country == "US" else 6)
    return months <= limit


def _call_expectation(country: str, subscriber: str, register: str, rel: str, consent: bool) -> tuple[str, str]:
    if subscriber == "unknown":
        corporate = _call_expectation(country, "corporate", register, rel, consent)
        individual = _call_expectation(country, "individual", register, rel, consent)
        if corporate[0] == individual[0]:
            return individual
        return ("review", "subscriber_type_unknown")  # §3: the tenant's policy (default review) decides
    if consent:
        return ("allowed", "dnc_overridden_by_consent" if register == "listed" else "consent_valid")
    if not _register_covers(country, subscriber):
        return ("allowed", "dnc_not_required")
    if _relationship_exempts(country, rel):
        return ("allowed", "established_relationship")
    return {
        "missing": ("review", "dnc_register_missing"),
        "stale": ("review", "dnc_register_stale"),
        "listed": ("blocked", "dnc_registered"),
        "clear": ("allowed", "dnc_screened"),
    }[register]


def call_cases(today: date) -> list[Case]:
    out = []
    for country in ("US", "CA"):
        for subscriber in SUBSCRIBERS:
            for register in REGISTER_STATES:
                for rel in RELATIONSHIPS:
                    outcome, code = _call_expectation(country, subscriber, register, rel, consent=False)
                    req = _request("call", _contact(country, subscriber), None, rel, today)
                    out.append(
                        Case(f"{country}-call-{subscriber}-{register}-{rel}", req, country, register, outcome, code)
                    )
                outcome, code = _call_expectation(country, subscriber, register, "none", consent=True)
                req = _request("call", _contact(country, subscriber), "call", "none", today)
                out.append(
                    Case(f"{country}-call-{subscriber}-{register}-consent", req, country, register, outcome, code)
                )
    return out


def sms_cases(today: date) -> list[Case]:
    """§6: US marketing texts need prior express consent for sms, whoever the subscriber is."""
    out = []
    for subscriber in ("corporate", "individual", "unknown"):
        for consent, outcome, code in (
            (None, "blocked", "consent_required"),
            ("sms", "allowed", "consent_valid"),
            ("email", "blocked", "consent_required"),
            ("call", "blocked", "consent_required"),
        ):
            for rel in ("none", "purchase_17m"):
                req = _request("sms", _contact("US", subscriber), consent, rel, today)
                out.append(Case(f"US-sms-{subscriber}-{consent}-{rel}", req, "US", "missing", outcome, code))
    return out


def automated_cases(today: date) -> list[Case]:
    """§6: Canadian automated calls need prior express consent for automated_call, businesses included,
    whatever the relationship; live-call consent is not enough."""
    out = []
    for subscriber in ("corporate", "sole_trader", "individual"):
        for consent, outcome, code in (
            ("automated_call", "allowed", "consent_valid"),
            ("call", "blocked", "consent_required"),
            (None, "blocked", "consent_required"),
        ):
            for rel in ("none", "purchase_17m", "inquiry_2m"):
                req = _request("automated_call", _contact("CA", subscriber), consent, rel, today)
                out.append(Case(f"CA-adad-{subscriber}-{consent}-{rel}", req, "CA", "missing", outcome, code))
    return out


def all_cases(today: date) -> list[Case]:
    return call_cases(today) + sms_cases(today) + automated_cases(today)


#: Requirements §6 names for allowed US texts; §5 for live calls outside the GDPR area.
SMS_REQUIREMENTS = {"sender_identity", "opt_out_link"}
CALL_REQUIREMENTS = {"sender_identity", "caller_id"}
ADAD_REQUIREMENTS = {"caller_id", "sender_identity", "contact_details"}
