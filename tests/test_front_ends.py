"""All front ends give identical decisions for the same facts (spec §4).

Random requests (JSON, the shape of spec §2) go through the library, through ``lawfulreach check`` in a
real process, and — turned into prospect rows — through ``lawfulreach screen``'s batch path. The whole
decision must match, reason messages and citations included. (``tests/test_batch_consistency.py``
covers the batch path against single checks with tenant state; the HTTP API has its own test.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawfulreach import Lawfulreach, parse_request
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import Channel

contacts = st.fixed_dictionaries(
    {},
    optional={
        "email": st.sampled_from(
            ["jane.doe@firma.de", "info@acme.co.uk", "bob@startup.io", "x@y", "ana@empresa.es", "pat@corp.ca"]
        ),
        "phone": st.sampled_from(
            ["+44 20 7946 0018", "+49 30 901820", "+353 85 123 4567", "+1 212 555 0123", "+1 416 555 0199"]
        ),
        "name": st.sampled_from(["Jane Doe", "Bob"]),
        "company": st.sampled_from(["Firma GmbH", "Acme Ltd", "Startup"]),
        "country": st.sampled_from(["DE", "GB", "FR", "US", "CA", "IE", "NO"]),
        "region": st.sampled_from(["US-CA"]),
        "subscriber_type": st.sampled_from(["corporate", "sole_trader", "partnership", "individual", "government"]),
    },
)
requests = st.fixed_dictionaries(
    {"contact": contacts, "channel": st.sampled_from([c.value for c in Channel])},
    optional={
        "source": st.sampled_from(["first_party", "third_party"]),
        "consent": st.fixed_dictionaries(
            {"status": st.sampled_from(["given", "confirmed", "withdrawn"])},
            optional={"channel": st.sampled_from([c.value for c in Channel]), "method": st.just("pre_ticked")},
        ),
        "relationship": st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["customer", "negotiation"]),
                "legal_entity": st.just("Northwind Ltd"),
                "products": st.just(["software"]),
                "opt_out_offered": st.booleans(),
                # Relative to today: inside and outside the 3-, 6-, 18- and 24-month windows (spec §6).
                "last_interaction": st.sampled_from(
                    [(date.today() - timedelta(days=d)).isoformat() for d in (20, 100, 150, 300, 520, 650, 1100)]
                ),
            }
        ),
    },
)
CAMPAIGN = {"name": "fe", "legal_entity": "Northwind Ltd", "products": ["software"], "lia": "passed"}


def _as_row(req: dict[str, Any]) -> dict[str, str | None]:
    row: dict[str, str | None] = {k: str(v) for k, v in req["contact"].items()}
    row["source"] = req.get("source")
    if "consent" in req:
        row["consent_status"] = req["consent"]["status"]
        row["consent_channel"] = req["consent"].get("channel")
        row["consent_method"] = req["consent"].get("method")
    if "relationship" in req:
        rel = req["relationship"]
        row["relationship_kind"] = rel["kind"]
        row["relationship_legal_entity"] = rel["legal_entity"]
        row["relationship_products"] = ";".join(rel["products"])
        row["opt_out_offered"] = str(rel["opt_out_offered"]).lower()
        row["last_interaction"] = rel["last_interaction"]
    return row


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(requests, min_size=20, max_size=40))
def test_library_cli_and_batch_agree(batch: list[dict[str, Any]], tmp_path_factory: Any) -> None:
    for req in batch:
        req["campaign"] = CAMPAIGN
    service = Lawfulreach()
    decisions = [service.check(parse_request(r)) for r in batch]
    library = [d.to_dict() for d in decisions]

    home = tmp_path_factory.mktemp("fe-home")
    proc = subprocess.run(
        [sys.executable, "-m", "lawfulreach", "check", "-"],
        input="\n".join(json.dumps(r) for r in batch),
        capture_output=True,
        text=True,
        env={**os.environ, "LAWFULREACH_HOME": str(Path(home))},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    # Each process reads its own clock: the time is a valid one; every other field is identical.
    for line in printed:
        assert datetime.fromisoformat(line.pop("decided_at")).tzinfo is not None
    assert printed == [{k: v for k, v in d.to_json().items() if k != "decided_at"} for d in decisions]

    campaign = parse_request({"contact": {}, "channel": "email", "campaign": CAMPAIGN}).campaign
    now = datetime.now(UTC)
    for channel in Channel:
        idx = [i for i, r in enumerate(batch) if r["channel"] == channel.value]
        if not idx:
            continue
        frame = pl.DataFrame([_as_row(batch[i]) for i in idx])
        result = service.screen(frame, [channel], campaign, BatchSnapshot.from_memory(InMemoryState()), now=now)
        for pos, i in enumerate(idx):
            batched = result.decision(channel, pos)
            assert batched.to_dict() == library[i], batch[i]
            assert batched.rulebase_version == decisions[i].rulebase_version
