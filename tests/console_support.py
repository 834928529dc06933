"""Console test helpers: people made as ``lawfulreach users add`` makes them, a client of their own
each (cookies never mix), signed in, and the session's CSRF token read from a page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api_support import ORIGIN, Api
from lawfulreach.console.app import create_app
from lawfulreach.store.staff import StaffRepo

PASSWORD = "plum-kettle-horizon-42"


def staff(api: Api) -> StaffRepo:
    return StaffRepo(api.backend.base.engine, api.settings.url, api.clock)


def add_person(api: Api, email: str, role: str, *tenants: str) -> None:
    for t in tenants or ("default",):
        api.tenant(t)
    staff(api).add(email, role, PASSWORD, list(tenants or ("default",)))


def client(api: Api, *, https: bool = False) -> TestClient:
    base = "https://testserver" if https else ORIGIN
    app = create_app(api.backend)
    return TestClient(app, base_url=base, headers={"Origin": base}, raise_server_exceptions=False)


def signed_in(api: Api, email: str, password: str = PASSWORD) -> TestClient:
    c = client(api)
    r = c.post("/console/sign-in", data={"email": email, "password": password}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def csrf(c: TestClient, path: str = "/console") -> str:
    page = c.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found is not None
    return found.group(1)
