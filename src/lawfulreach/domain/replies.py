"""What an inbound message is — an opt-out, a privacy request, a bounce, a complaint, an automatic
reply or something for a person — as a pure function of the message as read (``InboundMessage``).

No I/O: ``outreach.inbox`` reads the raw RFC 5322 bytes into an ``InboundMessage`` (headers, the text
of the body, the fields of a delivery-status or feedback report); ``rules.replies`` compiles the
phrases of ``rules/data/replies.toml`` into ``ReplyPhrases``; ``classify`` decides. The effects
(ledger, privacy requests, exclusion list) are ``commands.inbound``'s.

The order of the checks, and why:

1. **Complaint** — an ARF feedback report (RFC 5965, ``multipart/report; report-type=feedback-report``)
   with a complaint feedback type: the original recipient is opted out.
2. **Bounce** — an RFC 3464 delivery-status report: ``Status: 5.x.x`` (action ``failed``) hard, ``4.x.x``
   or action ``delayed`` soft, per recipient (``Original-Recipient``, else ``Final-Recipient``). A report
   of successful delivery is an automatic message like an out-of-office. Then the non-standard bounces
   (qmail's "failure notice", Exchange NDRs, localised ones): a mail-server sender or a bounce subject,
   with the words (or an enhanced status code) telling permanent from temporary.
3. **A person's words** — the reply's own words (quoted text, the attribution line, the signature and
   unsubscribe-footer lines removed, so our own footer quoted back — "to unsubscribe click …" — neither
   counts as an opt-out nor hides one) and the subject are matched against the phrases: a privacy
   request (access, rectification, erasure), an opt-out. This runs before the automatic-reply check: an
   auto-responder saying "this address is closed, remove it from your list" is still an opt-out.
4. **Automatic reply** — RFC 3834 ``Auto-Submitted`` (anything but ``no``), ``X-Autoreply``,
   ``X-Autorespond``, ``Precedence: auto_reply/bulk/junk``, an out-of-office subject: ignored, counted.
5. **Other** — for a person to read.

Ambiguity resolves towards the opt-out (the rule of the issue "outreach loop": never leave an opt-out
unrecorded because a message was ambiguous): "not interested", a bare "No" count; an erasure request
also records an opt-out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "Classification",
    "DeliveryStatus",
    "Feedback",
    "InboundMessage",
    "ReplyKind",
    "ReplyPhrases",
    "classify",
    "normalise_text",
    "own_words",
]


class ReplyKind(StrEnum):
    OPT_OUT = "opt_out"
    PRIVACY_REQUEST = "privacy_request"
    HARD_BOUNCE = "hard_bounce"
    SOFT_BOUNCE = "soft_bounce"
    COMPLAINT = "complaint"
    AUTO_REPLY = "auto_reply"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """One per-recipient block of an RFC 3464 ``message/delivery-status`` part."""

    final_recipient: str | None
    original_recipient: str | None
    action: str | None
    status: str | None
    diagnostic: str | None = None

    @property
    def recipient(self) -> str | None:
        return self.original_recipient or self.final_recipient


@dataclass(frozen=True, slots=True)
class Feedback:
    """The machine-readable part of an ARF report (RFC 5965 ``message/feedback-report``)."""

    feedback_type: str
    original_rcpt_to: tuple[str, ...] = ()
    original_mail_from: str | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A received message as the classifier needs it; ``outreach.inbox.read_inbound`` builds it.

    ``headers`` maps lower-case field names to their values (decoded, unfolded). ``text`` is the body's
    text (the first ``text/plain`` part, else the ``text/html`` part as text), bounded in size; for a
    report, the human-readable part. ``original_*`` are the header fields of the message a report or a
    bounce returns (``message/rfc822`` or ``text/rfc822-headers``).
    """

    headers: Mapping[str, tuple[str, ...]]
    subject: str = ""
    text: str = ""
    sender: str | None = None
    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    report_type: str | None = None
    delivery: tuple[DeliveryStatus, ...] = ()
    feedback: Feedback | None = None
    original_to: tuple[str, ...] = ()
    original_from: tuple[str, ...] = ()
    original_message_id: str | None = None
    to: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this message answers or returns: what the send log is asked about."""
        ids = [*self.in_reply_to, *reversed(self.references)]
        if self.original_message_id:
            ids.insert(0, self.original_message_id)
        return tuple(dict.fromkeys(i for i in ids if i))


@dataclass(frozen=True, slots=True)
class Classification:
    kind: ReplyKind
    #: whom the effect concerns (addresses as found; the store normalises them)
    recipients: tuple[str, ...] = ()
    #: privacy requests: ``access`` / ``erasure`` / ``rectification`` (several may be asked at once)
    request_types: tuple[str, ...] = ()
    #: whether an opt-out is recorded (opt-outs, complaints, erasure requests, requests worded as opt-outs)
    opt_out: bool = False
    #: why: the phrase, header or status code that decided (no personal data)
    evidence: str = ""
    status: str | None = None


# --- normalising --------------------------------------------------------------------------------

#: letters NFKD does not take apart (Polish ł, Danish/Norwegian ø, æ, the German ß after casefold is ss)
_FOLD = str.maketrans({"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ħ": "h", "ı": "i", "þ": "th", "ð": "d"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_SPACE = re.compile(r"\s+")


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalise_text(text: str) -> str:
    """Case folded, accents removed, apostrophes unified, whitespace collapsed (as the phrases are)."""
    folded = text.casefold().translate(_APOSTROPHES)
    if not folded.isascii():
        folded = _COMBINING.sub("", unicodedata.normalize("NFKD", folded)).translate(_FOLD)
    return _SPACE.sub(" ", folded).strip()


_GAP = "\x00gap"
_SPACE_TOKEN = "\x00space"
_TOKEN_PATTERNS = {_GAP: r"(?:\W+\w+){0,4}?\W+", _SPACE_TOKEN: r"[\W_]+"}


def _tokens(phrase: str) -> list[str]:
    """A phrase as trie tokens: its characters, a space token, and the `` .. `` gap."""
    out: list[str] = []
    for n, piece in enumerate(phrase.split(" .. ")):
        if n:
            out.append(_GAP)
        out.extend(_SPACE_TOKEN if ch == " " else ch for ch in normalise_text(piece))
    return out


def _trie_pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    """A regular expression matching exactly the phrases of a trie, sharing their prefixes: Python's
    ``re`` tries the alternatives of a flat ``a|b|c`` one by one at every position, which over a
    bounce's text cost ~1 ms a message for the 250 opt-out phrases; a trie tries one branch per
    character."""
    ends = "" in node
    branches = [_TOKEN_PATTERNS.get(tok, re.escape(tok)) + _trie_pattern(sub) for tok, sub in node.items() if tok]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if ends else body


@lru_cache(maxsize=4096)
def _single(phrase: str) -> re.Pattern[str]:
    """One phrase on its own (``ReplyPhrases.phrase_of``)."""
    pattern = _compile([phrase])
    assert pattern is not None
    return re.compile(pattern.pattern.removeprefix(r"(?<!\w)").removesuffix(r"(?!\w)"))


def _compile(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for a list of phrases: words at boundaries, a space matching any run of spaces and
    punctuation, `` .. `` up to four words between."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for phrase in phrases:
        if not phrase.strip():
            continue
        node = trie
        for token in _tokens(phrase):
            node = node.setdefault(token, {})
        node[""] = {}
    if not trie:
        return None
    return re.compile(rf"(?<!\w)(?:{_trie_pattern(trie)})(?!\w)")


def _first(pattern: re.Pattern[str] | None, text: str) -> str | None:
    if pattern is None or not text:
        return None
    match = pattern.search(text)
    return match.group(0) if match else None


@dataclass(frozen=True)
class ReplyPhrases:
    """The phrase lists of ``rules/data/replies.toml``, compiled once (``rules.replies.reply_phrases``)."""

    opt_out: re.Pattern[str] | None
    opt_out_whole: frozenset[str]
    access: re.Pattern[str] | None
    erasure: re.Pattern[str] | None
    auto_subjects: re.Pattern[str] | None
    footer_links: re.Pattern[str] | None
    footer_sentences: re.Pattern[str] | None
    first_person: re.Pattern[str] | None
    separators: tuple[str, ...]
    signature_lines: tuple[str, ...]
    header_labels: tuple[str, ...]
    attribution_ends: tuple[str, ...]
    bounce_senders: frozenset[str]
    bounce_subjects: re.Pattern[str] | None
    bounce_hard: re.Pattern[str] | None
    bounce_soft: re.Pattern[str] | None
    complaint_types: frozenset[str] = field(default_factory=frozenset)
    complaint_subjects: re.Pattern[str] | None = None
    #: opt-out words that count as a sentence of their own in a longer reply ("… Stop.")
    opt_out_sentence: frozenset[str] = field(default_factory=frozenset)
    rectification: re.Pattern[str] | None = None
    #: the phrase lists themselves, by class (``phrase_of``)
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def phrase_of(self, kind: str, matched: str | None) -> str | None:
        """The listed phrase a match came from, as written in the data ("remove .. from .. list"):
        what is kept as evidence. The matched text itself may hold the person's own words (a gap of
        ``..`` matches any four), which are not kept."""
        if matched is None:
            return None
        for phrase in self.lists.get(kind, ()):
            if _single(phrase).fullmatch(matched):
                return phrase
        return "(listed phrase)"  # pragma: no cover - every match comes from one of the phrases

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> ReplyPhrases:
        """Compile the parsed TOML (shape checked by ``rules.replies``)."""

        def words(section: str, key: str | None = None) -> list[str]:
            node: object = data.get(section, {})
            if key is not None:
                node = node.get(key, {}) if isinstance(node, dict) else {}
            if isinstance(node, list):
                return [str(v) for v in node]
            if isinstance(node, dict):
                return [str(v) for values in node.values() if isinstance(values, list) for v in values]
            return []

        def listed(section: str, key: str) -> list[str]:
            node = data.get(section, {})
            values = node.get(key, []) if isinstance(node, dict) else []
            return [str(v) for v in values] if isinstance(values, list) else []

        return cls(
            opt_out=_compile(words("opt_out")),
            opt_out_whole=frozenset(_bare(w) for w in words("opt_out_whole")),
            access=_compile(words("privacy", "access")),
            erasure=_compile(words("privacy", "erasure")),
            auto_subjects=_compile(listed("auto_reply", "subjects")),
            footer_links=_compile(listed("footer", "link_words")),
            footer_sentences=_compile(listed("footer", "sentences")),
            first_person=_compile(listed("footer", "first_person")),
            separators=tuple(normalise_text(s) for s in listed("quote", "separators")),
            signature_lines=tuple(normalise_text(s) for s in listed("quote", "signature_lines")),
            header_labels=tuple(normalise_text(s) for s in listed("quote", "header_labels")),
            attribution_ends=tuple(normalise_text(s) for s in listed("quote", "attribution_ends")),
            bounce_senders=frozenset(normalise_text(s) for s in listed("bounce", "senders")),
            bounce_subjects=_compile(listed("bounce", "subjects")),
            bounce_hard=_compile(listed("bounce", "hard")),
            bounce_soft=_compile(listed("bounce", "soft")),
            complaint_types=frozenset(normalise_text(s) for s in listed("complaint", "feedback_types")),
            complaint_subjects=_compile(listed("complaint", "subjects")),
            opt_out_sentence=frozenset(_bare(w) for w in words("opt_out_sentence")),
            rectification=_compile(words("privacy", "rectification")),
            lists={
                "opt_out": tuple(words("opt_out")),
                "access": tuple(words("privacy", "access")),
                "erasure": tuple(words("privacy", "erasure")),
                "rectification": tuple(words("privacy", "rectification")),
            },
        )


_NOT_WORD = re.compile(r"[^\w']+")
#: where a sentence ends: its punctuation, or the end of a line
_SENTENCE = re.compile(r"[.!?;\n]+")


def _bare(text: str) -> str:
    """Normalised, punctuation removed: what a ``whole`` phrase is compared with."""
    return " ".join(_NOT_WORD.sub(" ", normalise_text(text)).split())


# --- the reply's own words ----------------------------------------------------------------------

_LINKISH = re.compile(r"(?:https?://|www\.|mailto:)\S*|\[\d+\]")
_SIGNATURE = re.compile(r"^(--|-- |__)\s*$")
_REPLY_PREFIX = re.compile(
    r"^\s*((re|aw|sv|vs|antw|antwort|r|ref|rif|odp|wg|fw|fwd|tr|rv|enc)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)


def own_words(text: str, phrases: ReplyPhrases) -> str:
    """The lines of ``text`` the replier wrote, normalised: quoted lines (``>``), everything after a
    separator ("-----Original Message-----", an Outlook header block) or a signature delimiter, the
    attribution line ("On … wrote:") and unsubscribe-footer lines removed.

    Quoted lines are dropped rather than cut at, so a reply written *below* the quote (bottom posting)
    or between quoted lines (inline) keeps its words. A footer line is one with an unsubscribe or
    privacy-notice word *and* a link or address, or in wording only a footer uses; a person's "please
    unsubscribe me" is neither and stays.
    """
    kept: list[str] = []
    lines = text.splitlines()
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if stripped.startswith(">"):
            continue
        if _SIGNATURE.match(raw.rstrip("\r")):
            break
        line = normalise_text(stripped)
        if not line:
            continue
        if line.startswith(phrases.separators + phrases.signature_lines):
            break
        if _quoted_header_block(lines, i, phrases.header_labels):
            break
        if line.endswith(phrases.attribution_ends) or _attribution_start(lines, i, phrases):
            continue
        if _is_footer(line, stripped, phrases):
            continue
        kept.append(line)
    return "\n".join(kept)


def _quoted_header_block(lines: Sequence[str], i: int, labels: tuple[str, ...]) -> bool:
    """Line ``i`` starts an Outlook-style block of the answered message's header fields ("From: …",
    "Sent: …" on the next lines): two labelled lines within three."""
    window = [normalise_text(line) for line in lines[i : i + 4]]
    if not window or not window[0].startswith(labels):
        return False
    return sum(1 for line in window if line.startswith(labels)) >= 2


def _attribution_start(lines: Sequence[str], i: int, phrases: ReplyPhrases) -> bool:
    """An attribution folded over two lines ("On Mon, 1 Dec 2026 at 10:00, Anna <a@b.c>" / "wrote:")."""
    if i + 1 >= len(lines):
        return False
    joined = normalise_text(lines[i] + " " + lines[i + 1])
    return joined.endswith(phrases.attribution_ends) and len(joined) < 200


def _is_footer(line: str, raw: str, phrases: ReplyPhrases) -> bool:
    """An unsubscribe-footer line (see ``[footer]`` in the phrases): impersonal, and footer wording or
    an unsubscribe word with a link."""
    if _first(phrases.first_person, _LINKISH.sub(" ", line)):
        return False
    if _first(phrases.footer_sentences, line):
        return True
    return bool(_LINKISH.search(raw)) and _first(phrases.footer_links, line) is not None


# --- classification -----------------------------------------------------------------------------

_ENHANCED = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
#: an SMTP reply code at the start of a server's answer ("550 5.1.1 …", "550-", "said: 554 …")
_SMTP_CODE = re.compile(r"(?:^|said:|\(|\s)([45][0-5]\d)(?:[ -](?=\S))", re.MULTILINE)
#: where a plain bounce's notice ends and the returned message (whose addresses are not the bounced ones) begins
_RETURNED = re.compile(
    r"^.*(?:original message|returned message|message follows|below this line|undelivered message|"
    r"^received: |^return-path: |^message-id: ).*$",
    re.IGNORECASE | re.MULTILINE,
)
#: where the returned message's own header starts (its trace fields), in a bounce quoting it inline
_RETURNED_HEADER = re.compile(r"^(?:received|return-path): ", re.IGNORECASE | re.MULTILINE)
#: how much of a bounce's text is read for its words and codes (the notice comes first; the rest is
#: the returned message)
_BOUNCE_TEXT = 12_000
#: a plain bounce naming more addresses than this in its notice lists more than the failed ones
_MAX_BOUNCED = 8
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _auto_header(message: InboundMessage) -> str | None:
    auto = message.header("auto-submitted")
    if auto is not None and auto.split(";")[0].strip().lower() != "no":
        return f"Auto-Submitted: {auto.split(';')[0].strip()}"
    for name in ("x-autoreply", "x-autorespond", "x-autogenerated"):
        value = message.header(name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return f"{name}: {value.strip()[:40]}"
    precedence = (message.header("precedence") or "").strip().lower()
    if precedence in ("auto_reply", "bulk", "junk"):
        return f"Precedence: {precedence}"
    if (message.header("x-auto-response-suppress") or "").strip().lower() in ("all", "oof"):
        return "X-Auto-Response-Suppress"
    return None


def _local_part(address: str | None) -> str:
    return normalise_text(address.rsplit("@", 1)[0]) if address and "@" in address else ""


def _complaint(message: InboundMessage, phrases: ReplyPhrases) -> Classification | None:
    report = message.feedback
    if report is None:
        subject = _first(phrases.complaint_subjects, normalise_text(message.subject))
        if subject is not None and (message.original_to or message.original_message_id):
            return Classification(
                ReplyKind.COMPLAINT, message.original_to, opt_out=True, evidence=f"subject: {subject}"
            )
        return None
    kind = normalise_text(report.feedback_type)
    recipients = report.original_rcpt_to or message.original_to
    if kind in phrases.complaint_types:
        return Classification(
            ReplyKind.COMPLAINT, recipients, opt_out=True, evidence=f"Feedback-Type: {report.feedback_type}"
        )
    return Classification(ReplyKind.OTHER, recipients, evidence=f"Feedback-Type: {report.feedback_type}")


def _dsn(message: InboundMessage) -> Classification | None:
    if not message.delivery:
        return None
    hard: list[str] = []
    soft: list[str] = []
    codes: list[str] = []
    for block in message.delivery:
        action = (block.action or "").strip().lower()
        status = (block.status or "").strip()
        code = _ENHANCED.search(status)
        klass = code.group(1) if code else status[:1] if status[:3].isdigit() else ""
        action = "failed" if action.startswith("fail") else action
        if action in ("delivered", "relayed", "expanded"):
            continue
        who = block.recipient
        if klass == "5" or (not klass and action == "failed"):
            hard.append(who or "")
            codes.append(code.group(0) if code else (status or action))
        elif klass == "4" or action in ("delayed", "failed"):
            soft.append(who or "")
            codes.append(code.group(0) if code else (status or action))
    if hard:
        recipients = tuple(dict.fromkeys(r for r in hard if r)) or message.original_to
        return Classification(ReplyKind.HARD_BOUNCE, recipients, evidence="delivery status", status=codes[0])
    if soft:
        recipients = tuple(dict.fromkeys(r for r in soft if r)) or message.original_to
        return Classification(ReplyKind.SOFT_BOUNCE, recipients, evidence="delivery status", status=codes[0])
    return Classification(ReplyKind.AUTO_REPLY, evidence="delivery status: delivered")


def _looks_like_bounce(message: InboundMessage, phrases: ReplyPhrases) -> str | None:
    local = _local_part(message.sender)
    if local and any(local == s or local.startswith(s + "+") for s in phrases.bounce_senders):
        return f"sender {local}"
    if message.report_type == "delivery-status":
        # an RFC 3464 report whose per-recipient fields are missing (``_dsn`` found none): a mail
        # server's report all the same, its words say the rest
        return "a delivery-status report without recipients"
    subject = _first(phrases.bounce_subjects, normalise_text(_REPLY_PREFIX.sub("", message.subject)))
    if subject is None:
        return None
    answers = bool(message.in_reply_to or message.references)
    if answers and message.subject.lstrip().lower().startswith(("re:", "aw:", "sv:")):
        # "Re: Undeliverable …" answering a message is a person's; a mail server that prefixes "RE:" to
        # the subject it returns ("RE: … : non remis (delivery failed)") answers nothing
        return None
    # a bounce subject alone could be a person's ("Returned mail?"); a mail server also says why
    text = normalise_text(message.text[:_BOUNCE_TEXT])
    said = _first(phrases.bounce_hard, text) or _first(phrases.bounce_soft, text) or _ENHANCED.search(text)
    if said is None and message.in_reply_to and _auto_header(message) is None:
        return None
    return f"subject: {subject}"


def _plain_bounce(message: InboundMessage, phrases: ReplyPhrases) -> Classification | None:
    cue = _looks_like_bounce(message, phrases)
    if cue is None:
        return None
    ours = {a.lower() for a in (*message.original_from, *message.to, message.sender or "")}
    returned = _RETURNED.search(message.text)
    notice = message.text[: returned.end()] if returned else message.text
    found = [a.strip("'.").lower() for a in _ADDRESS.findall(notice)]
    candidates = [
        a
        for a in dict.fromkeys(found)
        if a not in ours and _local_part(a) not in phrases.bounce_senders and not a.startswith("noreply")
    ]
    recipients = tuple(candidates[:_MAX_BOUNCED]) or message.original_to
    # the words above the returned message's header only: the message below may say anything ("a
    # temporary condition" in a returned digest does not make a permanent failure temporary)
    header = _RETURNED_HEADER.search(message.text)
    said = normalise_text(f"{message.subject}\n{message.text[: header.start() if header else None][:_BOUNCE_TEXT]}")
    kind, status = _failure_class(message.text[:_BOUNCE_TEXT], said, phrases)
    evidence = cue if status is not None else f"{cue}; {kind[1]}"
    return Classification(kind[0], recipients, evidence=evidence, status=status)


def _failure_class(raw: str, text: str, phrases: ReplyPhrases) -> tuple[tuple[ReplyKind, str], str | None]:
    """Permanent or temporary, from a bounce's words: an enhanced status code (RFC 3463; 5 before 4),
    else an SMTP reply code (5yz permanent, 4yz transient), else the words; undecided is soft."""
    codes = [m.group(0) for m in _ENHANCED.finditer(raw) if m.group(1) in ("4", "5")]
    for klass, kind in (("5", ReplyKind.HARD_BOUNCE), ("4", ReplyKind.SOFT_BOUNCE)):
        found = next((c for c in codes if c.startswith(klass)), None)
        if found is not None:
            return (kind, "status"), found
    smtp = [m.group(1) for m in _SMTP_CODE.finditer(raw)]
    for klass, kind in (("5", ReplyKind.HARD_BOUNCE), ("4", ReplyKind.SOFT_BOUNCE)):
        found = next((c for c in smtp if c.startswith(klass)), None)
        if found is not None:
            return (kind, "reply code"), found
    hard_words = _first(phrases.bounce_hard, text)
    soft_words = _first(phrases.bounce_soft, text)
    if hard_words is not None and soft_words is None:
        return (ReplyKind.HARD_BOUNCE, hard_words), None
    if soft_words is not None:
        return (ReplyKind.SOFT_BOUNCE, soft_words), None
    return (ReplyKind.HARD_BOUNCE, hard_words or "a failure report without a code"), None


def _people(message: InboundMessage) -> tuple[str, ...]:
    return (message.sender,) if message.sender else ()


def _words(message: InboundMessage, phrases: ReplyPhrases) -> Classification | None:
    body = own_words(message.text, phrases)
    subject = normalise_text(_REPLY_PREFIX.sub("", message.subject))
    erasure = phrases.phrase_of("erasure", _first(phrases.erasure, body) or _first(phrases.erasure, subject))
    access = phrases.phrase_of("access", _first(phrases.access, body) or _first(phrases.access, subject))
    rectification = phrases.phrase_of(
        "rectification", _first(phrases.rectification, body) or _first(phrases.rectification, subject)
    )
    opt_out = phrases.phrase_of("opt_out", _first(phrases.opt_out, body) or _first(phrases.opt_out, subject))
    if opt_out is None:
        opt_out = _whole(body, subject, phrases)
    if erasure or access or rectification:
        hits = (("access", access), ("erasure", erasure), ("rectification", rectification))
        types = tuple(t for t, hit in hits if hit)
        evidence = "; ".join(h for h in (access, erasure, rectification, opt_out) if h)
        return Classification(
            ReplyKind.PRIVACY_REQUEST,
            _people(message),
            request_types=types,
            opt_out=bool(erasure or opt_out),
            evidence=evidence,
        )
    if opt_out:
        return Classification(ReplyKind.OPT_OUT, _people(message), opt_out=True, evidence=opt_out)
    return None


def _whole(body: str, subject: str, phrases: ReplyPhrases) -> str | None:
    """A reply that *is* an opt-out word ("STOP", "No."): the whole of its own words, or their first
    line when there are at most three ("No.\nThanks, Pat"), or — with no words at all — the subject;
    or a sentence of its own that is one of the stronger words ("This is my third email from you.
    Stop."), which "No." is not ("No. Tuesday suits us better.")."""
    lines = [line for line in body.splitlines() if line.strip()]
    candidates = [_bare(body)]
    if 1 < len(lines) <= 3:
        candidates.append(_bare(lines[0]))
    if not lines:
        candidates.append(_bare(subject))
    found = next((c for c in candidates if c and c in phrases.opt_out_whole), None)
    if found is None and phrases.opt_out_sentence:
        sentences = (_bare(s) for s in _SENTENCE.split(body))
        found = next((s for s in sentences if s and s in phrases.opt_out_sentence), None)
    return found


def classify(message: InboundMessage, phrases: ReplyPhrases) -> Classification:
    """The class of ``message`` (see the module docstring for the order and why)."""
    found = _complaint(message, phrases) or _dsn(message) or _plain_bounce(message, phrases)
    if found is not None:
        return found
    said = _words(message, phrases)
    if said is not None:
        return said
    auto = _auto_header(message)
    if auto is None:
        subject = _first(phrases.auto_subjects, normalise_text(message.subject))
        auto = f"subject: {subject}" if subject else None
    if auto is not None:
        return Classification(ReplyKind.AUTO_REPLY, _people(message), evidence=auto)
    return Classification(ReplyKind.OTHER, _people(message), evidence="no rule matched")
