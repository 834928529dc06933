"""The privacy notice for prospects (GDPR Art. 14), built from the organisation's facts. No I/O.

An organisation that writes to people whose data it did not collect from them must tell them who it
is, where the data came from, why and on what legitimate interests it uses it, who receives it, how
long it is kept, their rights — above all the absolute right to object to direct marketing (Art.
21(2)–(3)) and how to exercise it — the DPO's contact and the supervisory authority (Art. 14(1)–(2)).
``build_notice`` writes those sections from the organisation profile and its stored campaigns. A fact
the profile lacks is written as "not provided" and listed in ``missing`` — never invented.

The notice's version is a fingerprint of its content (``np-<12 hex>``, ``domain.versions``): the same
facts give the same version on every machine, and any change to what a reader sees gives a new one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from lawfulreach.domain.model import Campaign
from lawfulreach.domain.versions import fingerprint

__all__ = ["NOT_PROVIDED", "Authority", "Link", "NoticeFacts", "PrivacyNotice", "Section", "build_notice"]

NOT_PROVIDED = "not provided"


class NoticeFacts(Protocol):
    """What the notice reads from the organisation profile (``store.profiles.Profile`` has them all)."""

    @property
    def organisation(self) -> str: ...
    @property
    def purpose(self) -> str | None: ...
    @property
    def contact_email(self) -> str | None: ...
    @property
    def postal_address(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def data_source(self) -> str | None: ...
    @property
    def recipients(self) -> str | None: ...
    @property
    def retention(self) -> str | None: ...
    @property
    def dpo_email(self) -> str | None: ...
    @property
    def supervisory_authority(self) -> str | None: ...
    @property
    def supervisory_authority_url(self) -> str | None: ...
    @property
    def data_categories(self) -> str | None: ...
    @property
    def transfers(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Authority:
    """A supervisory authority as the rule data names it (``rules/data/supervisory_authorities.toml``)."""

    name: str
    url: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    def content(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "heading": self.heading,
            "paragraphs": list(self.paragraphs),
            "items": list(self.items),
            "links": [{"label": link.label, "url": link.url} for link in self.links],
        }


@dataclass(frozen=True, slots=True)
class PrivacyNotice:
    organisation: str
    sections: tuple[Section, ...]
    #: the facts shown as "not provided", in words
    missing: tuple[str, ...]
    #: where the notice is served (``<public_url>/privacy``), when known
    url: str | None = None
    #: when its content last changed (the caller knows: profile and campaign change times)
    effective: date | None = None
    version: str = field(init=False)

    def __post_init__(self) -> None:
        content = {"organisation": self.organisation, "sections": [s.content() for s in self.sections]}
        object.__setattr__(self, "version", fingerprint("np", content))

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "effective": self.effective.isoformat() if self.effective else None,
            "url": self.url,
            "organisation": self.organisation,
            "sections": [s.content() for s in self.sections],
            "missing": list(self.missing),
        }

    def _stamp(self) -> str:
        effective = f", effective {self.effective.isoformat()}" if self.effective else ""
        return f"Version {self.version}{effective}"

    def render_text(self) -> str:
        lines = [f"Privacy notice for people we contact — {self.organisation}", self._stamp(), ""]
        for section in self.sections:
            lines += [section.heading, "-" * len(section.heading)]
            lines += [*section.paragraphs]
            lines += [f"  * {item}" for item in section.items]
            lines += [f"  {link.label}: {link.url}" for link in section.links]
            lines.append("")
        return "\n".join(lines)

    def render_markdown(self) -> str:
        lines = [f"# Privacy notice for people we contact — {self.organisation}", "", f"*{self._stamp()}*", ""]
        for section in self.sections:
            lines += [f"## {section.heading}", ""]
            for paragraph in section.paragraphs:
                lines += [paragraph, ""]
            if section.items:
                lines += [f"- {item}" for item in section.items] + [""]
            if section.links:
                lines += [f"- [{link.label}]({link.url})" for link in section.links] + [""]
        return "\n".join(lines)


def _or_missing(value: str | None, words: str, missing: list[str]) -> str:
    if value:
        return value
    missing.append(words)
    return NOT_PROVIDED


def _day(value: datetime | date) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def _campaign_line(organisation: str, campaign: Campaign) -> str:
    name = campaign.name or campaign.id or "campaign"
    sender = (
        f" (sent by {campaign.legal_entity})" if campaign.legal_entity and campaign.legal_entity != organisation else ""
    )
    products = ", ".join(campaign.products) if campaign.products else f"products: {NOT_PROVIDED}"
    what = "direct marketing of" if campaign.purpose.value == "marketing" else "service messages about"
    head = f"{name}{sender}: {what} {products}"
    ref = campaign.lia_assessment
    if ref is not None:
        assessed = _day(ref.approved_at) if ref.approved_at else NOT_PROVIDED
        review = ref.review_due.isoformat() if ref.review_due else NOT_PROVIDED
        return (
            f"{head} — legitimate-interests assessment {ref.id} (version {ref.version}): {ref.outcome}; "
            f"assessed and approved on {assessed} by {ref.approved_by or NOT_PROVIDED}; next review {review}"
            + ("; the review date has passed: the assessment has expired" if ref.expired else "")
        )
    return f"{head} — legitimate interests relied on: {what} {products}; assessment summary: {NOT_PROVIDED}"


def build_notice(
    org: NoticeFacts,
    campaigns: Sequence[Campaign],
    authorities: Mapping[str, Authority],
    *,
    intake_url: str | None,
    url: str | None = None,
    effective: date | None = None,
) -> PrivacyNotice:
    """The notice's sections (Art. 14 headings) for ``org``, its active (not archived) ``campaigns``,
    the default supervisory authorities by country, and the privacy-request page ``intake_url``."""
    missing: list[str] = []
    name = org.organisation
    address = _or_missing(org.postal_address, "postal address", missing)
    contact = org.contact_email
    who = Section(
        "controller",
        "Who is writing to you",
        (
            f"{name} is the controller of your personal data (GDPR Art. 14(1)(a)).",
            f"Postal address: {address.replace(chr(10), ', ')}.",
            f"Privacy contact: {_or_missing(contact, 'privacy contact (contact email)', missing)}.",
        ),
    )
    dpo_address = org.dpo_email or contact
    dpo = Section(
        "dpo",
        "Data protection officer",
        (f"Contact details of the data protection officer: {_or_missing(dpo_address, 'DPO contact', missing)}.",),
    )
    source = Section(
        "source",
        "Where your data comes from",
        (
            "We did not collect your data from you (Art. 14(2)(f)). It comes from: "
            f"{_or_missing(org.data_source, 'source of the data', missing)}.",
        ),
    )
    categories = Section(
        "categories",
        "What data we hold about you",
        (
            "The categories of personal data we hold (Art. 14(1)(d)): "
            f"{_or_missing(org.data_categories, 'categories of personal data', missing)}.",
        ),
    )
    active = [c for c in campaigns if c.archived_at is None]
    purposes = Section(
        "purposes",
        "What we use it for, and the legal basis",
        (
            f"Purposes: {_or_missing(org.purpose, 'purposes', missing)}",
            "Legal basis: our legitimate interests (GDPR Art. 6(1)(f)); direct marketing may be a "
            "legitimate interest (Recital 47).",
        ),
    )
    if active:
        interests = Section(
            "legitimate_interests",
            "The legitimate interests we rely on",
            (
                "For each of our current campaigns, the interest and the summary of its "
                "legitimate-interests assessment:",
            ),
            tuple(_campaign_line(name, c) for c in active),
        )
    else:
        missing.append("legitimate interests (no stored campaign)")
        interests = Section(
            "legitimate_interests",
            "The legitimate interests we rely on",
            (f"Legitimate interests relied on: {NOT_PROVIDED}.",),
        )
    recipients = Section(
        "recipients",
        "Who receives your data",
        (f"Recipients or categories of recipients: {_or_missing(org.recipients, 'recipients', missing)}.",),
    )
    transfers = Section(
        "transfers",
        "Transfers outside the UK and the EEA",
        (
            "Transfers to a third country or an international organisation, and the safeguards relied on "
            f"(Art. 14(1)(f)): {_or_missing(org.transfers, 'transfers outside the UK/EEA', missing)}.",
        ),
    )
    retention = Section(
        "retention",
        "How long we keep it",
        (
            f"Retention: {_or_missing(org.retention, 'retention period', missing)}.",
            "If you object or opt out, we keep only what is needed to make sure we never contact you again "
            "(a suppression record).",
        ),
    )
    rights_links = [Link("Make a privacy request", intake_url)] if intake_url else []
    if not intake_url:
        missing.append("privacy-request page URL (public URL)")
    rights = Section(
        "rights",
        "Your rights, and how to object or opt out",
        (
            "You have an absolute right to object to the use of your data for direct marketing, at any time "
            "and free of charge (GDPR Art. 21(2)–(3)). Once you object we stop: no reason is needed and no "
            "balancing is done.",
            "To opt out, use the unsubscribe link at the bottom of any message we sent you, write to the "
            "privacy contact above, or make a request on our privacy-request page"
            + (f" ({intake_url})." if intake_url else f" ({NOT_PROVIDED}).")
            + " An objection covers every channel: email, phone, text messages and post.",
            "You also have the right to access your data (Art. 15), to have it corrected (Art. 16) or erased "
            "(Art. 17), to restrict its use (Art. 18), to receive it in a portable form (Art. 20) and to "
            "object to other processing based on legitimate interests (Art. 21(1)).",
        ),
        links=tuple(rights_links),
    )
    complaint_links: list[Link] = []
    if org.supervisory_authority:
        authority = org.supervisory_authority
        if org.supervisory_authority_url:
            complaint_links.append(Link(org.supervisory_authority, org.supervisory_authority_url))
        note = None
    elif org.country and org.country in authorities:
        known = authorities[org.country]
        authority, note = known.name, known.note
        complaint_links.append(Link(known.name, known.url))
    else:
        missing.append("supervisory authority (set the organisation's country or name the authority)")
        authority, note = NOT_PROVIDED, None
    paragraphs = [f"You may complain to the supervisory authority: {authority}."]
    if note:
        paragraphs.append(note)
    paragraphs.append(
        "You may also complain to the authority of the country where you live or work, or where you think "
        "the law was broken (GDPR Art. 77)."
    )
    complaint = Section(
        "authority", "Complaints to the supervisory authority", tuple(paragraphs), links=tuple(complaint_links)
    )
    sections = (who, dpo, source, categories, purposes, interests, recipients, transfers, retention, rights, complaint)
    return PrivacyNotice(name, sections, tuple(missing), url=url, effective=effective)
