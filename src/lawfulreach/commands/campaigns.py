"""What a screen is for: the campaign file and the channels to decide."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import CampaignError, InputError, RequestError
from lawfulreach.schema import CampaignIn, parse_campaign
from lawfulreach.strict_config import describe_unknown, unknown_keys

if TYPE_CHECKING:
    from lawfulreach.commands.session import Session

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


def resolve_campaign(reference: str, session: Session) -> tuple[Campaign, dict[str, Any]]:
    """What ``--campaign`` names: a campaign file (a path that exists, or any name ending in ``.toml``)
    or a stored campaign's id, as the API accepts an inline campaign or an id.

    A file is read strictly (``load_campaign``) and creates no workspace; an id is looked up in the
    tenant's workspace and comes back with its id and version, so the run names the version it used.
    Neither found: a ``CampaignError`` saying both were tried (never a default campaign)."""
    path = Path(reference)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_campaign(path)
    from lawfulreach.errors import NotFoundError

    try:
        record = session.workspace().campaigns.get(reference)
    except NotFoundError:
        raise CampaignError(
            f"--campaign {reference!r}: no such file and no stored campaign with that id "
            "(list them with `lawfulreach campaign list`)"
        ) from None
    campaign = record.campaign
    doc: dict[str, Any] = {
        "id": record.id,
        "version": campaign.version,
        "name": campaign.name or record.id,
        "purpose": campaign.purpose.value,
        "sender_type": campaign.sender_type.value,
        "legal_entity": campaign.legal_entity,
        "products": list(campaign.products),
        "consent_purposes": list(campaign.consent_purposes),
        "lia": campaign.lia.value,
        "excluded_regions": list(campaign.excluded_regions),
    }
    return campaign, doc


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
