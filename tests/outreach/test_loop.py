"""The outreach loop closed: messages sent through a real SMTP server come back as replies quoting
them — footer and all — and inbound processing finds their recipient through the send log."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from lawfulreach.commands.inbound import process_message
from lawfulreach.domain.vocabulary import Channel
from outreach_support import Setup


def _sent(raw: bytes) -> tuple[str, str, str]:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    return str(message["To"]), str(message["Message-ID"]), body.get_content()


def _reply(to: str, message_id: str, text: str, words: str, *, quote: str) -> bytes:
    if quote == ">":
        quoted = "On Tue, Northwind Ltd <hello@northwind.example> wrote:\n" + "\n".join(
            f"> {line}" for line in text.splitlines()
        )
    elif quote == "bare":  # the original pasted below an attribution line, unmarked
        quoted = f"On Tue, Northwind Ltd <hello@northwind.example> wrote:\n\n{text}"
    else:  # Outlook: the original below a header block, not marked as a quote at all
        quoted = f"From: Northwind Ltd <hello@northwind.example>\nSent: Tuesday\nTo: {to}\nSubject: Hello\n\n{text}"
    return (
        f"From: Lead <{to}>\nTo: hello@northwind.example\nSubject: Re: Hello\nMessage-ID: <re-{to}>\n"
        f"In-Reply-To: {message_id}\nReferences: {message_id}\nContent-Type: text/plain; charset=utf-8\n\n"
        f"{words}\n\n{quoted}\n"
    ).encode()


def test_replies_to_sent_messages_are_matched_and_our_footer_quoted_back_is_not_an_opt_out(setup: Setup) -> None:
    path = setup.screened(4)
    with setup.server() as (received, port):
        report = setup.send(path, port)
    assert report.sent == 4
    sent = sorted(_sent(raw) for raw in received.messages())
    assert all("unsubscribe" in text.lower() for _, _, text in sent)  # the footer the replies will quote
    (opt_to, opt_id, opt_text), (ok_to, ok_id, ok_text), (ol_to, ol_id, ol_text), (b_to, b_id, b_text) = sent
    ws = setup.ws
    opted = process_message(ws, _reply(opt_to, opt_id, opt_text, "Please take me off your list.", quote=">"))
    interested = process_message(ws, _reply(ok_to, ok_id, ok_text, "Interesting - call me Thursday.", quote=">"))
    outlook = process_message(ws, _reply(ol_to, ol_id, ol_text, "Send me the price list.", quote="outlook"))
    bare = process_message(ws, _reply(b_to, b_id, b_text, "Yes, Friday works.", quote="bare"))
    assert bare.classification.kind.value == "other", bare.classification
    assert (opted.classification.kind.value, opted.matched_by) == ("opt_out", "send log")
    assert interested.classification.kind.value == "other"
    assert outlook.classification.kind.value == "other"
    state = ws.state()
    assert state.is_opted_out(opt_to, None, Channel.EMAIL)
    assert state.is_opted_out(opt_to, None, Channel.CALL)  # all channels
    assert not state.is_opted_out(ok_to, None, Channel.EMAIL)
    assert not state.is_opted_out(ol_to, None, Channel.EMAIL)
