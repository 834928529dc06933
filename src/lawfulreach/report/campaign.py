"""Which campaign a run decided for, and on what legitimate-interests footing — as a report says it.

One description, three renderings: the HTML report, the JSON summary (``screen --json``) and the
terminal lines ``screen`` prints all read :func:`campaign_provenance`, so they cannot disagree.

- **Campaign**: a stored campaign by id, version number and fingerprint (the fingerprint is what each
  decision carries as ``campaign_version``), or "from file NAME" for a campaign file (not stored:
  nothing but the file says what it was).
- **LIA status**: *assessed* when a stored campaign's status comes from a legitimate-interests
  assessment (``Campaign.lia_assessment``: its id and version, who approved it and when, the review
  date, whether it expired); *asserted, not assessed* when the ``lia`` value is only written in a file
  or inline (the spec lets it decide, but nobody can show the assessment behind it); *missing*
  otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lawfulreach.domain.model import Campaign
from lawfulreach.domain.vocabulary import LiaStatus

__all__ = ["campaign_line", "campaign_provenance", "lia_line", "provenance_lines"]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _lia(campaign: Campaign) -> dict[str, Any]:
    ref = campaign.lia_assessment
    if ref is not None:
        return {
            "status": "assessed",
            "outcome": ref.status.value,
            "assessment_id": ref.id,
            "assessment_version": ref.version,
            "conclusion": ref.outcome,
            "approved_by": ref.approved_by,
            "approved_at": _iso(ref.approved_at),
            "review_due": _iso(ref.review_due),
            "expired": ref.expired,
            "altered": ref.tampered,
        }
    if campaign.lia is not LiaStatus.MISSING:
        return {"status": "asserted", "outcome": campaign.lia.value}
    return {"status": "missing", "outcome": LiaStatus.MISSING.value}


def campaign_provenance(campaign: Campaign, source_file: str | None = None) -> dict[str, Any]:
    """The campaign's identity and LIA status as JSON-ready values (no personal data: a campaign holds none).

    ``source_file`` names the file a campaign not stored was read from."""
    if campaign.id is not None:
        ident: dict[str, Any] = {
            "kind": "stored",
            "id": campaign.id,
            "version": campaign.revision,
            "fingerprint": campaign.version,
            "archived_at": _iso(campaign.archived_at),
        }
    else:
        ident = {"kind": "file" if source_file else "inline", "file": source_file}
    return {**ident, "lia": _lia(campaign)}


def lia_line(lia: Mapping[str, Any]) -> str:
    """``passed — assessed (assessment lia_1 version 2, approved 2026-11-20 by J. Doe, review due 2027-11-20)``."""
    status = lia["status"]
    if status == "assessed":
        parts = [f"assessment {lia['assessment_id']} version {lia['assessment_version']}"]
        if lia.get("approved_at"):
            by = f" by {lia['approved_by']}" if lia.get("approved_by") else ""
            parts.append(f"approved {str(lia['approved_at'])[:10]}{by}")
        else:
            parts.append("not approved")
        if lia.get("review_due"):
            parts.append(("review was due " if lia.get("expired") else "review due ") + str(lia["review_due"]))
        if lia.get("altered"):
            parts.append("ALTERED after it was recorded, does not count; run `lawfulreach lia verify`")
        return f"{lia['outcome']} — assessed ({', '.join(parts)})"
    if status == "asserted":
        return f"{lia['outcome']} — asserted, not assessed (no stored assessment backs it)"
    return "missing — no assessment"


def campaign_line(provenance: Mapping[str, Any]) -> str:
    """``q4-launch, version 3 (cv-…)`` or ``from file campaign.toml (not stored)``."""
    if provenance["kind"] == "stored":
        text = f"{provenance['id']}, version {provenance['version']} ({provenance['fingerprint']})"
        if provenance.get("archived_at"):
            text += f", archived {str(provenance['archived_at'])[:10]}"
        return text
    if provenance["kind"] == "file":
        return f"from file {provenance['file']} (not stored)"
    return "given inline (not stored)"


def provenance_lines(provenance: Mapping[str, Any]) -> list[str]:
    """The terminal lines: ``Campaign: …`` and ``LIA: …``."""
    return [f"Campaign: {campaign_line(provenance)}", f"LIA:      {lia_line(provenance['lia'])}"]
