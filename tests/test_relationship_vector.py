"""The batch path's ``relationship_recent`` expression agrees with the scalar function on every kind,
window country, channel and date around the window's edges (month ends, leap days, the future)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from lawfulreach.batch.frame import _relationship_recent
from lawfulreach.domain.extract import relationship_recent
from lawfulreach.domain.vocabulary import Channel, RelationshipKind
from lawfulreach.rules import default_rulebase

TODAYS = (date(2026, 11, 25), date(2026, 3, 31), date(2028, 2, 29), date(2027, 1, 1))
COUNTRIES = ("US", "CA", "GB", "DE", None)
KINDS = (RelationshipKind.CUSTOMER.value, RelationshipKind.NEGOTIATION.value, RelationshipKind.NONE.value, None)


def _dates(today: date) -> list[str | None]:
    """Every day from 26 months back to 3 days ahead (every edge of a 3-24 month window), and none."""
    days = [today - timedelta(days=n) for n in range(-3, 26 * 31)]
    return [d.isoformat() for d in days] + [None]


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_vector_matches_scalar(channel: Channel, today: date) -> None:
    rulebase = default_rulebase()
    rows = [(k, d, j) for k in KINDS for j in COUNTRIES for d in _dates(today)]
    frame = pl.DataFrame(
        {
            "relationship_kind": [r[0] for r in rows],
            "last_interaction": [r[1] for r in rows],
            "jurisdiction": [r[2] for r in rows],
        },
        schema={"relationship_kind": pl.String, "last_interaction": pl.String, "jurisdiction": pl.String},
    )
    got = _relationship_recent(frame, channel, rulebase, today)["relationship_recent"].to_list()
    want = [
        relationship_recent(
            RelationshipKind(k or RelationshipKind.NONE.value),
            date.fromisoformat(d) if d else None,
            today,
            rulebase.overlays.window(j, channel),
        )
        for k, d, j in rows
    ]
    assert got == want
    if rulebase.overlays.window_countries(channel):
        assert any(want), "the grid reaches inside a window"


def test_an_unreadable_date_is_never_recent() -> None:
    frame = pl.DataFrame(
        {"relationship_kind": ["customer"], "last_interaction": ["25/11/2026"], "jurisdiction": ["CA"]}
    )
    out = _relationship_recent(frame, Channel.EMAIL, default_rulebase(), date(2026, 11, 25))
    assert out["relationship_recent"].to_list() == [False]
