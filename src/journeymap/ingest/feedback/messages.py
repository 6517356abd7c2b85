"""One e-mail -> one feedback item, an agent message to skip, or a reject with its reason.

Parsed with the standard library (``email.policy.default``). What is read, and how:

- **sender**: the From address; without one, the mbox envelope sender (noted). None at all
  is a reject: without a sender we can tell neither the customer nor an agent.
- **time**: the Date header; without a usable one, the mbox envelope date (noted). None at
  all is a reject.
- **text**: the ``text/plain`` part, else the HTML part as text (:func:`html_to_text`);
  attachments are ignored. Bytes are decoded with the declared charset; an unknown charset
  is read as UTF-8, bytes that do not fit are replaced, and either is noted. When more than
  5 % of the characters had to be replaced the text is unreadable and rejected. Then
  quoted replies and signatures are cut (:func:`own_words`).
- **truncation**: a multipart message without its closing boundary, or a text part whose
  base64 is cut, is rejected rather than imported half.
- **ids**: ``feedback_id`` is the Message-ID (a content hash without one); ``thread_id``
  the first of References, else In-Reply-To, else the Message-ID: a thread's root.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email
import email.errors
import email.policy
import email.utils
import functools
import hashlib
from dataclasses import dataclass
from email.message import EmailMessage, Message
from typing import Any, Final

from journeymap.ingest.feedback.cleaning import html_to_text, own_words
from journeymap.ingest.feedback.mailboxes import RawMessage, envelope_date, envelope_sender
from journeymap.ingest.rejects import Reject, RejectKind
from journeymap.model.canonical import TEXT, TS

MAX_REPLACED_SHARE: Final = 0.05
"""Above this share of replaced characters a text is unreadable, not just a little broken."""
_TRUNCATION: Final[dict[type[email.errors.MessageDefect], str]] = {
    email.errors.CloseBoundaryNotFoundDefect: "its closing MIME boundary is missing",
    email.errors.StartBoundaryNotFoundDefect: "its MIME boundary never starts",
    email.errors.InvalidBase64PaddingDefect: "a base64 part is cut short",
    email.errors.InvalidBase64LengthDefect: "a base64 part is cut short",
}
_ENVELOPE_MISSING: Final = ", and no {} on the mbox separator line either"
_FREE_MAIL: Final = frozenset(
    {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
     "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "t-online.de",
     "orange.fr", "free.fr", "laposte.net", "ziggo.nl", "kpnmail.nl", "eircom.net"}
)  # fmt: skip
"""Public mail domains: an inferred company address there stands for itself, not its domain."""


@dataclass(frozen=True)
class MailItem:
    """A customer's message, ready to become a feedback row."""

    feedback_id: str
    sender: str
    ts: dt.datetime
    subject: str | None
    text: str
    thread_id: str
    notes: tuple[str, ...]


class AgentMessage:
    """A message from the company itself: counted and skipped, never imported."""


AGENT: Final = AgentMessage()


class _MemoisedPolicy(email.policy.EmailPolicy):
    """``email.policy.default``, with parsed header values memoised.

    The default policy parses a header again on every access, and the MIME machinery asks
    for Content-Type a dozen times per message: three quarters of the parsing time. Parsed
    headers are immutable, so the same (name, value) can share one parsed object.
    """

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name"):
            return value
        return _parsed_header(name, value.replace("\r", "").replace("\n", ""))


_POLICY: Final = _MemoisedPolicy()


@functools.lru_cache(maxsize=4096)
def _parsed_header(name: str, value: str) -> Any:
    return _POLICY.header_factory(name, value)


class _RejectedError(Exception):
    def __init__(self, column: str | None, kind: RejectKind, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.kind = kind
        self.message = message


def company_matcher(addresses: tuple[str, ...], inferred: str | None) -> frozenset[str]:
    """The addresses and ``@domains`` whose mail is the company's own.

    Given ones are used as they are; an inferred support address also covers its domain
    (``@northwind-home.example.com``), except on public mail domains.
    """
    if addresses:
        return frozenset(addresses)
    if inferred is None:
        return frozenset()
    domain = inferred.rsplit("@", 1)[-1]
    return frozenset({inferred} if domain in _FREE_MAIL else {inferred, "@" + domain})


def read_message(raw: RawMessage, company: frozenset[str]) -> MailItem | AgentMessage | Reject:
    """The feedback item of one message (see the module docstring)."""
    try:
        message = email.message_from_bytes(raw.data, policy=_POLICY)
        assert isinstance(message, EmailMessage)
        return _item(raw, message, company)
    except _RejectedError as problem:
        where = f"message {raw.number}" + (f" at byte {raw.offset}" if raw.offset else "")
        return Reject(
            raw.file,
            raw.number,
            problem.column,
            problem.kind,
            f"{where}: {problem.message}",
            _excerpt(raw.data),
        )


def _item(
    raw: RawMessage, message: EmailMessage, company: frozenset[str]
) -> MailItem | AgentMessage:
    notes: list[str] = []
    sender = _sender(raw, message, notes)
    if sender in company or "@" + sender.rsplit("@", 1)[-1] in company:
        return AGENT
    when = _time(raw, message, notes)
    _check_complete(message)
    text = own_words(_body(message, notes))
    subject = _header(message, "Subject")
    if not text:
        raise _RejectedError(
            TEXT,
            RejectKind.MISSING_TEXT,
            "no words of the customer's own once quoted replies and the signature are cut",
        )
    message_id = (_header(message, "Message-ID") or "").strip().strip("<>") or None
    if message_id is None:
        digest = hashlib.sha256(f"{sender}\x1f{when.isoformat()}\x1f{subject}\x1f{text}".encode())
        message_id = "mail-" + digest.hexdigest()[:32]
    return MailItem(
        feedback_id=message_id,
        sender=sender,
        ts=when,
        subject=subject.strip() if subject else None,
        text=text,
        thread_id=_thread(message) or message_id,
        notes=tuple(notes),
    )


def _header(message: Message, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, IndexError, LookupError, email.errors.HeaderParseError):
        return None
    return None if value is None else str(value)


def _sender(raw: RawMessage, message: EmailMessage, notes: list[str]) -> str:
    value = _header(message, "From")
    address = email.utils.parseaddr(value)[1].strip().lower() if value else ""
    if "@" in address:
        return address
    recovered = envelope_sender(raw.envelope)
    if recovered is None:
        what = "no From header" if not value else f"From {value!r} holds no address"
        raise _RejectedError(
            "From",
            RejectKind.MALFORMED_MESSAGE,
            what + _ENVELOPE_MISSING.format("sender") if raw.envelope is not None else what,
        )
    notes.append("sender from the mbox separator line")
    return recovered


def _time(raw: RawMessage, message: EmailMessage, notes: list[str]) -> dt.datetime:
    value = _header(message, "Date")
    parsed = _parse_date(value) if value else None
    if parsed is not None:
        return parsed
    recovered = envelope_date(raw.envelope)
    fallback = _parse_asctime(recovered) if recovered else None
    if fallback is None:
        kind = RejectKind.BAD_TIMESTAMP if value else RejectKind.MISSING_TIMESTAMP
        what = f"Date {value!r} is not a date" if value else "no Date header"
        raise _RejectedError(
            TS, kind, what + (_ENVELOPE_MISSING.format("date") if raw.envelope is not None else "")
        )
    notes.append("time from the mbox separator line")
    return fallback


def _parse_date(value: str) -> dt.datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC with no local zone known (RFC 5322)
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _parse_asctime(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(" ".join(value.split()), "%a %b %d %H:%M:%S %Y").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        return None


def _check_complete(message: EmailMessage) -> None:
    for part in message.walk():
        for defect in part.defects:
            problem = _TRUNCATION.get(type(defect))
            if problem is not None:
                raise _RejectedError(
                    None, RejectKind.MALFORMED_MESSAGE, f"truncated message: {problem}"
                )
            if isinstance(defect, email.errors.MissingHeaderBodySeparatorDefect) and not (
                message.get_payload()
            ):
                raise _RejectedError(
                    None,
                    RejectKind.MALFORMED_MESSAGE,
                    "the message ends inside its headers (truncated?)",
                )


def _body(message: EmailMessage, notes: list[str]) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        kinds = sorted({p.get_content_type() for p in message.walk() if not p.is_multipart()})
        raise _RejectedError(
            TEXT,
            RejectKind.MISSING_TEXT,
            f"no text part to read (only {', '.join(kinds) or 'an empty body'})",
        )
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text = _decode(data, part.get_content_charset(), notes)
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _decode(data: bytes, charset: str | None, notes: list[str]) -> str:
    declared = charset or "us-ascii"
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        text = data.decode("utf-8", errors="replace")
        notes.append(f"unknown charset {declared!r}, read as UTF-8")
    else:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = _lenient(data, codec, declared, notes)
    replaced = text.count("\ufffd")
    if replaced and replaced > MAX_REPLACED_SHARE * max(len(text), 1):
        raise _RejectedError(
            TEXT,
            RejectKind.UNDECODABLE,
            f"the text is not readable as {declared} ({replaced} of {len(text)} characters "
            "could not be decoded)",
        )
    return text


def _lenient(data: bytes, codec: str, declared: str, notes: list[str]) -> str:
    """Bytes that do not fit the declared charset: UTF-8 if they are that, else replaced."""
    if codec != "utf-8":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            notes.append(f"declared {declared} but written in UTF-8")
            return text
    notes.append(f"bytes that are not {declared} were replaced")
    return data.decode(codec, errors="replace")


def _thread(message: EmailMessage) -> str | None:
    for name in ("References", "In-Reply-To"):
        value = _header(message, name)
        if value:
            first = value.split()[0].strip().strip("<>") if value.split() else ""
            if first:
                return first
    return None


def _excerpt(data: bytes) -> str:
    """The start of the raw message for the rejects file (headers are what identify it)."""
    return data[:300].decode("utf-8", errors="backslashreplace")
