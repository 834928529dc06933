"""Fixtures for the HTTP API and the public pages, on every database chosen with ``--db``.

``api`` gives a test its own workspace (SQLite file, or a fresh PostgreSQL schema), a ``Backend`` on
it, an in-process client (the whole app, middleware included, no sockets) and helpers to make tenants
and keys (``api_support.Api``). ``shared_api`` is one such harness per module and database, for tests
that run many requests against their own tenants of one workspace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import ENV, GENEROUS, Api, Clock, database, make


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LAWFULREACH_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def pg_base(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--pg-url"))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_api(backend: str, pg_base: str, tmp_path: Path, clock: Clock) -> Iterator[Callable[..., Api]]:
    """Build a harness with config overrides (``make_api(limits=Limits(...))``); a database each."""
    made: list[tuple[Api, Iterator[str]]] = []

    def _factory(**config: Any) -> Api:
        directory = tmp_path / f"db{len(made)}"
        directory.mkdir()
        databases = database(backend, pg_base, directory)
        api = make(next(databases), directory, clock, **config)
        made.append((api, databases))
        return api

    yield _factory
    for api, databases in made:
        api.client.close()
        api.backend.close()
        for _ in databases:  # finishes the generator: drops the PostgreSQL schema
            pass


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    return make_api()


@pytest.fixture(scope="module")
def shared_api(backend: str, pg_base: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One harness per module and database; tests using it work in tenants of their own."""
    directory = tmp_path_factory.mktemp("shared")
    with pytest.MonkeyPatch.context() as mp:
        for name in ENV:
            mp.delenv(name, raising=False)
        mp.setenv("LAWFULREACH_HOME", str(directory / "home"))
        databases = database(backend, pg_base, directory)
        api = make(next(databases), directory, Clock(), limits=GENEROUS)
        try:
            yield api
        finally:
            api.client.close()
            api.backend.close()
            for _ in databases:
                pass
