"""The message template (TOML, Jinja2): strict, sandboxed, HTML autoescaped; and the message written
from it is what the ``email`` package reads back — headers, both parts, the footer."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from lawfulreach.domain.vocabulary import Requirement
from lawfulreach.errors import TemplateError
from lawfulreach.outreach.compose import SenderInfo, message_bytes
from lawfulreach.outreach.ratelimit import RateLimit, parse_rate
from lawfulreach.outreach.template import MessageTemplate, load_template

SENDER = SenderInfo(
    mail_from="hello@northwind.example",
    organisation="Northwind Ltd",
    legal_entity="Northwind Ltd",
    postal_address="1 High Street\nLondon EC1A 1AA",
    privacy_url="https://northwind.example/privacy",
    unsubscribe_mailto="hello@northwind.example",
    campaign_id="q4",
)
LINK = "https://optout.northwind.example/u/tok"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_misspelt_variable_stops_before_anything_is_sent() -> None:
    template = MessageTemplate("t.toml", "Hi", "Hello {{ frist_name }}")
    with pytest.raises(TemplateError, match=r"t\.toml: UndefinedError"):
        template.render({"first_name": "Ann"})


def test_html_is_escaped_and_text_is_not() -> None:
    template = MessageTemplate("t", "For {{ company }}", "{{ company }}", "<p>{{ company }}</p>")
    out = template.render({"company": "<b>Acme & Co</b>"})
    assert out.html == "<p>&lt;b&gt;Acme &amp; Co&lt;/b&gt;</p>"
    assert out.text == "<b>Acme & Co</b>"


def test_the_sandbox_keeps_templates_away_from_python() -> None:
    template = MessageTemplate("t", "x", "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError, match="SecurityError"):
        template.render({})


def test_a_subject_cannot_carry_a_line_break() -> None:
    out = MessageTemplate("t", "Hi {{ company }}", "x").render({"company": "A\r\nBcc: evil@example.com"})
    assert out.subject == "Hi A Bcc: evil@example.com"


def test_the_file_is_read_strictly(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="subjct"):
        load_template(write(tmp_path, 'subjct = "x"\ntext = "y"\n'))
    with pytest.raises(TemplateError, match="needs a 'subject'"):
        load_template(write(tmp_path, 'text = "y"\n'))
    with pytest.raises(TemplateError, match="reply_to is not an email address"):
        load_template(write(tmp_path, 'subject = "x"\ntext = "y"\nreply_to = "a\\nBcc: b@c"\n'))
    with pytest.raises(TemplateError, match="TemplateSyntaxError"):
        load_template(write(tmp_path, 'subject = "x"\ntext = "{% if %}"\n'))


def test_the_written_message_reads_back_whole() -> None:
    rendered = MessageTemplate("t", "Über {{ company }} — " + "long " * 30, "Hallo Jürgen,\n" + "x" * 300, "<p>Hi</p>")
    raw = message_bytes(
        SENDER,
        "ann@corp.example",
        rendered.render({"company": "Müller GmbH"}),
        (Requirement.AD_DISCLOSURE,),
        LINK,
        "abc@northwind.example",
        datetime(2026, 12, 6, 10, 0, tzinfo=UTC),
    )
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert str(message["Subject"]).startswith("Über Müller GmbH — long long")
    assert message["Message-ID"] == "<abc@northwind.example>"
    assert b"\r\nDate: Sun, 06 Dec 2026 10:00:00 +0000\r\n" in raw
    assert message["List-Unsubscribe"] == f"<{LINK}>, <mailto:hello@northwind.example?subject=unsubscribe>"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    body = text.get_content().replace("\r\n", "\n")  # the wire's CRLF, as a client reads it
    assert body.startswith("Hallo Jürgen,\n" + "x" * 300)
    assert "Advertisement: this is a marketing message from Northwind Ltd." in body
    assert f"Unsubscribe (one click, effective at once): {LINK}" in body
    assert f'<a href="{LINK}">Unsubscribe</a>' in html.get_content()
    # a way to reach the sender in every part (CASL: email, phone or web address beside the address)
    assert "Contact: hello@northwind.example" in body
    assert '<a href="mailto:hello@northwind.example">hello@northwind.example</a>' in html.get_content()


def test_the_footer_names_the_reply_to_else_the_privacy_contact() -> None:
    from dataclasses import replace

    assert replace(SENDER, contact_email="privacy@northwind.example").contact == "privacy@northwind.example"
    assert replace(SENDER, contact_email="p@n.example", reply_to="sales@n.example").contact == "sales@n.example"
    assert SENDER.contact == "hello@northwind.example"


def test_rates() -> None:
    assert parse_rate("10/s") == 10
    assert parse_rate("600/min") == 10
    assert parse_rate("5") == 5
    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(per_second=4, per_hour=3, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limit.acquire()
    assert slept == [0.25, 0.25, 0.25, 3600.0 - 0.75]  # the fourth waits for the first to leave the hour


def test_an_hourly_quota_counts_earlier_runs() -> None:
    slept: list[float] = []
    now = [10_000.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(per_hour=2, clock=lambda: now[0], sleep=sleep)
    limit.already_sent([3000.0, 4000.0])  # one within the hour, one older
    limit.acquire()
    limit.acquire()
    assert slept == [600.0]  # the second waits for the earlier run's message to leave the hour
