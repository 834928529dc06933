"""The message check over the fixtures: per channel and jurisdiction, compliant and not (issue 14, item 5).

Each test reads a fixture with the real readers, decides for the audience on the one decision path
(``commands.lint.lint_message`` over a ``Lawfulreach`` service) and asserts each finding: which
requirement, present or missing, where, and why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lawfulreach.commands.campaigns import load_campaign
from lawfulreach.commands.lint import lint_message, parse_audience
from lawfulreach.domain.lint import Finding, LintReport, Status
from lawfulreach.domain.vocabulary import Outcome, Requirement
from lawfulreach.messages.read import read_message
from lawfulreach.service import Lawfulreach
from lawfulreach.store.profiles import Profile
from test_citations import names_a_project_document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
PROFILE = Profile(
    "Northwind Analytics Ltd",
    privacy_notice_url="https://northwind.example/privacy",
    postal_address="Northwind Analytics Ltd\n12 Harbour Road\nBristol BS1 5TY",
)

R = Requirement


def lint(
    name: str,
    channel: str = "email",
    country: str = "GB",
    *,
    campaign: str = "campaign",
    profile: Profile | None = PROFILE,
    **audience: object,
) -> LintReport:
    loaded, _ = load_campaign(FIXTURES / f"{campaign}.toml")
    who = parse_audience(channel, country, **audience)  # type: ignore[arg-type]
    return lint_message(Lawfulreach(), read_message(FIXTURES / name), who, loaded, profile)


def finding(report: LintReport, requirement: Requirement, check: str | None = None) -> Finding:
    found = [f for f in report.findings if f.requirement is requirement and (check is None or f.check == check)]
    assert len(found) == 1, [f.to_dict() for f in report.findings]
    return found[0]


def statuses(report: LintReport) -> dict[tuple[str, str], str]:
    return {(f.requirement.value, f.check): f.status.value for f in report.findings}


class TestGbCorporateEmail:
    """GB, corporate subscriber, legitimate interests: opt-out, sender, privacy notice (+ the headers)."""

    def test_compliant_eml(self) -> None:
        report = lint("gb_compliant.eml")
        assert report.ok
        assert report.decision.outcome is Outcome.ALLOWED
        assert set(report.decision.requirements) == {R.OPT_OUT_LINK, R.SENDER_IDENTITY, R.PRIVACY_NOTICE}
        assert set(statuses(report).values()) == {"present"}
        link = finding(report, R.OPT_OUT_LINK, "opt-out link or instruction")
        # in both parts of the multipart/alternative: the quoted-printable text and the base64 HTML
        assert "text/plain part, line 11" in link.where
        assert "HTML part, line 19" in link.where
        assert "https://northwind.example/u/5f2c9a" in link.detail
        header = finding(report, R.OPT_OUT_LINK, "List-Unsubscribe header")
        assert header.where == "header List-Unsubscribe"
        assert "https and mailto" in header.detail
        assert "RFC 2369" in header.why
        one_click = finding(report, R.OPT_OUT_LINK, "one-click unsubscribe")
        assert one_click.status is Status.PRESENT
        assert "RFC 8058" in one_click.why
        privacy = finding(report, R.PRIVACY_NOTICE)
        assert "HTML part, line 20" in privacy.where
        assert "UK GDPR Art. 13–14" in privacy.why
        sender = finding(report, R.SENDER_IDENTITY)
        assert "names 'Northwind Analytics Ltd'" in sender.detail
        assert "PECR reg. 23" in sender.why

    def test_non_compliant_eml_finds_each_missing_requirement(self) -> None:
        report = lint("gb_noncompliant.eml")
        assert not report.ok
        assert report.sendable
        assert statuses(report) == {
            ("opt_out_link", "opt-out link or instruction"): "missing",
            ("opt_out_link", "List-Unsubscribe header"): "missing",
            ("sender_identity", "sender named"): "missing",
            ("privacy_notice", "privacy-notice link"): "missing",
        }
        link = finding(report, R.OPT_OUT_LINK, "opt-out link or instruction")
        # the unsubscribe line is in a display:none div and a [hidden] paragraph, the word in a <script>:
        # none of it is visible, so none of it counts
        assert link.where.startswith("should be:")
        assert "text/plain part and HTML part" in link.where
        assert "PECR reg. 22(3)(c)" in link.why
        privacy = finding(report, R.PRIVACY_NOTICE)
        assert "https://northwind.example/privacy" in privacy.detail
        assert "https://example.org/privacy-policy instead" in privacy.detail

    def test_http_only_list_unsubscribe_is_missing(self) -> None:
        report = lint("gb_http_header.eml")
        header = finding(report, R.OPT_OUT_LINK, "List-Unsubscribe header")
        assert header.status is Status.MISSING
        assert "plain http://" in header.detail
        assert not report.ok

    def test_https_header_without_one_click_post(self) -> None:
        report = lint("gb_no_one_click.eml")
        assert finding(report, R.OPT_OUT_LINK, "List-Unsubscribe header").status is Status.PRESENT
        one_click = finding(report, R.OPT_OUT_LINK, "one-click unsubscribe")
        assert one_click.status is Status.MISSING
        assert one_click.where == "should be: header List-Unsubscribe-Post"
        assert "it is absent" in one_click.detail

    def test_individual_without_consent_cannot_be_emailed(self) -> None:
        report = lint("gb_compliant.eml", subscriber_type="individual")
        assert not report.sendable
        assert not report.ok
        assert report.findings == ()
        assert "consent_required" in report.decision.reason_codes

    def test_campaign_without_lia_cannot_send(self) -> None:
        report = lint("gb_compliant.eml", campaign="no_lia")
        assert report.decision.outcome is Outcome.BLOCKED
        assert "lia_missing" in report.decision.reason_codes


class TestGermanyWithConsent:
    def test_confirmed_consent_compliant_german_html(self) -> None:
        report = lint("de_consent.html", country="DE", consent=True)
        assert report.ok
        assert report.decision.basis is not None
        assert report.decision.basis.value == "consent"
        link = finding(report, R.OPT_OUT_LINK)
        assert "'Newsletter abbestellen'" in link.detail
        assert link.where == "HTML, line 14"
        privacy = finding(report, R.PRIVACY_NOTICE)
        assert "'Datenschutzerklärung'" in privacy.detail
        assert privacy.where == "HTML, line 15"
        assert "GDPR Art. 13–14" in privacy.why
        assert "UK GDPR" not in privacy.why

    def test_link_to_nowhere_is_no_opt_out(self) -> None:
        report = lint("de_no_optout.html", country="DE", consent=True)
        assert finding(report, R.OPT_OUT_LINK).status is Status.MISSING
        assert "ePrivacy Directive 2002/58/EC Art. 13" in finding(report, R.OPT_OUT_LINK).why
        assert finding(report, R.PRIVACY_NOTICE).status is Status.PRESENT

    def test_without_consent_the_message_cannot_be_sent(self) -> None:
        report = lint("de_consent.html", country="DE")
        assert report.decision.outcome is Outcome.BLOCKED
        assert not report.ok
        assert report.decision.reasons[0].citation.startswith("Germany")


class TestUsCanSpam:
    def test_compliant_html(self) -> None:
        report = lint("us_compliant.html", country="US")
        assert report.ok
        assert set(report.decision.requirements) >= {R.POSTAL_ADDRESS, R.AD_DISCLOSURE}
        ad = finding(report, R.AD_DISCLOSURE)
        assert ad.where == "HTML, line 5"
        assert "15 U.S.C. §7704(a)(5)(A)(i)" in ad.why
        address = finding(report, R.POSTAL_ADDRESS)
        assert address.status is Status.PRESENT
        assert address.where == "HTML, line 10"
        assert "not the address on file" in address.detail
        assert "§7704(a)(5)(A)(iii)" in address.why

    def test_non_compliant_text(self) -> None:
        report = lint("us_noncompliant.txt", country="US")
        assert statuses(report) == {
            ("opt_out_link", "opt-out link or instruction"): "missing",
            ("sender_identity", "sender named"): "present",
            ("postal_address", "postal address"): "missing",
            ("ad_disclosure", "identified as an advertisement"): "missing",
        }
        assert "CAN-SPAM" in finding(report, R.OPT_OUT_LINK).why

    def test_the_subject_alone_may_disclose_the_advertisement(self, tmp_path: Path) -> None:
        text = (FIXTURES / "us_noncompliant.txt").read_text().replace("Subject: ", "Subject: [Ad] ")
        (tmp_path / "ad.txt").write_text(text)
        loaded, _ = load_campaign(FIXTURES / "campaign.toml")
        report = lint_message(
            Lawfulreach(), read_message(tmp_path / "ad.txt"), parse_audience("email", "US"), loaded, PROFILE
        )
        ad = finding(report, R.AD_DISCLOSURE)
        assert ad.status is Status.PRESENT
        assert ad.where == "subject"

    def test_consent_drops_the_ad_disclosure(self) -> None:
        report = lint("us_noncompliant.txt", country="US", consent=True)
        assert R.AD_DISCLOSURE not in report.decision.requirements
        assert all(f.requirement is not R.AD_DISCLOSURE for f in report.findings)

    def test_california_adds_the_privacy_notice(self) -> None:
        report = lint("us_compliant.html", country="US", region="US-CA")
        privacy = finding(report, R.PRIVACY_NOTICE)
        assert privacy.status is Status.MISSING
        assert "CCPA" in privacy.why


class TestCanadaCasl:
    def test_compliant_markdown(self) -> None:
        report = lint("ca_compliant.md", country="CA", consent=True)
        assert report.ok
        assert finding(report, R.POSTAL_ADDRESS, "postal address").where == "Markdown, line 11"
        contact = finding(report, R.POSTAL_ADDRESS, "contact information (telephone, email or web address)")
        assert contact.status is Status.PRESENT
        assert "+1 416-555-0134" in contact.detail
        assert "SOR/2012-36" in contact.why
        assert "'Unsubscribe' → https://northwind.example/u/ca-3e9d" in finding(report, R.OPT_OUT_LINK).detail
        assert "CASL s.6(2)(c) and s.11" in finding(report, R.OPT_OUT_LINK).why

    def test_non_compliant_markdown(self) -> None:
        report = lint("ca_noncompliant.md", country="CA", consent=True)
        assert finding(report, R.POSTAL_ADDRESS, "postal address").status is Status.MISSING
        contact = finding(report, R.POSTAL_ADDRESS, "contact information (telephone, email or web address)")
        assert contact.status is Status.MISSING
        assert finding(report, R.OPT_OUT_LINK).status is Status.PRESENT
        assert not report.ok

    def test_without_consent_or_relationship_casl_blocks(self) -> None:
        assert not lint("ca_compliant.md", country="CA").sendable


class TestServiceMessage:
    def test_promotional_content_is_found_where_it_is(self) -> None:
        report = lint("service_promo.txt", campaign="service", country="FR")
        assert set(report.decision.requirements) == {R.SENDER_IDENTITY, R.NO_PROMOTIONAL_CONTENT}
        promo = finding(report, R.NO_PROMOTIONAL_CONTENT)
        assert promo.status is Status.MISSING
        assert promo.where == "subject"
        assert "'% off' (subject)" in promo.detail
        assert "'upgrade now' (text, line 7)" in promo.detail
        assert "'limited time' (text, line 7)" in promo.detail
        assert "ICO, Direct marketing guidance" in promo.why
        assert not report.ok

    def test_clean_service_message(self) -> None:
        report = lint("service_clean.txt", campaign="service", country="FR")
        assert report.ok
        assert finding(report, R.NO_PROMOTIONAL_CONTENT).status is Status.PRESENT


class TestSms:
    def test_gb_text_with_stop(self) -> None:
        report = lint("sms_gb.txt", channel="sms", consent=True)
        assert report.ok
        assert finding(report, R.OPT_OUT_LINK).check == "STOP instruction or opt-out link"
        assert report.notes == ("text: 157 characters in GSM-7, 1 segment",)

    def test_us_text_without_stop(self) -> None:
        report = lint("sms_us_no_stop.txt", channel="sms", country="US", consent=True)
        stop = finding(report, R.OPT_OUT_LINK)
        assert stop.status is Status.MISSING
        assert "STOP" in stop.where
        assert "TCPA" in stop.why
        # the short name without the legal form still names the sender, shown as written
        assert finding(report, R.SENDER_IDENTITY).status is Status.PRESENT
        assert finding(report, R.SENDER_IDENTITY).detail == "names 'Northwind Analytics'"
        # an em dash is not in the GSM alphabet: the whole text goes as UCS-2, in two parts
        assert report.notes == ("text: 111 characters in UCS-2, 2 segments",)

    def test_us_text_needs_consent(self) -> None:
        assert "consent_required" in lint("sms_us_no_stop.txt", channel="sms", country="US").decision.reason_codes


class TestCallScripts:
    def test_gb_live_call_script(self) -> None:
        report = lint("call_gb.md", channel="call")
        assert report.ok
        caller_id = finding(report, R.CALLER_ID)
        assert caller_id.status is Status.MANUAL
        assert "dialler setting" in caller_id.detail
        assert "SI 2016/524" in caller_id.why
        intro = finding(report, R.SENDER_IDENTITY, "caller introduces themselves")
        assert intro.status is Status.PRESENT
        assert intro.where == "Markdown, line 3"

    def test_gb_live_call_script_without_introduction(self) -> None:
        report = lint("call_gb_bad.txt", channel="call")
        assert finding(report, R.SENDER_IDENTITY, "sender named").status is Status.MISSING
        assert finding(report, R.SENDER_IDENTITY, "caller introduces themselves").status is Status.MISSING
        assert "PECR reg. 24(1)(a)" in finding(report, R.SENDER_IDENTITY, "sender named").why
        assert not report.ok

    def test_gb_automated_call_contact_details(self) -> None:
        report = lint("automated_gb.txt", channel="automated_call", consent=True)
        assert report.ok
        contact = finding(report, R.CONTACT_DETAILS)
        assert contact.where == "text, line 2"
        assert "0800 123 4567" in contact.detail
        assert "PECR reg. 24(1)(b)" in contact.why

    def test_us_live_call_caller_id_citation(self) -> None:
        report = lint("call_gb.md", channel="call", country="US")
        assert "16 CFR §310.4(a)(8)" in finding(report, R.CALLER_ID).why


class TestSenderAndProfile:
    def test_no_privacy_url_on_file_accepts_a_privacy_link_and_says_so(self) -> None:
        report = lint("de_consent.html", country="DE", consent=True, profile=None)
        privacy = finding(report, R.PRIVACY_NOTICE)
        assert privacy.status is Status.PRESENT
        assert "no privacy URL on file" in privacy.detail

    def test_without_a_legal_entity_or_profile_the_sender_cannot_be_checked(self, tmp_path: Path) -> None:
        bare = tmp_path / "bare.toml"
        bare.write_text('purpose = "service"\n')
        loaded, _ = load_campaign(bare)
        report = lint_message(
            Lawfulreach(), read_message(FIXTURES / "service_clean.txt"), parse_audience("email", "GB"), loaded, None
        )
        sender = finding(report, R.SENDER_IDENTITY)
        assert sender.status is Status.MISSING
        assert "legal_entity" in sender.detail


@pytest.mark.parametrize(
    ("name", "channel", "country", "consent"),
    [
        ("gb_noncompliant.eml", "email", "GB", False),
        ("us_noncompliant.txt", "email", "US", False),
        ("ca_noncompliant.md", "email", "CA", True),
        ("call_gb_bad.txt", "call", "GB", False),
        ("sms_us_no_stop.txt", "sms", "US", True),
        ("automated_gb.txt", "automated_call", "CA", True),
    ],
)
def test_every_finding_cites_a_law_never_a_project_document(
    name: str, channel: str, country: str, consent: bool
) -> None:
    report = lint(name, channel=channel, country=country, consent=consent)
    assert report.findings
    for f in report.findings:
        assert f.why, f
        assert names_a_project_document(f.why) is None, f.why


def _report(tmp_path: Path, name: str, content: str, country: str = "GB", **audience: object) -> LintReport:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    loaded, _ = load_campaign(FIXTURES / "campaign.toml")
    who = parse_audience("email", country, **audience)  # type: ignore[arg-type]
    return lint_message(Lawfulreach(), read_message(path), who, loaded, PROFILE)


class TestEdges:
    """The readings that keep the check honest: hidden text never counts, every part is checked, a
    privacy link must be the organisation's own page."""

    @pytest.mark.parametrize(
        "style",
        [
            "display:none",
            "visibility: hidden",
            "opacity:0",
            "font-size:0px",
            "mso-hide:all",
            "max-height:0; overflow:hidden",
        ],
    )
    def test_hidden_opt_out_does_not_count(self, tmp_path: Path, style: str) -> None:
        html = (
            "<p>Northwind Analytics Ltd</p><p><a href='https://northwind.example/privacy'>Privacy</a></p>"
            f"<div style='{style}'><a href='https://northwind.example/u/1'>Unsubscribe</a></div>"
        )
        report = _report(tmp_path, "m.html", html)
        assert finding(report, R.OPT_OUT_LINK).status is Status.MISSING

    def test_soft_hyphens_do_not_hide_a_word(self, tmp_path: Path) -> None:
        html = (
            "<p>Northwind Analytics Ltd · <a href='https://northwind.example/privacy'>Privacy</a> · "
            "<a href='https://northwind.example/x'>Unsub\u00adscribe</a></p>"
        )
        assert finding(_report(tmp_path, "m.html", html), R.OPT_OUT_LINK).status is Status.PRESENT

    def test_a_requirement_missing_from_one_part_is_missing(self, tmp_path: Path) -> None:
        text = (FIXTURES / "gb_compliant.eml").read_text(encoding="utf-8")
        text = text.replace("Unsubscribe: https://northwind.example/u/5f2c9a\n", "")
        report = _report(tmp_path, "m.eml", text)
        link = finding(report, R.OPT_OUT_LINK, "opt-out link or instruction")
        assert link.status is Status.MISSING
        assert link.where.endswith("of the text/plain part")
        assert "(found in HTML part, line 19)" in link.detail

    def test_a_privacy_link_must_be_the_organisations_page(self, tmp_path: Path) -> None:
        text = "Northwind Analytics Ltd. Unsubscribe: https://northwind.example/u/1\n"
        other = _report(tmp_path, "a.txt", text + "Privacy: https://northwind.example/privacy-policy\n")
        assert finding(other, R.PRIVACY_NOTICE).status is Status.MISSING
        same = _report(tmp_path, "b.txt", text + "Privacy: http://www.Northwind.example/privacy/#data?x=1\n")
        assert finding(same, R.PRIVACY_NOTICE).status is Status.PRESENT

    def test_front_matter_from_names_the_sender(self, tmp_path: Path) -> None:
        body = "Hello.\nUnsubscribe: https://northwind.example/u/1 · Privacy: https://northwind.example/privacy\n"
        named = _report(
            tmp_path, "a.md", f"---\nsubject: Hi\nfrom: Northwind Analytics <hi@northwind.example>\n---\n{body}"
        )
        sender = finding(named, R.SENDER_IDENTITY)
        assert sender.status is Status.PRESENT
        assert sender.where == "header From"
        assert finding(_report(tmp_path, "b.md", body), R.SENDER_IDENTITY).status is Status.MISSING

    def test_an_instruction_needs_the_means(self, tmp_path: Path) -> None:
        base = "Northwind Analytics Ltd. Privacy: https://northwind.example/privacy\n"
        vague = _report(tmp_path, "a.txt", base + "You can unsubscribe at any time.\n")
        assert finding(vague, R.OPT_OUT_LINK).status is Status.MISSING
        by_reply = _report(tmp_path, "b.txt", base + "To unsubscribe, reply with 'unsubscribe'.\n")
        assert finding(by_reply, R.OPT_OUT_LINK).status is Status.PRESENT
        by_mail = _report(tmp_path, "c.txt", base + "Se désinscrire : optout@northwind.example\n")
        assert finding(by_mail, R.OPT_OUT_LINK).status is Status.PRESENT

    def test_a_uk_address_is_a_valid_address_in_a_us_email(self, tmp_path: Path) -> None:
        text = (
            "Advertisement. Northwind Analytics Ltd, 1 Quay St, Bristol BS1 5TY.\nUnsubscribe: https://n.example/u/1\n"
        )
        no_profile = tmp_path / "us.txt"
        no_profile.write_text(text, encoding="utf-8")
        loaded, _ = load_campaign(FIXTURES / "campaign.toml")
        report = lint_message(Lawfulreach(), read_message(no_profile), parse_audience("email", "US"), loaded, None)
        assert finding(report, R.POSTAL_ADDRESS).status is Status.PRESENT
        assert report.ok


class TestRuleData:
    def _doc(self) -> dict[str, object]:
        import tomllib

        return tomllib.loads((Path(lint_rules_path())).read_text(encoding="utf-8"))

    def test_the_shipped_data_loads(self) -> None:
        from lawfulreach.rules.lint import lint_rules

        rules = lint_rules()
        assert rules.find("opt_out", "Cliquez ici pour SE DÉSINSCRIRE") == ["se desinscrire"]

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda d: d["phrases"].pop("opt_out"), "opt_out must be a non-empty list"),
            (lambda d: d["phrases"].update(unsubscribes=["x"]), "unknown phrase list"),
            (lambda d: d["postcodes"].update(US="(unclosed"), "not a valid pattern"),
            (lambda d: d["citations"]["ad_disclosure"].pop("default"), "citations.ad_disclosure"),
        ],
    )
    def test_broken_data_is_refused_naming_the_part(self, change: Any, message: str) -> None:
        from lawfulreach.domain.lint import parse_lint_rules
        from lawfulreach.errors import RuleBaseError

        doc: Any = self._doc()
        change(doc)
        with pytest.raises(RuleBaseError, match=message):
            parse_lint_rules(doc, "lint.toml")


def lint_rules_path() -> Path:
    return Path(__file__).resolve().parents[2] / "src" / "lawfulreach" / "rules" / "data" / "lint.toml"


def test_a_click_here_link_on_an_opt_out_line_counts(tmp_path: Path) -> None:
    base = "<p>Northwind Analytics Ltd · <a href='https://northwind.example/privacy'>Privacy</a></p>"
    here = _report(
        tmp_path,
        "a.html",
        base + "<p>No longer wish to receive these? <a href='https://n.example/prefs'>Click here</a>.</p>",
    )
    link = finding(here, R.OPT_OUT_LINK)
    assert link.status is Status.PRESENT
    assert "'Click here' → https://n.example/prefs" in link.detail
    nowhere = _report(tmp_path, "b.html", base + "<p>No longer wish to receive these? <a href='#'>Click here</a>.</p>")
    assert finding(nowhere, R.OPT_OUT_LINK).status is Status.MISSING
