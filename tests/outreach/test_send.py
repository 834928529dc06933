"""``lawfulreach send``: through a real SMTP server (aiosmtpd, STARTTLS, AUTH), DKIM verified by dkimpy."""

from __future__ import annotations

import dkim


def test_smoke(setup) -> None:  # type: ignore[no-untyped-def]
    path = setup.screened(3)
    with setup.server() as (received, port):
        report = setup.send(path, port)
    assert report.sent == 3, report.as_json()
    for raw in received.messages():
        assert dkim.verify(raw, dnsfunc=setup.dns())
