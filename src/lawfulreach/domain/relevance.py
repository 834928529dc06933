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
#: measured against a relationship window, which exists only for some countries and channels
_WINDOW = frozenset({"relationship_recent", "has_last_interaction"})
#: what an existing business relationship needs besides its window (implied consent, register exemption)
_RELATIONSHIP_CORE = frozenset({"relationship", "same_legal_entity"})
#: read only by the soft opt-in
_SOFT_ONLY = frozenset({"products_overlap", "opt_out_offered"})
_RELATIONSHIP = _RELATIONSHIP_CORE | _SOFT_ONLY | _WINDOW
_LINE = frozenset({"phone_type", "in_public_directory"})  # only the live-call cell reads them

#: Facts the engine does not read for a channel (the source picks the email column only).
IRRELEVANT: dict[Channel, frozenset[str]] = {
    Channel.EMAIL: frozenset({"phone_status"}) | _LINE | _DNC,
    Channel.SMS: frozenset({"email_status"}) | _LINE | _DNC,
    Channel.CALL: frozenset({"email_status", "source"}),
    Channel.AUTOMATED_CALL: frozenset({"email_status", "source"}) | _LINE | _DNC,
    Channel.POST: frozenset({"email_status", "phone_status", "source"}) | _LINE | _DNC | _RELATIONSHIP,
}

DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(Facts)}

_COLUMN_OF = {Channel.CALL: Column.CALL, Channel.AUTOMATED_CALL: Column.AUTOMATED_CALL}


def _soft_opt_in_possible(channel: Channel, rulebase: RuleBase) -> bool:
    """Whether some rule for this phone channel lets a soft opt-in suffice (never in the shipped rules)."""
    column = _COLUMN_OF[channel]
    return any(
        level.soft_opt_in_suffices
        for (_, col), rule in rulebase.rules.items()
        if col is column
        for level in (rule.level, rule.level_generic, rule.mobile_level, rule.public_directory_level)
        if level is not None
    )


def irrelevant(channel: Channel, rulebase: RuleBase) -> frozenset[str]:
    """``IRRELEVANT`` plus what this rule base makes irrelevant: for calls, the products and the opt-out
    offered at collection feed only the soft opt-in, so they matter only if some call rule lets a
    soft opt-in suffice."""
    out = IRRELEVANT[channel]
    if channel in _COLUMN_OF and not _soft_opt_in_possible(channel, rulebase):
        out = out | _SOFT_ONLY
    return out


def only_in(channel: Channel, rulebase: RuleBase) -> dict[str, frozenset[str]]:
    """Facts read only in some jurisdictions, for this channel: the relationship window exists only
    where the overlays set one (CASL implied consent for Canadian emails and texts; the register
    exemption for US and Canadian calls). For calls without a soft opt-in, the relationship itself
    matters only there too."""
    where = rulebase.overlays.window_countries(channel)
    out = dict.fromkeys(_WINDOW, where)
    if channel in _COLUMN_OF and not _soft_opt_in_possible(channel, rulebase):
        out.update(dict.fromkeys(_RELATIONSHIP_CORE, where))
    unread = irrelevant(channel, rulebase)
    return {name: countries for name, countries in out.items() if name not in unread}


def canonical(facts: Facts, rulebase: RuleBase) -> Facts:
    """The same facts with everything the engine will not read reset to its default."""
    reset = {name: DEFAULTS[name] for name in irrelevant(facts.channel, rulebase)}
    for name, where in only_in(facts.channel, rulebase).items():
        if facts.jurisdiction not in where:
            reset[name] = DEFAULTS[name]
    return replace(facts, **reset)
