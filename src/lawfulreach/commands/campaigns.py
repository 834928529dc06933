"""What a screen or a check is for: the campaign (a file or a stored id) and the channels to decide;
and the ``campaign`` commands (create, update, show, list, archive) over ``store.campaigns``."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lawfulreach.domain.model import Campaign, Request
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import CampaignError, InputError, NotFoundError, RequestError
from lawfulreach.schema import CampaignIn, parse_campaign, parse_request
from lawfulreach.store.campaigns import check_campaign_id
from lawfulreach.strict_config import describe_unknown, read_toml_file, unknown_keys

if TYPE_CHECKING:
    from lawfulreach.commands.session import Session
    from lawfulreach.store.campaigns import CampaignRecord, CampaignVersionRecord

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_FINGERPRINT_RE = re.compile(r"^cv-[0-9a-f]{12}$")

CAMPAIGN_SCHEMA = dict.fromkeys(CampaignIn.model_fields)


def load_campaign(path: Path) -> tuple[Campaign, dict[str, Any]]:
    """A campaign TOML file, strictly: an empty file and an unknown key (a typo such as ``lai``) are
    errors naming the line and the nearest valid key, never a campaign with a default in their place.

    Returns the campaign and the document as written (the report shows it)."""
    doc, text = read_toml_file(path, "campaign file", CampaignError)
    if not doc:
        raise CampaignError(f"{path}: the campaign file is empty; write its facts (purpose, legal_entity, lia, …)")
    unknown = unknown_keys(doc, CAMPAIGN_SCHEMA, text)
    if unknown:
        raise CampaignError(f"{path}: {describe_unknown(unknown)}")
    try:
        return parse_campaign(doc), doc
    except RequestError as exc:
        raise CampaignError(f"{path}: {exc}") from None


def _doc(campaign: Campaign) -> dict[str, Any]:
    """A stored campaign's parameters as a campaign file would write them (what the report lists)."""
    return {**campaign.content(), "name": campaign.name or campaign.id}


def resolve_campaign(reference: str, session: Session) -> tuple[Campaign, dict[str, Any]]:
    """What ``--campaign`` names: a campaign file (a path that exists, or any name ending in ``.toml``)
    or a stored campaign's id, as the API accepts an inline campaign or an id.

    A file is read strictly (``load_campaign``) and creates no workspace; an id is looked up in the
    tenant's workspace and comes back with its id, version and fingerprint, so the run names the
    version it used. An archived campaign is refused (it decides nothing new). Neither found: a
    ``CampaignError`` saying both were tried (never a default campaign)."""
    path = Path(reference)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_campaign(path)
    if not _ID_RE.match(reference):
        raise CampaignError(f"--campaign {reference!r}: no such file, and not a campaign id")
    try:
        record = session.workspace().campaigns.get(reference)
    except NotFoundError:
        raise CampaignError(
            f"--campaign {reference!r}: no such file and no stored campaign with that id "
            "(list them with `lawfulreach campaign list`)"
        ) from None
    refusal = record.campaign.archived_refusal()
    if refusal is not None:
        raise CampaignError(refusal)
    return record.campaign, _doc(record.campaign)


# --- the campaign commands (``lawfulreach campaign …``; the API calls the repository alike) ---------
def _file_id(doc: dict[str, Any], given: str | None, path: Path) -> str | None:
    in_file = doc.get("id")
    if given is not None and in_file is not None and in_file != given:
        raise CampaignError(f"{path}: the file's id {in_file!r} differs from {given!r}")
    return given if given is not None else in_file


def create_campaign(session: Session, path: Path, campaign_id: str | None = None) -> CampaignRecord:
    """Store the campaign file ``path`` as a new campaign (version 1) under ``campaign_id``, the
    file's ``id``, or a generated id. ``ConflictError`` when the id is taken."""
    campaign, doc = load_campaign(path)
    cid = _file_id(doc, campaign_id, path)
    if cid is not None:
        check_campaign_id(cid)
    return session.workspace().campaigns.create(campaign, cid)


def update_campaign(session: Session, campaign_id: str, path: Path) -> tuple[CampaignRecord, bool]:
    """The campaign file ``path`` as the next version of ``campaign_id``; (record, changed): a file
    saying what the current version says makes no new version."""
    check_campaign_id(campaign_id)
    campaign, doc = load_campaign(path)
    _file_id(doc, campaign_id, path)
    return session.workspace().campaigns.update(campaign_id, campaign)


def parse_version(text: str | None) -> int | str | None:
    """``--version``: a number (``3``) or a fingerprint (``cv-…``); anything else is an ``InputError``."""
    if text is None:
        return None
    raw = text.strip().lower().removeprefix("v") if not text.strip().lower().startswith("cv-") else text.strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    if _FINGERPRINT_RE.match(raw):
        return raw
    raise InputError(f"--version {text!r}: give a version number (1, 2, …) or a fingerprint (cv-…)")


@dataclass(frozen=True)
class CampaignView:
    """A campaign as ``campaign show`` shows it: the version asked for (default: current) and every version."""

    record: CampaignRecord
    shown: CampaignVersionRecord
    versions: list[CampaignVersionRecord]


def show_campaign(session: Session, campaign_id: str, version: str | None = None) -> CampaignView:
    check_campaign_id(campaign_id)
    repo = session.workspace().campaigns
    record = repo.get(campaign_id)
    versions = repo.versions(campaign_id)
    wanted = parse_version(version)
    shown = repo.version(campaign_id, wanted) if wanted is not None else next(v for v in versions if v.current)
    return CampaignView(record, shown, versions)


def list_campaigns(session: Session, *, include_archived: bool = False) -> list[CampaignRecord]:
    return session.workspace().campaigns.list(include_archived=include_archived)


def archive_campaign(session: Session, campaign_id: str) -> CampaignRecord:
    check_campaign_id(campaign_id)
    return session.workspace().campaigns.archive(campaign_id)


def campaign_json(record: CampaignRecord) -> dict[str, Any]:
    """A stored campaign (current version) as JSON: id, version number, fingerprint, dates, content."""
    return {
        "id": record.id,
        "version": record.version,
        "fingerprint": record.fingerprint,
        "archived_at": record.archived_at.isoformat() if record.archived_at else None,
        "created_at": record.created_at.isoformat(),
        "updated_at": record.updated_at.isoformat(),
        **record.campaign.content(),
    }


def version_json(version: CampaignVersionRecord) -> dict[str, Any]:
    """One version as JSON: number, fingerprint, when and who, whether current, its content."""
    return {
        "id": version.id,
        "version": version.version,
        "fingerprint": version.fingerprint,
        "created_at": version.created_at.isoformat(),
        "actor": version.actor,
        "current": version.current,
        **version.campaign.content(),
    }


class CheckCampaigns:
    """The campaigns a stream of ``check`` requests names, for ``schema.parse_request``: stored ones
    looked up by id as lines name them (each once, archived ones included so that naming one is refused
    with its reason), and ``--campaign`` as the default for a line that names none."""

    def __init__(self, session: Session, default: str | None = None) -> None:
        self._session = session
        self.known: dict[str, Campaign] = {}
        self.default: Campaign | None = resolve_campaign(default, session)[0] if default is not None else None
        self._asked: set[str] = set()

    def request(self, data: Any) -> Request:
        """One request line (parsed JSON) → its ``Request``; ``RequestError`` when it is malformed,
        names an unknown campaign or an archived one."""
        named = data.get("campaign") if isinstance(data, dict) else None
        if isinstance(named, str) and named not in self._asked:
            self._asked.add(named)
            if _ID_RE.match(named):
                self.known.update(self._session.workspace().campaigns.get_many([named]))
        request = parse_request(data, self.known)
        if named is None and self.default is not None:
            request = replace(request, campaign=self.default)
        return request


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
