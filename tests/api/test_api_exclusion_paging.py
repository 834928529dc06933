"""``GET /v1/exclusions`` pages by keyset: a page reads the rows it returns, not the whole list.

The cost of a page is measured where it is spent, deterministically rather than by the clock (the
machine is shared): on SQLite the virtual-machine instructions the database executes for the request
(``set_progress_handler``), on PostgreSQL the rows each plan node of the request's queries reads
(``EXPLAIN ANALYZE``). Measured at 1,000 entries and again after 999,000 more were bulk-inserted in
SQL (copies of a real row under other keys, sorting after the pages measured), the cost must stay flat.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event, text

from api_support import Api

SMALL, LARGE = 1_000, 1_000_000
LIMIT = 100


class _Meter:
    """What the database does for the statements on ``suppression_entries`` while ``on``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.on = False
        self.steps = 0
        self.statements: list[tuple[str, Any]] = []
        self.postgres = engine.dialect.name == "postgresql"
        event.listen(engine, "before_cursor_execute", self._before)

    def _tick(self) -> int:
        if self.on:
            self.steps += 1
        return 0

    def _before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if not self.on or "suppression_entries" not in statement:
            return
        if self.postgres:
            self.statements.append((statement, params))
        else:  # counted in units of 100 instructions, through every step of the statement's fetches
            conn.connection.driver_connection.set_progress_handler(self._tick, 100)

    def cost(self, request: Callable[[], None]) -> int:
        self.steps, self.statements, self.on = 0, [], True
        try:
            request()
        finally:
            self.on = False
        if not self.postgres:
            return self.steps
        rows = 0
        with self.engine.connect() as conn:
            for statement, params in self.statements:
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params).scalar_one()
                rows += _rows_read(plan[0]["Plan"] if isinstance(plan, list) else json.loads(plan)[0]["Plan"])
        return rows


def _rows_read(node: dict[str, Any]) -> int:
    """Rows every scan node of a plan produced or filtered away (what it had to read)."""
    own = 0
    if "Scan" in node["Node Type"]:
        own = int(node["Actual Rows"] * node["Actual Loops"]) + int(node.get("Rows Removed by Filter", 0))
    return own + sum(_rows_read(child) for child in node.get("Plans", []))


def _fill(engine: Engine, count: int) -> None:
    """``count`` more domain entries sorting after the real ones, in one SQL statement."""
    columns = "tenant_id, kind, match_key, sealed, key_version, source, created_at"
    template = "(SELECT tenant_id, sealed, key_version, source, created_at FROM suppression_entries LIMIT 1)"
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text(
                    f"INSERT INTO suppression_entries ({columns}) SELECT s.tenant_id, 'domain', "
                    "'z' || lpad(g::text, 7, '0') || '.example', s.sealed, s.key_version, s.source, s.created_at "
                    f"FROM {template} s CROSS JOIN generate_series(1, :n) g"
                ),
                {"n": count},
            )
            conn.execute(text("ANALYZE suppression_entries"))
        else:
            conn.execute(
                text(
                    f"INSERT INTO suppression_entries ({columns}) WITH RECURSIVE n(i) AS "
                    "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n) "
                    "SELECT s.tenant_id, 'domain', printf('z%07d.example', n.i), s.sealed, s.key_version, "
                    f"s.source, s.created_at FROM {template} s CROSS JOIN n"
                ),
                {"n": count},
            )


class TestKeysetPaging:
    def test_a_page_costs_the_same_at_a_thousand_and_a_million_entries(self, api: Api) -> None:
        domains = [f"a{i:04d}.example" for i in range(SMALL)]
        api.call("POST", "/v1/exclusions/import", json={"entries": domains}).raise_for_status()
        meter = _Meter(api.workspace().engine)
        pages: dict[str, list[Any]] = {}

        def walk(label: str) -> Callable[[], None]:
            def request() -> None:
                first = api.call("GET", f"/v1/exclusions?kind=domain&limit={LIMIT}").json()
                cursor = first["next_cursor"]
                middle = api.call("GET", f"/v1/exclusions?limit={LIMIT}&cursor={cursor}").json()
                pages[label] = [e["value"] for e in first["entries"] + middle["entries"]]

            return request

        small = meter.cost(walk("small"))
        assert pages["small"] == domains[: 2 * LIMIT]
        _fill(api.workspace().engine, LARGE - SMALL)
        large = meter.cost(walk("large"))
        assert pages["large"] == domains[: 2 * LIMIT]
        assert small > 0
        # Reading the whole list would cost a thousand times more; a keyset page costs what it returns.
        assert large <= 2 * small + 500, (small, large)

    def test_the_last_page_has_no_cursor_and_kinds_follow_each_other(self, api: Api) -> None:
        entries = ["a@x.example", "b@x.example", "x.example", "+44 20 7946 0018"]
        api.call("POST", "/v1/exclusions/import", json={"entries": entries}).raise_for_status()
        seen: list[tuple[str, str]] = []
        cursor = ""
        for _ in range(10):
            page = api.call("GET", f"/v1/exclusions?limit=1{cursor}").json()
            seen += [(e["kind"], e["value"]) for e in page["entries"]]
            if page["next_cursor"] is None:
                break
            cursor = f"&cursor={page['next_cursor']}"
        assert [k for k, _ in seen] == ["domain", "email", "email", "phone"]
        assert {v for _, v in seen} == {"a@x.example", "b@x.example", "x.example", "+442079460018"}
