"""What a screen is for: the campaign file and the channels to decide."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import CampaignError, InputError, RequestError
from lawfulreach.schema import CampaignIn, parse_campaign
from lawfulreach.strict_config import describe_unknown, unknown_keys

CAMPAIGN_SCHEMA = dict.fromkeys(CampaignIn.model_fields)


def load_campaign(path: Path) -> tuple[Campaign, dict[str, Any]]:
    """A campaign TOML file, strictly: an empty file and an unknown key (a typo such as ``lai``) are
    errors naming the line and the nearest valid key, never a campaign with a default in their place.

    Returns the campaign and the document as written (the report shows it)."""
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except OSError as exc:
        raise CampaignError(f"{path}: cannot read campaign file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CampaignError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"{path}: not valid TOML: {exc}") from None
    if not doc:
        raise CampaignError(f"{path}: the campaign file is empty; write its facts (purpose, legal_entity, lia, …)")
    unknown = unknown_keys(doc, CAMPAIGN_SCHEMA, text)
    if unknown:
        raise CampaignError(f"{path}: {describe_unknown(unknown)}")
    try:
        return parse_campaign(doc), doc
    except RequestError as exc:
        raise CampaignError(f"{path}: {exc}") from None


def parse_channels(text: str) -> list[Channel]:
    """``"email, call"`` → the channels, in order, each once; an unknown or empty list is an ``InputError``."""
    out = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            out.append(Channel(name))
        except ValueError:
            raise InputError(f"unknown channel {part.strip()!r}; use {', '.join(c.value for c in Channel)}") from None
    if not out:
        raise InputError("--channels names no channel")
    return list(dict.fromkeys(out))
