"""The reply classifier's phrases (``data/replies.toml``), compiled once per process.

Like the message check's phrases (``rules.lint``), they decide no lawful basis and are not part of
the decision rule base's version; they only say what a received message is.
"""

from __future__ import annotations

from functools import lru_cache

from lawfulreach.domain.replies import ReplyPhrases
from lawfulreach.errors import RuleBaseError
from lawfulreach.rules.shipped import shipped_toml

_SECTIONS = ("opt_out", "opt_out_whole", "privacy", "auto_reply", "footer", "quote", "bounce", "complaint")


@lru_cache(maxsize=1)
def reply_phrases() -> ReplyPhrases:
    data = shipped_toml("replies.toml")
    missing = [s for s in _SECTIONS if not isinstance(data.get(s), dict)]
    if missing:
        raise RuleBaseError("replies.toml", None, f"missing section(s): {', '.join(missing)}")
    return ReplyPhrases.from_data(data)


__all__ = ["reply_phrases"]
