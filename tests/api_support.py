"""The API test harness (imported by ``api/conftest.py`` and by tests for type hints)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lawfulreach.api.app import create_app
from lawfulreach.api.backend import Backend
from lawfulreach.api.config import ApiConfig, Limits
from lawfulreach.api.ratelimit import Rate
from lawfulreach.messaging import MemoryTransport
from lawfulreach.service import Lawfulreach
from lawfulreach.store import Workspace, WorkspaceSettings, add_tenant, tenant_names
from lawfulreach.store.api_keys import ApiKeyRepo
from lr_testkit import Clock, fresh_database

PUBLIC_URL = "https://optout.example.test"
#: the origin the in-process client talks to
ORIGIN = "http://testserver"
#: limits no ordinary test reaches (the rate-limit tests set their own)
GENEROUS = Limits(
    page_per_ip=Rate(100_000, 60),
    page_per_token=Rate(100_000, 60),
    intake_per_ip=Rate(100_000, 60),
    intake_per_address=Rate(100_000, 60),
    auth_failures_per_ip=Rate(100_000, 60),
)


def database(backend: str, pg_base: str, directory: Path) -> Iterator[str]:
    yield from fresh_database(backend, pg_base, directory, prefix="lr_api", migrated=True)


@dataclass
class Api:
    """One workspace served in-process, with helpers to act as any tenant and role."""

    backend: Backend
    client: TestClient
    mailer: MemoryTransport
    settings: WorkspaceSettings
    clock: Clock
    #: a directory of the test's own for files (registers, imports)
    directory: Path
    _keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def tenant(self, name: str) -> str:
        if name not in tenant_names(self.settings):
            add_tenant(self.settings, name, self.clock)
        return name

    def workspace(self, tenant: str = "default") -> Workspace:
        """The tenant's workspace handle, as the server holds it (shares the server's engine)."""
        return self.backend.tenant_named(self.tenant(tenant)).workspace

    def token(self, role: str = "admin", tenant: str = "default") -> str:
        if (role, tenant) not in self._keys:
            self._keys[(role, tenant)] = ApiKeyRepo(self.workspace(tenant).scope).create(role, f"{role} test key").token
        return self._keys[(role, tenant)]

    def auth(self, role: str = "admin", tenant: str = "default") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, tenant)}"}

    def cli_service(self, tenant: str = "default") -> Lawfulreach:
        """The service exactly as ``lawfulreach check`` builds it (``cli.context``): ``StoreState``."""
        ws = self.workspace(tenant)
        config = self.backend.config
        policy = config.policy or ws.tenant_settings.subscriber_policy()
        return Lawfulreach(
            rulebase=ws.rulebase(config.rulebase), state=ws.state(), subscriber_policy=policy, clock=self.clock
        )

    def call(self, method: str, path: str, *, role: str = "admin", tenant: str = "default", **kw: Any) -> Any:
        return self.client.request(method, path, headers=self.auth(role, tenant), **kw)


def make(url: str, directory: Path, clock: Clock, **config: Any) -> Api:
    settings = WorkspaceSettings(url=url, key_file=directory / "keys" / "workspace.key")
    mailer = MemoryTransport()
    defaults: dict[str, Any] = {"public_url": PUBLIC_URL, "key_cache_seconds": 0.0, "limits": GENEROUS}
    backend = Backend.open(ApiConfig(workspace=settings, **{**defaults, **config}), transport=mailer, clock=clock)
    # A browser sends Origin with every form it posts; the public forms refuse a foreign one (CSRF),
    # so the harness sends this server's own. Tests of the check itself use clients without it.
    client = TestClient(
        create_app(backend), raise_server_exceptions=False, base_url="http://testserver", headers={"Origin": ORIGIN}
    )
    return Api(backend, client, mailer, settings, clock, directory)


def organisation(api: Api) -> None:
    """A complete organisation profile for the public pages (the browser and accessibility tests)."""
    api.call(
        "PUT",
        "/v1/organisation",
        json={
            "organisation": "Northwind Analytics Ltd",
            "purpose": "To tell businesses like yours about Northwind's analytics software and events.",
            "privacy_notice_url": "https://northwind.example/privacy",
            "contact_email": "privacy@northwind.example",
            "postal_address": "1 Harbour Street, Leeds LS1 4AB",
        },
    ).raise_for_status()


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[None]:
    """``app`` on a real socket, ``127.0.0.1:port`` (uvicorn in a thread), until the block ends: what the
    browser tests open."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise AssertionError("the server did not start")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
