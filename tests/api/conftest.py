"""Fixtures for the HTTP API and the public pages, on every database chosen with ``--db``.

``api`` gives a test its own workspace (SQLite file, or a fresh PostgreSQL schema), a ``Backend`` on
it, an in-process client (the whole app, middleware included, no sockets) and helpers to make tenants
and keys (``api_support.Api``). ``shared_api`` is one such harness per module and database, for tests
that run many requests against their own tenants of one workspace.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, sync_playwright

from api_support import GENEROUS, Api, database, make, serving
from lawfulreach.api.app import create_app
from lr_testkit import Clock, clean_env, free_port


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


# The browser tests (public pages, accessibility): Debian's chromium, never a downloaded browser.
CHROMIUM = os.environ.get("LAWFULREACH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install chromium (or set LAWFULREACH_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def served(api: Api) -> Iterator[tuple[Api, str]]:
    """The test's app on a real socket (uvicorn in a thread), with the public URL pointing at it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A development server on loopback: plain http, so the links need the development flag.
    api.backend.config = replace(api.backend.config, public_url=base, allow_http_links=True)
    with serving(create_app(api.backend), port):
        yield api, base
