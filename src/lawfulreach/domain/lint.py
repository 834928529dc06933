"""The message check: does a message carry what its decision requires? Pure functions, no I/O.

Input: the decision the one decision path (``service.Lawfulreach.decide``) made for the audience (a
representative contact on a channel in a country, ``commands.lint`` builds it), the parsed message
(``domain.message``), who sends it (``Sender``: the campaign's legal entity and the organisation's
profile) and the check's rule data (``LintRules``, from ``rules/data/lint.toml``: every phrase, postcode
pattern and citation — none of them is written in code). Output: a ``LintReport`` with one ``Finding``
per requirement and check, each saying present / missing / manual, where it is (part and line, the
subject, a header) or where it should be, and why (the law or guidance).

How each requirement is read (docs/lint.md says it for users):

* ``opt_out_link``: in every body part, a link whose visible text or address says opt out
  (``unsubscribe``, ``abmelden``, ``se désinscrire``…), or a line that says so and gives the means (a
  URL, an email address, or a reply instruction); for SMS, an upper-case STOP keyword counts. An
  ``.eml`` sent by email is checked for ``List-Unsubscribe`` (an https and/or mailto URI, RFC 2369) and,
  with an https URI, ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058).
* ``sender_identity``: the campaign's legal entity (else the organisation's name) in every part or in
  the ``From`` display name; accepted without its legal form ("Acme Widgets" for "Acme Widgets Ltd").
  Call scripts also need the caller to introduce themselves.
* ``privacy_notice``: a link to the organisation's privacy-notice URL; with none on file, any link
  whose text or address says privacy (and the finding says the URL is not on file).
* ``postal_address``: the organisation's address on file (compared without case, punctuation or line
  breaks), else a line with a postcode of the audience's country or a PO box; Canada (CASL)
  additionally needs a telephone number, email address or web address.
* ``ad_disclosure``: "advertisement" or an equivalent in the subject or every part.
* ``caller_id``: a dialler setting, not something a script can show — reported as ``manual``.
* ``contact_details``: a telephone number (or an address) in the script.
* ``no_promotional_content``: no promotional phrase anywhere; each one found is listed.

Phrases match whole words, ignoring case and accents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import phonenumbers

from lawfulreach.domain.lexicons import LEGAL_FORMS
from lawfulreach.domain.lint_rules import LintRules, fold, parse_lint_rules
from lawfulreach.domain.message import Link, Message, Part
from lawfulreach.domain.model import Decision
from lawfulreach.domain.sms import sms_segments
from lawfulreach.domain.vocabulary import Channel, Outcome, Requirement, SubscriberType


class Status(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    #: cannot be seen in a message (caller ID is set in the dialler): a person confirms it
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class Finding:
    requirement: Requirement
    #: which check of the requirement (a requirement can have several: the link, the header, …)
    check: str
    status: Status
    #: where it is (``HTML part, line 12``, ``subject``, ``header List-Unsubscribe``) or should be
    where: str
    #: what was found, or what to add
    detail: str
    #: the law or guidance it rests on
    why: str

    def to_dict(self) -> dict[str, str]:
        return {
            "requirement": self.requirement.value,
            "check": self.check,
            "status": self.status.value,
            "where": self.where,
            "detail": self.detail,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class Audience:
    """Whom the message is for: what the representative contact of ``commands.lint`` is made of."""

    channel: Channel
    country: str
    region: str | None = None
    consent: bool = False
    subscriber_type: SubscriberType = SubscriberType.CORPORATE

    def describe(self) -> str:
        where = self.region or self.country
        consent = ", with consent" if self.consent else ""
        kind = self.subscriber_type.value.replace("_", " ")
        article = "an" if kind[:1] in "aeiou" else "a"
        return f"{self.channel.value} to {article} {kind} subscriber in {where}{consent}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel.value,
            "country": self.country,
            "region": self.region,
            "consent": self.consent,
            "subscriber_type": self.subscriber_type.value,
        }


@dataclass(frozen=True, slots=True)
class Sender:
    """Who sends: the campaign's legal entity and the organisation's profile (any may be unknown)."""

    legal_entity: str | None = None
    organisation: str | None = None
    privacy_notice_url: str | None = None
    postal_address: str | None = None


# --- the report ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LintReport:
    audience: Audience
    decision: Decision
    findings: tuple[Finding, ...]
    #: facts about the message that are no requirement (an SMS's length and segments)
    notes: tuple[str, ...] = ()

    @property
    def sendable(self) -> bool:
        """The decision lets the message go to this audience at all."""
        return self.decision.outcome is Outcome.ALLOWED

    @property
    def missing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.MISSING)

    @property
    def ok(self) -> bool:
        return self.sendable and not self.missing

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "sendable": self.sendable,
            "audience": self.audience.to_dict(),
            "decision": self.decision.to_json(),
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }


# --- finding things in a message -------------------------------------------------------------------
_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_USABLE_SCHEMES = ("http", "https", "mailto")


@dataclass(frozen=True, slots=True)
class _Hit:
    part: str
    line: int | None
    what: str

    @property
    def where(self) -> str:
        return self.part if self.line is None else f"{self.part}, line {self.line}"


def _link_text(link: Link) -> str:
    text = " ".join(link.text.split())
    return f"{text[:60]!r} → {link.href[:100]}" if text else link.href[:100]


_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


def _usable(href: str) -> bool:
    """A link that goes somewhere: http(s) or mailto (not ``#``, not ``javascript:``)."""
    scheme = _SCHEME.match(href)
    return scheme is not None and scheme.group(1).lower() in _USABLE_SCHEMES


class _Checker:
    """The checks of one report: the message, the audience, the sender and the rules in one place."""

    def __init__(self, message: Message, audience: Audience, sender: Sender, rules: LintRules, gdpr: bool) -> None:
        self.message = message
        self.audience = audience
        self.sender = sender
        self.rules = rules
        self.gdpr = gdpr
        self.findings: list[Finding] = []

    def why(self, key: str) -> str:
        audience = self.audience
        return self.rules.citation(key, audience.country, audience.region, audience.channel.value, self.gdpr)

    def add(self, requirement: Requirement, check: str, status: Status, where: str, detail: str, key: str) -> None:
        self.findings.append(Finding(requirement, check, status, where, detail, self.why(key)))

    def per_part(
        self,
        requirement: Requirement,
        check: str,
        find: Callable[[Part], list[_Hit]],
        *,
        should_be: str,
        absent: str,
        key: str | None = None,
        extra: Sequence[_Hit] = (),
    ) -> None:
        """Present when every body part has a hit (or ``extra`` hits cover the whole message, as the
        subject or the From header do); else missing, naming the parts without one."""
        hits = {part.label: find(part) for part in self.message.parts}
        found = [h for part_hits in hits.values() for h in part_hits]
        lacking = [label for label, part_hits in hits.items() if not part_hits]
        key = key or requirement.value
        if not lacking:
            where = "; ".join(dict.fromkeys(h.where for h in found[:3]))
            self.add(requirement, check, Status.PRESENT, where, "; ".join(h.what for h in found[:3]), key)
        elif extra:
            first = extra[0]
            self.add(requirement, check, Status.PRESENT, first.where, first.what, key)
        else:
            have = f" (found in {', '.join(dict.fromkeys(h.where for h in found[:3]))})" if found else ""
            self.add(
                requirement, check, Status.MISSING, f"should be: {should_be} of the {' and '.join(lacking)}",
                f"{absent}{have}", key,
            )  # fmt: skip

    # --- opt-out -----------------------------------------------------------------------------------
    def _opt_out_hits(self, part: Part) -> list[_Hit]:
        rules = self.rules
        hits = []
        for link in part.links:
            said = rules.find("opt_out", link.text) or rules.find("opt_out_url", link.href)
            if said and _usable(link.href):  # "Unsubscribe" on a link to "#" opts no one out
                hits.append(_Hit(part.label, link.line, f"link {_link_text(link)}"))
        for line, text in part.lines:
            if rules.find("opt_out", text):
                if rules.find("reply", text) or _URL.search(text) or _EMAIL.search(text):
                    hits.append(_Hit(part.label, line, f"instruction {text.strip()[:80]!r}"))
                    continue
                pointed = self._link_for_words(part.links, line, text)
                if pointed is not None:  # "If you no longer wish to receive these emails, click <a>here</a>"
                    hits.append(_Hit(part.label, line, f"link {_link_text(pointed)} in {text.strip()[:60]!r}"))
                    continue
            if self.audience.channel is Channel.SMS and self._stop_keyword(text):
                hits.append(_Hit(part.label, line, f"STOP instruction {text.strip()[:80]!r}"))
        return hits

    def _link_for_words(self, links: Sequence[Link], line: int, text: str) -> Link | None:
        """The link that words outside any link on this line point to ("No longer wish to receive
        these? <a>Click here</a>"): a usable link on the same source line that is not the privacy
        notice. None when the opt-out words are only some link's own text (judged as a link above)."""
        folded = " ".join(text.split())
        on_line = [k for k in links if k.line == line and k.text.strip() and " ".join(k.text.split()) in folded]
        rest = folded
        for link in on_line:
            rest = rest.replace(" ".join(link.text.split()), " ")
        if not self.rules.find("opt_out", rest):
            return None
        for link in on_line:
            if _usable(link.href) and not (
                self.rules.find("privacy", link.text) or self.rules.find("privacy", link.href)
            ):
                return link
        return None

    def _stop_keyword(self, text: str) -> bool:
        keywords = {k.upper() for k in self.rules.phrases["sms_stop"]}
        return any(word in keywords for word in re.findall(r"\w+", text) if word.isupper())

    def opt_out(self) -> None:
        sms = self.audience.channel is Channel.SMS
        self.per_part(
            Requirement.OPT_OUT_LINK,
            "STOP instruction or opt-out link" if sms else "opt-out link or instruction",
            self._opt_out_hits,
            should_be="a 'Reply STOP to opt out' line" if sms else "an unsubscribe link in the footer",
            absent="no opt-out link, reply instruction"
            + (" or upper-case STOP keyword" if sms else " or address to send an opt-out to"),
        )
        if self.message.is_eml and self.audience.channel is Channel.EMAIL:
            self.list_unsubscribe()

    def list_unsubscribe(self) -> None:
        value = self.message.header("List-Unsubscribe")
        requirement = Requirement.OPT_OUT_LINK
        if value is None:
            self.add(
                requirement, "List-Unsubscribe header", Status.MISSING, "should be: header List-Unsubscribe",
                "no List-Unsubscribe header: add <https://…> (one-click) and/or <mailto:…?subject=unsubscribe>",
                "list_unsubscribe",
            )  # fmt: skip
            return
        uris = re.findall(r"<([^<>]*)>", value)
        https = [u for u in uris if u.lower().startswith("https://")]
        mailto = [u for u in uris if u.lower().startswith("mailto:")]
        http = [u for u in uris if u.lower().startswith("http://")]
        if not https and not mailto:
            why = "only a plain http:// URI (mailbox providers ignore it)" if http else "no https or mailto URI"
            self.add(
                requirement, "List-Unsubscribe header", Status.MISSING, "header List-Unsubscribe",
                f"{why} in {value[:120]!r}: each URI in angle brackets, https://… and/or mailto:…",
                "list_unsubscribe",
            )  # fmt: skip
            return
        kinds = " and ".join(k for k, v in (("https", https), ("mailto", mailto)) if v)
        self.add(
            requirement, "List-Unsubscribe header", Status.PRESENT, "header List-Unsubscribe",
            f"{kinds}: {', '.join(uris)[:160]}", "list_unsubscribe",
        )  # fmt: skip
        post = self.message.header("List-Unsubscribe-Post")
        if https:
            if post is not None and " ".join(post.split()) == "List-Unsubscribe=One-Click":
                self.add(
                    requirement, "one-click unsubscribe", Status.PRESENT, "header List-Unsubscribe-Post",
                    "List-Unsubscribe=One-Click with an https URI", "one_click",
                )  # fmt: skip
            else:
                said = f"it reads {post!r}" if post is not None else "it is absent"
                self.add(
                    requirement, "one-click unsubscribe", Status.MISSING,
                    "should be: header List-Unsubscribe-Post",
                    f"List-Unsubscribe-Post must read exactly 'List-Unsubscribe=One-Click'; {said}", "one_click",
                )  # fmt: skip

    # --- sender identity ---------------------------------------------------------------------------
    def _names(self) -> list[str]:
        name = self.sender.legal_entity or self.sender.organisation
        if not name:
            return []
        names = [name]
        folded = fold(name).rstrip(" .,")
        for form in sorted(LEGAL_FORMS, key=len, reverse=True):
            suffix = fold(form)
            if folded.endswith((" " + suffix, "," + suffix)):
                short = folded[: -len(suffix)].rstrip(" ,")
                if len(short) >= 3:
                    # shown as written where the form can be cut off the name as written
                    written = re.sub(rf"[\s,]+{re.escape(form)}\.?$", "", name.strip(), flags=re.IGNORECASE)
                    names.append(written if fold(written) == short else short)
                break
        return names

    def _name_in(self, text: str, names: list[str]) -> str | None:
        folded = " ".join(fold(text).split())
        for name in names:
            wanted = " ".join(fold(name).split())
            if re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", folded):
                return name
        return None

    def sender_identity(self) -> None:
        requirement = Requirement.SENDER_IDENTITY
        names = self._names()
        if not names:
            self.add(
                requirement, "sender named", Status.MISSING, "campaign",
                "the campaign names no legal entity and the organisation has no name on file: set the "
                "campaign's legal_entity so the check knows whom to look for",
                requirement.value,
            )  # fmt: skip
            return

        def find(part: Part) -> list[_Hit]:
            out = []
            for line, text in part.lines:
                found = self._name_in(text, names)
                if found:
                    out.append(_Hit(part.label, line, f"names {found!r}"))
            return out

        extra: list[_Hit] = []
        sender_header = self.message.header("From")
        if sender_header and self._name_in(sender_header, names):
            extra.append(_Hit("header From", None, f"From: {sender_header[:100]}"))
        self.per_part(
            requirement, "sender named", find,
            should_be=f"the legal entity {names[0]!r} named in the signature or footer",
            absent=f"{names[0]!r} is not named", extra=extra,
        )  # fmt: skip
        if self.audience.channel in (Channel.CALL, Channel.AUTOMATED_CALL):

            def intro(part: Part) -> list[_Hit]:
                return [
                    _Hit(part.label, line, f"{text.strip()[:80]!r}")
                    for line, text in part.lines
                    if self.rules.find("caller_intro", text)
                ]

            self.per_part(
                requirement, "caller introduces themselves", intro,
                should_be="an opening line ('My name is …, calling from …')",
                absent="the script does not have the caller say who they are", key="caller_intro",
            )  # fmt: skip

    # --- privacy notice ----------------------------------------------------------------------------
    def privacy_notice(self) -> None:
        requirement = Requirement.PRIVACY_NOTICE
        url = self.sender.privacy_notice_url
        wanted = _url_key(url) if url else None

        def find(part: Part) -> list[_Hit]:
            out = []
            for link in part.links:
                if wanted is not None:
                    if _same_page(link.href, wanted):
                        out.append(_Hit(part.label, link.line, f"link {_link_text(link)}"))
                elif _usable(link.href) and (
                    self.rules.find("privacy", link.text) or self.rules.find("privacy", link.href)
                ):
                    out.append(_Hit(part.label, link.line, f"link {_link_text(link)} (no privacy URL on file)"))
            return out

        others = [
            link.href
            for part in self.message.parts
            for link in part.links
            if self.rules.find("privacy", link.text) or self.rules.find("privacy", link.href)
        ]
        if url:
            absent = f"no link to the organisation's privacy notice {url}"
            if others:
                absent += f"; the privacy link goes to {others[0][:100]} instead"
        else:
            absent = (
                "no link whose text says privacy (the organisation has no privacy-notice URL on file: set it "
                "with PUT /v1/organisation to have the exact URL checked)"
            )
        self.per_part(
            requirement, "privacy-notice link", find, should_be="a 'Privacy notice' link in the footer", absent=absent
        )

    # --- postal address ----------------------------------------------------------------------------
    def postal_address(self) -> None:
        requirement = Requirement.POSTAL_ADDRESS
        on_file = self.sender.postal_address
        postcodes = self.rules.postcodes
        own = postcodes.get(self.audience.country, postcodes["default"])
        patterns = [own, *(p for c, p in postcodes.items() if c not in ("default", self.audience.country))]

        def find(part: Part) -> list[_Hit]:
            if on_file:
                where = _address_line(part, on_file)
                if where is not None:
                    return [_Hit(part.label, where, "the organisation's postal address on file")]
            out = []
            for line, text in part.lines:
                if any(p.search(text) for p in patterns) or self.rules.find("po_box", text):
                    note = " (not the address on file)" if on_file else ""
                    out.append(_Hit(part.label, line, f"address {text.strip()[:80]!r}{note}"))
            return out

        self.per_part(
            requirement, "postal address", find,
            should_be="the sender's physical postal address in the footer",
            absent="no postal address (street, town and postcode, or a registered PO box)",
        )  # fmt: skip
        if self.audience.country == "CA":

            def contact(part: Part) -> list[_Hit]:
                out = []
                for line, text in part.lines:
                    if _EMAIL.search(text) or _has_phone(text, self.audience.country):
                        out.append(_Hit(part.label, line, f"contact {text.strip()[:80]!r}"))
                out += [
                    _Hit(part.label, link.line, f"web address {link.href[:100]}")
                    for link in part.links
                    if link.href.lower().startswith(("https://", "http://"))
                    and not self.rules.find("opt_out_url", link.href)
                ]
                return out

            self.per_part(
                requirement, "contact information (telephone, email or web address)", contact,
                should_be="a telephone number, email address or web address beside the mailing address",
                absent="no telephone number, email address or web address to reach the sender",
                key="casl_contact",
            )  # fmt: skip

    # --- advertisement disclosure ------------------------------------------------------------------
    def ad_disclosure(self) -> None:
        extra = []
        subject = self.message.subject
        if subject and self.rules.find("ad_disclosure", subject):
            extra.append(_Hit("subject", None, f"subject {subject[:80]!r}"))

        def find(part: Part) -> list[_Hit]:
            return [
                _Hit(part.label, line, f"{self.rules.find('ad_disclosure', text)[0]!r}")
                for line, text in part.lines
                if self.rules.find("ad_disclosure", text)
            ]

        self.per_part(
            Requirement.AD_DISCLOSURE, "identified as an advertisement", find,
            should_be="'Advertisement' in the subject, or a clear line at the top",
            absent="nothing identifies the message as an advertisement or solicitation", extra=extra,
        )  # fmt: skip

    # --- calls -------------------------------------------------------------------------------------
    def caller_id(self) -> None:
        self.add(
            Requirement.CALLER_ID, "caller ID shown", Status.MANUAL, "dialler settings",
            "caller ID is a dialler setting, not part of the script: present a number the person can call "
            "back on, never withheld",
            Requirement.CALLER_ID.value,
        )  # fmt: skip

    def contact_details(self) -> None:
        on_file = self.sender.postal_address

        def find(part: Part) -> list[_Hit]:
            out = [
                _Hit(part.label, line, f"contact {text.strip()[:80]!r}")
                for line, text in part.lines
                if _has_phone(text, self.audience.country)
            ]
            if on_file and not out:
                where = _address_line(part, on_file)
                if where is not None:
                    out.append(_Hit(part.label, where, "the organisation's postal address"))
            return out

        self.per_part(
            Requirement.CONTACT_DETAILS, "address or freephone number", find,
            should_be="a line giving a telephone (freephone) number or the postal address",
            absent="no telephone number or postal address for the person to contact the caller",
        )  # fmt: skip

    # --- service messages --------------------------------------------------------------------------
    def no_promotional_content(self) -> None:
        hits: list[_Hit] = []
        if self.message.subject:
            hits += [_Hit("subject", None, p) for p in self.rules.find("promotional", self.message.subject)]
        for part in self.message.parts:
            for line, text in part.lines:
                hits += [_Hit(part.label, line, p) for p in self.rules.find("promotional", text)]
        requirement = Requirement.NO_PROMOTIONAL_CONTENT
        if not hits:
            self.add(requirement, "no promotional content", Status.PRESENT, "whole message", "none found",
                     requirement.value)  # fmt: skip
            return
        shown = "; ".join(f"{h.what!r} ({h.where})" for h in hits[:6])
        more = f" and {len(hits) - 6} more" if len(hits) > 6 else ""
        self.add(
            requirement, "no promotional content", Status.MISSING, hits[0].where,
            f"promotional content in a service message: {shown}{more} — remove it, or send the message as "
            "marketing under its own rules",
            requirement.value,
        )  # fmt: skip


def _url_key(url: str) -> str:
    """A URL compared loosely: scheme, user, ``www.``, query, fragment and a trailing slash ignored,
    host in lower case (read by hand: the domain core imports no ``urllib``)."""
    rest = re.sub(r"^\s*[A-Za-z][A-Za-z0-9+.-]*://", "", url.strip())
    rest = re.split(r"[?#]", rest, maxsplit=1)[0]
    host, _, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1].lower().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")


def _same_page(href: str, wanted: str) -> bool:
    key = _url_key(href)
    return key == wanted or key.startswith(wanted + "/")


def _squash(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def _address_line(part: Part, address: str) -> int | None:
    """The line where the address on file begins in the part (compared without case, punctuation or
    line breaks: an address may run over several lines or stand on one), or None."""
    wanted = _squash(address)
    if not wanted:
        return None
    starts: list[tuple[int, int]] = []
    pieces: list[str] = []
    offset = 0
    for line, text in part.lines:
        squashed = _squash(text)
        if squashed:
            starts.append((offset, line))
            pieces.append(squashed)
            offset += len(squashed) + 1
    at = " ".join(pieces).find(wanted)
    if at < 0:
        return None
    return [line for start, line in starts if start <= at][-1]


def _has_phone(text: str, country: str) -> bool:
    return any(True for _ in phonenumbers.PhoneNumberMatcher(text, country))


# --- the check -------------------------------------------------------------------------------------
def check_message(
    message: Message, decision: Decision, audience: Audience, sender: Sender, rules: LintRules
) -> LintReport:
    """Every requirement of ``decision`` checked in ``message``. A decision that is not ``allowed``
    carries no requirements: the report has no findings and is not ``ok`` (the message cannot be
    sent lawfully to that audience, whatever it says)."""
    notes: list[str] = []
    if audience.channel is Channel.SMS:
        for part in message.parts:
            encoding, length, segments = sms_segments(part.text)
            plural = "s" if segments != 1 else ""
            notes.append(f"{part.label}: {length} characters in {encoding}, {segments} segment{plural}")
    if decision.outcome is not Outcome.ALLOWED:
        return LintReport(audience, decision, (), tuple(notes))
    gdpr = any("GDPR" in regime for regime in decision.regimes)
    checker = _Checker(message, audience, sender, rules, gdpr)
    steps: dict[Requirement, Callable[[], None]] = {
        Requirement.OPT_OUT_LINK: checker.opt_out,
        Requirement.SENDER_IDENTITY: checker.sender_identity,
        Requirement.PRIVACY_NOTICE: checker.privacy_notice,
        Requirement.POSTAL_ADDRESS: checker.postal_address,
        Requirement.AD_DISCLOSURE: checker.ad_disclosure,
        Requirement.CALLER_ID: checker.caller_id,
        Requirement.CONTACT_DETAILS: checker.contact_details,
        Requirement.NO_PROMOTIONAL_CONTENT: checker.no_promotional_content,
    }
    for requirement in decision.requirements:
        steps[requirement]()
    return LintReport(audience, decision, tuple(checker.findings), tuple(notes))


__all__ = [
    "Audience",
    "Finding",
    "LintReport",
    "LintRules",
    "Sender",
    "Status",
    "check_message",
    "fold",
    "parse_lint_rules",
    "sms_segments",
]
