"""Which facts each channel's decision reads — declared next to the engine, used to collapse tuples.

The batch path decides once per distinct fact tuple. A fact the engine never reads for a channel
(a phone's line type for an email, the list's source for a call) only multiplies the tuples, so the
batch path resets it to its default before de-duplicating. This table is the engine's own statement
of what it reads; ``tests/test_relevance.py`` checks it on random facts: resetting an irrelevant fact
never changes a decision.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from lawfulreach.domain.facts import Facts
from lawfulreach.domain.rulebase import Column, RuleBase
from lawfulreach.domain.vocabulary import Channel

_DNC = frozenset({"dnc_listed", "dnc_missing", "dnc_stale"})
_CASL_WINDOW = frozenset({"relationship_recent", "has_last_interaction"})
_RELATIONSHIP = frozenset({"relationship", "same_legal_entity", "products_overlap", "opt_out_offered"}) | _CASL_WINDOW
_LINE = frozenset({"phone_type", "in_public_directory"})  # only the live-call cell reads them

#: Facts the engine does not read for a channel (the source picks the email column only).
IRRELEVANT: dict[Channel, frozenset[str]] = {
    Channel.EMAIL: frozenset({"phone_status"}) | _LINE | _DNC,
    Channel.SMS: frozenset({"email_status"}) | _LINE | _DNC,
    Channel.CALL: frozenset({"email_status", "source"}) | _CASL_WINDOW,
    Channel.AUTOMATED_CALL: frozenset({"email_status", "source"}) | _LINE | _DNC | _CASL_WINDOW,
    Channel.POST: frozenset({"email_status", "phone_status", "source"}) | _LINE | _DNC | _RELATIONSHIP,
}

#: Facts read only in some jurisdictions: the CASL implied-consent window exists only in Canada.
ONLY_IN: dict[str, frozenset[str]] = {name: frozenset({"CA"}) for name in _CASL_WINDOW}

DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Facts)}

_COLUMN_OF = {Channel.CALL: Column.CALL, Channel.AUTOMATED_CALL: Column.AUTOMATED_CALL}


def irrelevant(channel: Channel, rulebase: RuleBase) -> frozenset[str]:
    """``IRRELEVANT`` plus what this rule base makes irrelevant: the relationship facts feed only the
    soft opt-in, so for calls they matter only if some call rule lets a soft opt-in suffice."""
    out = IRRELEVANT[channel]
    column = _COLUMN_OF.get(channel)
    if column is not None:
        levels = {
            level
            for (_, col), rule in rulebase.rules.items()
            if col is column
            for level in (rule.level, rule.level_generic, rule.mobile_level, rule.public_directory_level)
            if level is not None
        }
        if not any(level.soft_opt_in_suffices for level in levels):
            out = out | _RELATIONSHIP
    return out


def canonical(facts: Facts, rulebase: RuleBase) -> Facts:
    """The same facts with everything the engine will not read reset to its default."""
    reset = {name: DEFAULTS[name] for name in irrelevant(facts.channel, rulebase)}
    for name, where in ONLY_IN.items():
        if facts.jurisdiction not in where:
            reset[name] = DEFAULTS[name]
    return replace(facts, **reset)
