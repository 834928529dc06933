"""The message readers: .eml (MIME, quoted-printable, base64, charsets), HTML (visible text only),
plain text and Markdown (links with their text, source lines), subject lines and front matter, and
one readable error for anything else."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from lawfulreach.domain.lint import sms_segments
from lawfulreach.errors import MessageError
from lawfulreach.messages.read import parse_message, read_message, sniff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"


class TestEml:
    def test_multipart_alternative_with_quoted_printable_and_base64(self) -> None:
        message = read_message(FIXTURES / "gb_compliant.eml")
        assert message.kind == "eml"
        assert message.subject == "Forecasting for logistics teams — 20 minutes?"  # RFC 2047 decoded
        assert [p.label for p in message.parts] == ["text/plain part", "HTML part"]
        text, html = message.parts
        assert (3, "Northwind Analytics helps logistics teams forecast demand a quarter ahead — would a "
                "20-minute call next week be useful?") in text.lines  # fmt: skip
        assert (11, "Unsubscribe: https://northwind.example/u/5f2c9a") in text.lines
        assert any(
            link.href == "https://northwind.example/u/5f2c9a" and link.text == "Unsubscribe" for link in html.links
        )
        assert message.header("list-unsubscribe-post") == "List-Unsubscribe=One-Click"
        assert message.header("From") == "Priya Shah — Northwind Analytics <priya@northwind.example>"

    def _eml(self, body: bytes, headers: str) -> bytes:
        return f"From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n{headers}\r\n\r\n".encode() + body

    def test_charset_is_applied(self) -> None:
        data = self._eml(
            b"Se d=E9sinscrire : https://x.example/u/1\r\n",
            'Content-Type: text/plain; charset="iso-8859-1"\r\nContent-Transfer-Encoding: quoted-printable',
        )
        message = parse_message(data, "latin.eml", "eml")
        assert message.parts[0].lines == ((1, "Se désinscrire : https://x.example/u/1"),)

    def test_base64_html_single_part(self) -> None:
        html = b"<p>Hallo</p><p><a href='https://x.example/u/2'>Abmelden</a></p>"
        data = self._eml(
            base64.encodebytes(html), "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64"
        )
        part = parse_message(data, "b64.eml", "eml").parts[0]
        assert part.label == "HTML part"
        assert part.links[0].text == "Abmelden"

    def test_attachments_are_not_body_parts(self) -> None:
        data = (
            b"From: a@b.example\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
            b"--m\r\nContent-Type: text/plain\r\n\r\nHello\r\n"
            b"--m\r\nContent-Type: text/plain\r\n"
            b'Content-Disposition: attachment; filename="t.txt"\r\n\r\nunsubscribe\r\n'
            b"--m--\r\n"
        )
        message = parse_message(data, "mixed.eml", "eml")
        assert [p.text for p in message.parts] == ["Hello"]

    def test_unknown_charset_is_one_readable_error(self) -> None:
        data = self._eml(b"hi", 'Content-Type: text/plain; charset="x-no-such-charset"')
        with pytest.raises(MessageError, match="unknown charset 'x-no-such-charset'") as caught:
            parse_message(data, "odd.eml", "eml")
        assert caught.value.exit_code == 2

    def test_no_text_body(self) -> None:
        data = self._eml(b"\x89PNG", "Content-Type: image/png")
        with pytest.raises(MessageError, match="no text/plain or text/html body"):
            parse_message(data, "img.eml", "eml")


class TestHtml:
    def test_only_visible_text_and_links_with_their_text(self) -> None:
        html = b"""<html><head><title>T</title><style>p{}</style><script>var unsubscribe;</script></head>
<body><p>Visible <b>bold</b> text</p>
<div style="DISPLAY : none">hidden by style</div><p hidden>hidden attribute</p>
<div style="visibility:hidden">invisible</div><input type="hidden" value="x">
<!-- unsubscribe in a comment -->
<p><a href="https://x.example/u/3"><img src="u.png" alt="Unsubscribe"></a> tail</p>
</body></html>"""
        message = parse_message(html, "page.html", "html")
        part = message.parts[0]
        assert message.subject == "T"
        assert part.lines == ((2, "Visible bold text"), (6, "tail"))
        assert part.links[0].text == "Unsubscribe"
        assert part.links[0].line == 6
        assert "unsubscribe" not in part.text.lower()

    def test_blocks_split_lines_on_one_source_line(self) -> None:
        part = parse_message(b"<p>One</p><p>Two<br>Three</p>", "min.html", "html").parts[0]
        assert part.lines == ((1, "One"), (1, "Two"), (1, "Three"))

    def test_xml_declaration_and_front_matter_lines(self) -> None:
        data = b'---\nsubject: Hi\n---\n<?xml version="1.0" encoding="utf-8"?>\n<html><body>\n<p>x</p></body></html>'
        message = parse_message(data, "x.html", "html")
        assert message.subject == "Hi"
        assert message.parts[0].lines == ((6, "x"),)


class TestTextAndMarkdown:
    def test_subject_first_line(self) -> None:
        message = parse_message(b"Subject: Hello\n\nBody line\n", "a.txt", "text")
        assert message.subject == "Hello"
        assert message.parts[0].lines == ((3, "Body line"),)

    def test_url_text_is_what_stands_before_it(self) -> None:
        part = parse_message(b"Privacy: https://x.example/p Unsubscribe: https://x.example/u/1.", "a.txt").parts[0]
        assert [(link.text, link.href) for link in part.links] == [
            ("Privacy:", "https://x.example/p"),
            ("Unsubscribe:", "https://x.example/u/1"),
        ]

    def test_markdown_links_lines_and_html_blocks(self) -> None:
        data = b"# Title\n\nText [Opt out](https://x.example/u/9)\nand <https://x.example/p>\n\n<div>\n<a href='https://x.example/h'>Here</a>\n</div>\n"
        part = parse_message(data, "a.md", "markdown").parts[0]
        assert part.lines[:3] == ((1, "Title"), (3, "Text Opt out"), (4, "and https://x.example/p"))
        assert [(link.href, link.text, link.line) for link in part.links] == [
            ("https://x.example/u/9", "Opt out", 3),
            ("https://x.example/p", "https://x.example/p", 4),
            ("https://x.example/h", "Here", 7),
        ]

    def test_unknown_front_matter_key_is_refused(self) -> None:
        with pytest.raises(MessageError, match=r"line 2: front matter takes subject and from"):
            parse_message(b"---\nsubjet: typo\n---\nbody", "a.md", "markdown")

    def test_unclosed_front_matter(self) -> None:
        with pytest.raises(MessageError, match="never closed"):
            parse_message(b"---\nsubject: x\n", "a.md", "markdown")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("garbage.eml", "not an email message"),
        ("not_utf8.txt", "not UTF-8 text"),
        ("empty.txt", "the message is empty"),
        ("no_such_file.txt", "cannot read message file"),
    ],
)
def test_unreadable_messages_are_one_line_errors(name: str, message: str) -> None:
    with pytest.raises(MessageError, match=message) as caught:
        read_message(FIXTURES / name)
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_nul_bytes_are_not_text() -> None:
    with pytest.raises(MessageError, match="NUL"):
        parse_message(b"abc\x00def", "bin.txt", "text")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ((FIXTURES / "gb_compliant.eml").read_bytes(), "eml"),
        (b"<!doctype html><p>x</p>", "html"),
        (b"Subject: hi\n\nplain", "text"),
        (b"Subject: hi\nFrom: a@b.example\nContent-Type: text/plain\n\nbody", "eml"),
    ],
)
def test_sniffing_unlabelled_content(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, ("GSM-7", 160, 1)),
        ("a" * 161, ("GSM-7", 161, 2)),
        ("€" * 80, ("GSM-7", 160, 1)),  # extension characters take two septets
        ("é" * 10 + "ß", ("GSM-7", 11, 1)),
        ("ł" * 70, ("UCS-2", 70, 1)),
        ("ł" * 71, ("UCS-2", 71, 2)),
        ("😀" * 35, ("UCS-2", 70, 1)),  # outside the BMP: two UTF-16 units each
    ],
)
def test_sms_segments(text: str, expected: tuple[str, int, int]) -> None:
    assert sms_segments(text) == expected
