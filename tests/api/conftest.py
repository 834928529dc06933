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

from api_support import GENEROUS, Api, database, make
from lr_testkit import Clock, clean_env


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
        clean_env(mp, directory / "home")
        databases = database(backend, pg_base, directory)
        api = make(next(databases), directory, Clock(), limits=GENEROUS)
        try:
            yield api
        finally:
            api.client.close()
            api.backend.close()
            for _ in databases:
                pass
