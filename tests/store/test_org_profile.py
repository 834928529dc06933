"""``lawfulreach org set|show``: the organisation profile from the command line (issue "outreach loop").

On every database chosen with ``--db``: partial updates, clearing, strict validation with one-line
errors that change nothing, the audit trail naming the fields changed (never the values), and
``unsubscribe-headers`` reading the profile's public URL.
"""

from __future__ import annotations

import json

import pytest

from lr_testkit import RunLawfulreach

FULL = (
    "--name",
    "Northwind Analytics Ltd",
    "--postal-address",
    "1 Harbour Street\nLeeds LS1 4AB",
    "--privacy-url",
    "https://northwind.example/privacy",
    "--public-url",
    "https://optout.northwind.example/",
    "--mail-from",
    "Privacy@Northwind.example",
)


def show(cli: RunLawfulreach) -> dict[str, object]:
    result = cli("org", "show", "--json")
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_nothing_set_says_what_is_missing(cli: RunLawfulreach) -> None:
    data = show(cli)
    assert data["organisation"] is None
    assert "postal address" in str(data["missing"])
    assert "no organisation profile yet" in cli("org", "show").out


def test_set_show_and_partial_update(cli: RunLawfulreach) -> None:
    first = cli("org", "set", "--name", "Northwind Analytics Ltd")
    assert first.code == 0, first.err
    assert "incomplete" in first.err
    assert "postal address" in first.err
    assert cli("org", "set", *FULL).code == 0
    data = show(cli)
    assert data["organisation"] == "Northwind Analytics Ltd"
    assert data["postal_address"] == "1 Harbour Street\nLeeds LS1 4AB"
    assert data["public_url"] == "https://optout.northwind.example"  # one form: no trailing slash
    assert data["mail_from"] == "Privacy@northwind.example"  # the domain normalised, the local part kept
    assert data["missing"] == []
    # only what is given changes; "" clears an optional field
    assert cli("org", "set", "--privacy-url", "").code == 0
    data = show(cli)
    assert data["privacy_notice_url"] is None
    assert data["organisation"] == "Northwind Analytics Ltd"
    assert data["missing"] == ["privacy notice URL"]
    text = cli("org", "show").out
    assert "Postal address: 1 Harbour Street, Leeds LS1 4AB" in text


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--public-url", "http://optout.northwind.example", "must use https"),
        ("--public-url", "https://optout.example/\r\nX-Evil: 1", "spaces or control characters"),
        ("--privacy-url", "javascript:alert(1)", "absolute http(s) URL"),
        ("--privacy-url", "northwind.example/privacy", "absolute http(s) URL"),
        ("--mail-from", "privacy at northwind", "not an email address"),
        ("--mail-from", "privacy@northwind.example>\r\nBcc: x@y.z", "not an email address"),
        ("--name", "Northwind\nLtd", "one line"),
        ("--name", "", "must not be empty"),
    ],
)
def test_bad_values_are_one_line_and_change_nothing(cli: RunLawfulreach, option: str, value: str, says: str) -> None:
    assert cli("org", "set", *FULL).code == 0
    before = show(cli)
    result = cli("org", "set", option, value)
    assert result.code != 0
    assert says in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err
    assert show(cli) == before


def test_first_set_needs_a_name(cli: RunLawfulreach) -> None:
    result = cli("org", "set", "--postal-address", "1 Harbour Street")
    assert result.code != 0
    assert "--name" in result.err
    assert show(cli)["organisation"] is None


def test_loopback_public_url_may_be_http(cli: RunLawfulreach) -> None:
    """A development server on this machine; anything else must be https."""
    assert cli("org", "set", "--name", "Dev", "--public-url", "http://127.0.0.1:8000").code == 0


def test_changes_are_audited_by_field_name_only(cli: RunLawfulreach) -> None:
    assert cli("org", "set", *FULL, "--contact-email", "dpo.jane@northwind.example").code == 0
    assert cli("org", "set", *FULL).code == 0  # nothing changed: no entry
    trail = cli("audit", "show", "--act", "org")
    assert trail.code == 0, trail.err
    assert trail.out.count("org.update") == 1
    assert "contact_email" in trail.out
    assert "dpo.jane" not in trail.out
    assert "Harbour" not in trail.out
    assert cli("audit", "verify").code == 0


def test_unsubscribe_headers_use_the_profile_public_url(cli: RunLawfulreach) -> None:
    assert cli("org", "set", *FULL).code == 0
    result = cli("unsubscribe-headers", "--email", "ann@firma.de", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["unsubscribe_url"].startswith("https://optout.northwind.example/u/")
