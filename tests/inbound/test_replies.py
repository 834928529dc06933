"""The reply classifier's pieces, without a database: normalising, the reply's own words (quotes,
attribution lines, signatures, footers), the ambiguity rule, reports, automatic replies."""

from __future__ import annotations

import pytest

from lawfulreach.domain.replies import InboundMessage, ReplyKind, classify, normalise_text, own_words
from lawfulreach.outreach.inbox import read_inbound
from lawfulreach.rules.replies import reply_phrases

P = reply_phrases()


def message(body: str, subject: str = "Re: Offer", headers: str = "") -> InboundMessage:
    raw = f"From: Pat <pat@client.example>\nTo: sam@seller.example\nSubject: {subject}\n{headers}"
    raw += "Content-Type: text/plain; charset=utf-8\n\n" + body
    return read_inbound(raw.encode("utf-8"))


def kind(body: str, **kw: str) -> ReplyKind:
    return classify(message(body, **kw), P).kind


class TestNormalising:
    @pytest.mark.parametrize(
        ("raw", "normal"),
        [
            ("Désinscrivez-MOI", "desinscrivez-moi"),
            ("Usuńcie  mnie\tz bazy", "usuncie mnie z bazy"),
            ("Prosimy o usunięcie: łódź", "prosimy o usuniecie: lodz"),
            ("Fjern mig, TAK — Søren", "fjern mig, tak — soren"),
            ("Löschen Sie STRAẞE", "loschen sie strasse"),
            ("don’t", "don't"),
        ],
    )
    def test_case_accents_apostrophes_and_spaces(self, raw: str, normal: str) -> None:
        assert normalise_text(raw) == normal


class TestOwnWords:
    def test_quoted_lines_attribution_and_signature_are_removed(self) -> None:
        text = (
            "Thanks!\n\nOn Mon, 1 Dec 2026, Sam <s@x> wrote:\n> Hi\n> To unsubscribe click here\n-- \nPat\nunsubscribe"
        )
        assert own_words(text, P) == "thanks!"

    def test_an_outlook_header_block_ends_the_reply(self) -> None:
        text = "Call me.\n\nFrom: Sam <s@x>\nSent: Monday\nTo: Pat\nSubject: Offer\n\nTo unsubscribe click https://x/u"
        assert own_words(text, P) == "call me."

    def test_a_footer_line_with_a_link_is_removed_but_a_request_without_one_stays(self) -> None:
        assert own_words("Great.\nUnsubscribe: https://seller.example/u/1", P) == "great."
        assert own_words("Please unsubscribe me", P) == "please unsubscribe me"

    @pytest.mark.parametrize(
        "line",
        [
            "Please unsubscribe me: pat@client.example",
            "I tried https://seller.example/u/1 to unsubscribe and it did not work",
            "Bitte mich abmelden: https://seller.example/u/1",
        ],
    )
    def test_a_person_s_line_with_a_link_or_address_is_never_taken_for_a_footer(self, line: str) -> None:
        assert own_words(line, P) == normalise_text(line)

    def test_words_below_and_between_quotes_are_kept(self) -> None:
        assert own_words("> Hello\n> more\nremove me\n> end", P) == "remove me"


class TestClassify:
    @pytest.mark.parametrize(
        "body",
        [
            "Unsubscribe",
            "STOP",
            "No.",
            "not interested",
            "Bitte keine weiteren E-Mails.",
            "Ne me contactez plus.",
            "No me interesa.",
            "Non sono interessato.",
            "Geen interesse.",
            "Não tenho interesse.",
            "Proszę mnie wypisać.",
            "Inte intresserad.",
            "Afmeld mig.",
        ],
    )
    def test_opt_outs_in_the_ten_languages_and_ambiguous_wording(self, body: str) -> None:
        assert kind(body) is ReplyKind.OPT_OUT

    @pytest.mark.parametrize(
        "body", ["Stop by our booth on Tuesday.", "Sounds good, send the price list.", "Who is this?"]
    )
    def test_ordinary_replies_are_left_for_a_person(self, body: str) -> None:
        assert kind(body) is ReplyKind.OTHER

    def test_our_footer_quoted_back_neither_counts_nor_hides(self) -> None:
        quoted = "\n\nOn Mon, Sam wrote:\n> Hi\n> To unsubscribe click https://x/u/1\n"
        assert kind("Thanks, Thursday works." + quoted) is ReplyKind.OTHER
        assert kind("Take me off your list." + quoted) is ReplyKind.OPT_OUT

    @pytest.mark.parametrize(
        "body", ["STOP\n\nSent from my iPhone", "No.\nThanks, Pat", "Stopp\n\nVon meinem iPhone gesendet"]
    )
    def test_a_bare_opt_out_word_above_a_sign_off(self, body: str) -> None:
        assert kind(body) is ReplyKind.OPT_OUT

    def test_a_first_line_no_in_a_longer_reply_is_not_taken_alone(self) -> None:
        assert kind("No problem.\nCall me on Thursday.\nWe need the price list.\nBest, Pat") is ReplyKind.OTHER

    @pytest.mark.parametrize(
        "body",
        ["This is the third email I've had from you. Stop.", "Thanks for the details.\nStop please!\nPat"],
    )
    def test_a_stop_sentence_in_a_longer_reply(self, body: str) -> None:
        assert kind(body) is ReplyKind.OPT_OUT

    def test_a_no_sentence_in_a_longer_reply_is_not_taken_alone(self) -> None:
        assert kind("No. Tuesday suits us better, send the invite.") is ReplyKind.OTHER

    @pytest.mark.parametrize(
        "body",
        [
            "Please remove the typo in your proposal before I forward it.",
            "Bitte entfernen Sie noch den Tippfehler im Angebot.",
            "We don't stop growing, so send pricing.",
        ],
    )
    def test_remove_and_stop_about_something_else(self, body: str) -> None:
        assert kind(body) is ReplyKind.OTHER

    @pytest.mark.parametrize(
        "body", ["Vennligst fjern meg fra listen.", "En ole kiinnostunut.", "Nemám zájem, už mi nepište."]
    )
    def test_opt_outs_in_norwegian_finnish_and_czech(self, body: str) -> None:
        assert kind(body) is ReplyKind.OPT_OUT

    def test_a_rectification_request(self) -> None:
        found = classify(message("You spelt my name wrong and I left Acme in March. Please correct your records."), P)
        assert found.kind is ReplyKind.PRIVACY_REQUEST
        assert found.request_types == ("rectification",)
        assert not found.opt_out

    def test_an_opt_out_in_the_subject_only(self) -> None:
        assert kind("", subject="UNSUBSCRIBE") is ReplyKind.OPT_OUT

    def test_privacy_requests_and_their_types(self) -> None:
        found = classify(message("What personal data do you hold about me? And delete my data."), P)
        assert found.kind is ReplyKind.PRIVACY_REQUEST
        assert set(found.request_types) == {"access", "erasure"}
        assert found.opt_out

    def test_an_opt_out_beats_the_automatic_reply_headers(self) -> None:
        headers = "Auto-Submitted: auto-replied\n"
        assert kind("I am away until Monday.", headers=headers) is ReplyKind.AUTO_REPLY
        assert kind("This address is closed, remove it from your list.", headers=headers) is ReplyKind.OPT_OUT

    @pytest.mark.parametrize(
        "headers",
        ["Auto-Submitted: auto-generated\n", "X-Autoreply: yes\n", "Precedence: bulk\n", "X-Autorespond: 1\n"],
    )
    def test_automatic_reply_headers(self, headers: str) -> None:
        assert kind("Thank you for your message.", headers=headers) is ReplyKind.AUTO_REPLY

    def test_auto_submitted_no_is_a_person(self) -> None:
        assert kind("Thank you for your message.", headers="Auto-Submitted: no\n") is ReplyKind.OTHER

    @pytest.mark.parametrize("subject", ["Abwesenheitsnotiz: Offer", "Réponse automatique : Offer", "Autosvar: Offer"])
    def test_out_of_office_subjects(self, subject: str) -> None:
        assert kind("Back on Monday.", subject=subject) is ReplyKind.AUTO_REPLY


class TestPlainBounces:
    def test_qmail_failure_notice(self) -> None:
        raw = (
            "From: MAILER-DAEMON@mx.example\nTo: sam@seller.example\nSubject: failure notice\n\n"
            "Hi. This is the qmail-send program at mx.example.\n"
            "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
            "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
            "<gone@client.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
            "--- Below this line is a copy of the message.\n\nFrom: sam@seller.example\nTo: gone@client.example\n"
        )
        found = classify(read_inbound(raw.encode()), P)
        assert found.kind is ReplyKind.HARD_BOUNCE
        assert found.recipients == ("gone@client.example",)
        assert found.status == "5.1.1"

    def test_a_delay_warning_is_soft(self) -> None:
        raw = (
            "From: Mail Delivery System <MAILER-DAEMON@mx.example>\nSubject: Delayed Mail (still being retried)\n\n"
            "This is a warning only. <slow@client.example>: connection timed out\n"
        )
        assert classify(read_inbound(raw.encode()), P).kind is ReplyKind.SOFT_BOUNCE

    def test_a_delivery_status_report_without_recipient_fields(self) -> None:
        """A multipart/report of type delivery-status whose status part names nobody: its words decide."""
        raw = (
            "From: postmaster@mx.example\nTo: sam@seller.example\nSubject: Utilisateur non recensé\n"
            'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
            "--b\nContent-Type: text/plain; charset=utf-8\n\nA message could not be delivered to:\n"
            "gone@client.example\nL'adresse de messagerie n'existe pas.\n\n"
            "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: mx.example\n\n--b--\n"
        )
        found = classify(read_inbound(raw.encode()), P)
        assert found.kind is ReplyKind.HARD_BOUNCE
        assert found.recipients == ("gone@client.example",)

    def test_a_server_s_re_subject_answering_nothing_is_a_bounce(self) -> None:
        raw = (
            "From: gateway@mx.example\nTo: sam@seller.example\n"
            "Subject: RE: Your message awaits approval : non remis (delivery failed)\n\n"
            "Your message could not be delivered to\ngone@client.example\n"
        )
        assert classify(read_inbound(raw.encode()), P).kind is ReplyKind.HARD_BOUNCE

    def test_the_returned_message_s_words_do_not_decide(self) -> None:
        raw = (
            "From: MAILER-DAEMON@mx.example\nTo: sam@seller.example\nSubject: Returned mail - error report\n\n"
            "Message not delivered to the following:\n  gone    No matches to nameserver query\n\n"
            "Received: from seller.example by mx.example\nFrom: sam@seller.example\nSubject: Digest\n\n"
            "... presumably a temporary condition ...\n"
        )
        assert classify(read_inbound(raw.encode()), P).kind is ReplyKind.HARD_BOUNCE

    def test_a_person_asking_about_returned_mail_is_not_a_bounce(self) -> None:
        assert kind("Did my mail bounce? Call me.", subject="Returned mail?", headers="In-Reply-To: <a@b>\n") is (
            ReplyKind.OTHER
        )
