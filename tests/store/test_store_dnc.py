"""Do-not-call registers: streamed loads, atomic reloads, ages and staleness, indexed look-ups."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from lawfulreach.domain.state import dnc_register_facts
from lawfulreach.errors import InvalidRowsError
from lawfulreach.rules import default_rulebase
from lawfulreach.schema import parse_request
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace
from lr_testkit import Clock

Write = Callable[[str, str], Path]


def test_load_national_and_international_numbers(ws: Workspace, write: Write) -> None:
    path = write("tps.txt", "020 7946 0018\n+44 20 7946 0019\n0044 20 7946 0020\n\n# comment\n020 7946 0018\n")
    report = ws.dnc.load("gb", "tps", path)
    assert (report.country, report.name, report.lines, report.size, report.replaced) == ("GB", "tps", 4, 3, False)
    assert ws.dnc.listed("GB", "+442079460020") == ["tps"]
    assert ws.dnc.listed("GB", "+442079460099") == []
    assert ws.dnc.listed("FR", "+442079460020") == []


def test_reload_replaces_the_register(ws: Workspace, write: Write, clock: Clock) -> None:
    ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n020 7946 0019\n"))
    clock.advance(days=3)
    report = ws.dnc.load("GB", "tps", write("b.txt", "020 7946 0020\n"), as_of=clock.now - timedelta(days=1))
    assert report.replaced
    assert report.size == 1
    assert ws.dnc.listed("GB", "+442079460018") == []
    (info,) = ws.dnc.registers("GB")
    assert (info.name, info.size, info.as_of) == ("tps", 1, clock.now - timedelta(days=1))


def test_bad_lines_load_nothing_unless_skipped(ws: Workspace, write: Write) -> None:
    ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"))
    bad = write("b.txt", "020 7946 0019\nhello\n12\n020 7946 0020\n")
    with pytest.raises(InvalidRowsError) as info:
        ws.dnc.load("GB", "TPS", bad)
    assert "2 invalid lines, register not loaded" in str(info.value)
    assert "line 2: not a valid phone number (read as GB): 'hello'" in str(info.value)
    assert ws.dnc.listed("GB", "+442079460018") == ["TPS"]  # the old register is untouched
    report = ws.dnc.load("GB", "TPS", bad, skip_invalid=True)
    assert (report.size, report.skipped, [n for n, _ in report.problems]) == (2, 2, [2, 3])
    assert ws.dnc.listed("GB", "+442079460018") == []


def test_status_ages_staleness_and_missing(ws: Workspace, write: Write, clock: Clock) -> None:
    overlays = default_rulebase().overlays
    ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"), as_of=clock.now - timedelta(days=30))
    ws.dnc.load("BE", "DNCM", write("b.txt", "0470 12 34 56\n"), as_of=clock.now - timedelta(days=2))
    rows = {(s.country, s.name): s for s in ws.dnc.status(overlays)}
    assert rows["GB", "TPS"].stale
    assert rows["GB", "TPS"].max_age_days == 28
    assert rows["GB", "TPS"].age_days == pytest.approx(30)
    assert not rows["BE", "DNCM"].stale
    assert rows["BE", "DNCM"].max_age_days == 5
    assert not rows["GB", "CTPS"].loaded


def test_max_age_override_reaches_decisions(ws: Workspace, write: Write, clock: Clock) -> None:
    ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"), as_of=clock.now - timedelta(days=10))
    ws.dnc.load("GB", "CTPS", write("c.txt", "020 7946 0019\n"), as_of=clock.now - timedelta(days=10))
    rulebase = ws.rulebase(default_rulebase())
    assert dnc_register_facts("GB", ws.state().registers("GB"), rulebase.overlays, clock.now) == ((), ())
    ws.dnc.set_max_age("GB", "tps", 7)
    rulebase = ws.rulebase(default_rulebase())
    assert dnc_register_facts("GB", ws.state().registers("GB"), rulebase.overlays, clock.now) == ((), ("TPS",))
    svc = Lawfulreach(rulebase=rulebase, state=ws.state(), clock=clock)
    request = {"contact": {"phone": "+44 20 7946 0001", "country": "GB", "company": "Foo Ltd"}, "channel": "call"}
    assert "dnc_register_stale" in svc.check(parse_request(request)).reason_codes
    assert [s.stale for s in ws.dnc.status(rulebase.overlays) if s.name == "TPS"] == [True]


def test_as_of_defaults_to_load_time(ws: Workspace, write: Write, clock: Clock) -> None:
    ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"))
    assert ws.dnc.registers("GB")[0].as_of == clock.now


def test_lookup_is_an_index_hit(ws: Workspace, write: Write, backend: str) -> None:
    numbers = "\n".join(f"+4420794{n:05d}" for n in range(20_000))
    ws.dnc.load("GB", "TPS", write("many.txt", numbers + "\n"))
    sql = (
        "SELECT r.name FROM dnc_registers r JOIN dnc_numbers n ON n.register_id = r.id "
        "WHERE r.tenant_id = 1 AND n.tenant_id = 1 AND r.country = 'GB' AND n.e164 = '+442079400001'"
    )
    with ws.engine.connect() as conn:
        if backend == "sqlite":
            plan = " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "SEARCH n USING PRIMARY KEY" in plan or "USING INDEX sqlite_autoindex_dnc_numbers" in plan, plan
        else:
            conn.execute(text("ANALYZE dnc_numbers"))
            plan = " ".join(str(row[0]) for row in conn.execute(text(f"EXPLAIN {sql}")))
            assert "Index" in plan, plan
            assert "pk_dnc_numbers" in plan, plan


def test_register_names_and_arguments_are_checked(ws: Workspace, write: Write) -> None:
    from lawfulreach.errors import InputError

    path = write("a.txt", "020 7946 0018\n")
    with pytest.raises(InputError, match="unknown country 'Narnia'"):
        ws.dnc.load("Narnia", "TPS", path)
    with pytest.raises(InputError, match="register name"):
        ws.dnc.load("GB", " ", path)
    with pytest.raises(InputError, match="at least 1 day"):
        ws.dnc.load("GB", "TPS", path, max_age_days=0)


def test_as_of_must_be_aware(ws: Workspace, write: Write) -> None:
    from lawfulreach.errors import InputError

    with pytest.raises(InputError, match="has no time zone"):
        ws.dnc.load("GB", "TPS", write("a.txt", "020 7946 0018\n"), as_of=datetime(2026, 1, 1))
