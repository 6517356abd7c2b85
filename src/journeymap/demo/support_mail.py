"""Support e-mail threads as real RFC 822 messages, built with the stdlib ``email`` package.

Every ``support_email`` event of the log opens a thread: the customer's message (about
their real order, product and dates), often an agent's reply a few hours later, and
sometimes the customer's answer quoting it. Some clients add an HTML alternative, some
older ones send Latin-9 or Windows-1252, names carry accents. We build with the
``compat32`` classes (``MIMEText``): for these simple shapes they write the same RFC 822
text as ``EmailMessage``, about three times faster.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime, formataddr

import numpy as np

from journeymap.demo import mail_templates as t
from journeymap.demo.catalogue import (
    CARRIERS,
    CHANNELS,
    COUNTRIES,
    PRODUCTS,
    REASONS,
    STORE_DOMAIN,
    STORE_NAME,
    SUPPORT_ADDRESS,
)
from journeymap.demo.labels import FeedbackLabel, mail_id, mail_label
from journeymap.demo.personas import PERSONA_IDS
from journeymap.demo.records import SupportCases
from journeymap.demo.sampling import Floats
from journeymap.demo.simulate import ChunkResult
from journeymap.demo.tables import IdFormat
from journeymap.demo.timeline import DAY, HOUR, Timeline

REPLY_SHARE = 0.6
FOLLOW_UP_SHARE = 0.25
CUSTOMER_HTML_SHARE = 0.35
FORMAL_SHARE = {"retiree": 0.8, "busy-parent": 0.2, "bargain-hunter": 0.1}
_CONTINENTAL = frozenset({"DE", "NL", "FR"})
_CARE = (f"{STORE_NAME} Care", SUPPORT_ADDRESS)
_DRAWS = 16


@dataclass(frozen=True)
class MailItem:
    """One message of a thread, with its customer number and time for ordering the mbox.

    ``label`` is the truth about a customer's message (none for the care team's replies).
    """

    customer: int
    seconds: float
    message: Message
    label: FeedbackLabel | None = None


@dataclass(frozen=True)
class _Case:
    """One support case, ready to fill template slots."""

    slots: dict[str, str]
    first_name: str
    full_name: str
    email: str
    country: str
    number: int
    reason: str
    formal: bool

    @property
    def customer(self) -> tuple[str, str]:
        return (self.full_name, self.email)

    @property
    def mail_domain(self) -> str:
        return "mail." + self.email.rsplit("@", 1)[1]


def support_threads(
    result: ChunkResult, timeline: Timeline, ids: IdFormat, rng: np.random.Generator
) -> list[MailItem]:
    """Every e-mail thread of the chunk, messages before the window's end, by customer and time."""
    cases = result.cases.select(result.cases.channel == CHANNELS["email"])
    draws = rng.random((len(cases), _DRAWS))
    items: list[MailItem] = []
    for row in range(len(cases)):
        case = _case(result, cases, row, timeline, ids, draws[row])
        items.extend(_thread(case, float(cases.seconds[row]), draws[row], timeline))
    items.sort(key=lambda item: (item.customer, item.seconds))
    return items


def _pick(options: tuple[str, ...], draw: float) -> str:
    return options[min(int(draw * len(options)), len(options) - 1)]


def _case(
    result: ChunkResult,
    cases: SupportCases,
    row: int,
    timeline: Timeline,
    ids: IdFormat,
    draw: Floats,
) -> _Case:
    people = result.people
    customer = int(cases.customer[row])
    number = people.first_number + customer
    country = COUNTRIES.values[int(people.country[customer])]
    order, product = int(cases.order[row]), int(cases.product[row])
    promised, carrier = int(cases.promised[row]), int(cases.carrier[row])
    amount = float(cases.amount[row])
    name = PRODUCTS.values[product] if product >= 0 else "order"
    first, last = people.first_name[customer], people.last_name[customer]
    slots = {
        "order": ids.order_text(number, order % 100) if order >= 0 else "",
        "product": name,
        "item": name[0].lower() + name[1:],
        "promised": _date_text(timeline.date(promised), country) if promised >= 0 else "",
        "carrier": CARRIERS.values[carrier] if carrier >= 0 else "the courier",
        "amount": _money(amount, country) if np.isfinite(amount) else "the money",
        "voucher": _money(5.0, country).replace(".00", "").replace(",00", ""),
        "full_name": f"{first} {last}",
        "phone": f"07700 900{number % 1000:03d}",
    }
    persona = PERSONA_IDS[int(people.persona[customer])]
    return _Case(
        slots=slots,
        first_name=first,
        full_name=f"{first} {last}",
        email=people.email[customer],
        country=country,
        number=number,
        reason=REASONS.values[int(cases.reason[row])],
        formal=bool(draw[0] < FORMAL_SHARE[persona]),
    )


def _thread(case: _Case, seconds: float, draw: Floats, timeline: Timeline) -> list[MailItem]:
    """The customer's message, maybe the agent's reply, maybe the customer's answer to it."""
    subject, text = _customer_text(case, draw)
    reason_code = REASONS[case.reason]
    first_id = f"<{case.number}.{int(seconds)}.{reason_code}@{case.mail_domain}>"
    with_html = bool(draw[5] < CUSTOMER_HTML_SHARE)
    first = _message(
        case.customer,
        _CARE,
        subject,
        timeline.moment(seconds),
        first_id,
        text,
        with_html=with_html,
        charset=_customer_charset(text, case.country, draw[6]),
        country=case.country,
    )
    label = mail_label(first_id, reason=case.reason, text=text)
    items = [MailItem(case.number, seconds, first, label)]

    reply_at = _care_hours(seconds + 2 * HOUR + draw[7] * 28 * HOUR, draw[7])
    if draw[8] >= REPLY_SHARE or reply_at >= timeline.end:
        return items
    answer = _pick(t.REPLIES[case.reason], draw[10]).format(**case.slots)
    signature = t.AGENT_SIGNATURE.format(agent=_pick(t.AGENTS, draw[9]))
    reply = f"Hi {case.first_name},\n\n{answer}\n\n{signature}\n"
    if draw[11] < 0.5:
        reply += "\n" + _quote(text, case.customer, timeline.moment(seconds))
    reply_id = f"<reply.{case.number}.{int(seconds)}.{reason_code}@{STORE_DOMAIN}>"
    agent_message = _message(
        _CARE,
        case.customer,
        f"Re: {subject}",
        timeline.moment(reply_at),
        reply_id,
        reply,
        with_html=True,
        charset="utf-8",
        country="GB",
        in_reply_to=first_id,
    )
    items.append(MailItem(case.number, reply_at, agent_message))

    follow_at = reply_at + 3 * HOUR + draw[12] * 3 * DAY
    if draw[13] >= FOLLOW_UP_SHARE or follow_at >= timeline.end:
        return items
    unhappy = case.reason in t.UNHAPPY_REASONS and draw[14] < 0.6
    words = _pick(t.FOLLOW_UPS_BAD if unhappy else t.FOLLOW_UPS_GOOD, draw[15])
    follow = f"{words}\n\n{case.first_name}\n\n{_quote(reply, _CARE, timeline.moment(reply_at))}"
    follow_id = f"<{case.number}.{int(follow_at)}.f@{case.mail_domain}>"
    follow_message = _message(
        case.customer,
        _CARE,
        f"Re: {subject}",
        timeline.moment(follow_at),
        follow_id,
        follow,
        with_html=with_html,
        charset=_customer_charset(follow, case.country, draw[6]),
        country=case.country,
        in_reply_to=reply_id,
        references=f"{first_id} {reply_id}",
    )
    sign = -1 if unhappy else 1
    follow_label = FeedbackLabel(mail_id(follow_id), "email", label.touchpoint, sign)
    items.append(MailItem(case.number, follow_at, follow_message, follow_label))
    return items


def _care_hours(seconds: float, draw: float) -> float:
    """The care team answers between 8:00 and 20:00; later mail waits for the next morning."""
    day, hour = divmod(seconds, DAY)
    if hour < 8 * HOUR:
        return day * DAY + 8 * HOUR + draw * 2 * HOUR
    if hour >= 20 * HOUR:
        return (day + 1) * DAY + 8 * HOUR + draw * 2 * HOUR
    return seconds


def _customer_text(case: _Case, draw: Floats) -> tuple[str, str]:
    foreign = t.FOREIGN.get((case.country, case.reason))
    if foreign is not None and draw[1] < t.FOREIGN_SHARE:
        subject, body = foreign
        greeting = t.FOREIGN_GREETING[case.country]
        closing = t.FOREIGN_CLOSING[case.country]
        text = f"{greeting}\n\n{body.format(**case.slots)}\n\n{closing}\n{case.full_name}\n"
        return subject.format(**case.slots), text
    tone = "formal" if case.formal else "informal"
    subject = _pick(t.SUBJECTS[case.reason], draw[2]).format(**case.slots)
    body = _pick(t.BODIES[case.reason], draw[3]).format(**case.slots)
    opener = _pick(t.OPENERS[tone], draw[4])
    closer = _pick(t.CLOSERS[tone], draw[1])
    name = case.full_name if case.formal else case.first_name
    sign_off = _pick(t.SIGN_OFFS, draw[14]).format(**case.slots)
    parts = [opener, body, f"{closer}\n{name}", sign_off]
    return subject, "\n\n".join(part for part in parts if part) + "\n"


def _quote(text: str, author: tuple[str, str], when: dt.datetime) -> str:
    """The quoted previous message, the way mail clients put it under a reply."""
    day = f"{t.WEEKDAYS[when.weekday()][:3]}, {when.day} {t.MONTHS[when.month - 1][:3]} {when.year}"
    header = f"On {day} at {when:%H:%M}, {author[0]} <{author[1]}> wrote:"
    lines = [f"> {line}" if line else ">" for line in text.rstrip("\n").split("\n")]
    return header + "\n" + "\n".join(lines) + "\n"


def _customer_charset(text: str, country: str, draw: float) -> str:
    """Most mail is UTF-8; some older clients still send Latin-9 or Windows-1252."""
    if text.isascii():
        return "us-ascii"
    legacy, share = ("iso-8859-15", 0.4) if country in _CONTINENTAL else ("windows-1252", 0.1)
    if draw < share:
        try:
            text.encode(legacy)
        except UnicodeEncodeError:
            return "utf-8"
        return legacy
    return "utf-8"


class _PlainHeaders(Compat32):
    """``compat32`` that writes short ASCII header values as they are.

    Every value we set is ASCII already (non-ASCII names and subjects are RFC 2047
    encoded when set), and mailbox writes without folding, so running each header through
    :class:`email.header.Header` again changes nothing; skipping it halves the time an
    mbox of a hundred thousand messages takes.
    """

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if isinstance(value, str) and value.isascii() and "\n" not in value:
            return f"{name}: {value}{self.linesep}"
        result: str = super()._fold(name, value, sanitize)  # type: ignore[misc]
        return result


_POLICY = _PlainHeaders()
_CHARSETS: dict[str, Charset] = {}


def _charset(name: str) -> Charset:
    """Quoted-printable bodies, so non-ASCII mail stays readable in the raw mbox."""
    if name not in _CHARSETS:
        charset = Charset(name)
        if name != "us-ascii":
            charset.body_encoding = QP
        _CHARSETS[name] = charset
    return _CHARSETS[name]


def _html(text: str) -> str:
    """A webmail-style HTML alternative of a plain-text body, quotes as blockquotes."""
    blocks = []
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        if lines[-1].startswith(">"):
            quoted = "<br>".join(html.escape(line.lstrip("> ")) for line in lines)
            style = "margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex"
            blocks.append(f'<blockquote style="{style}">{quoted}</blockquote>')
        else:
            blocks.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
    return '<div dir="ltr">' + "".join(blocks) + "</div>\n"


def _message(
    sender: tuple[str, str],
    recipient: tuple[str, str],
    subject: str,
    when: dt.datetime,
    message_id: str,
    text: str,
    *,
    with_html: bool,
    charset: str,
    country: str,
    in_reply_to: str | None = None,
    references: str | None = None,
) -> Message:
    """One message; headers come first, as mail clients write them, then the MIME headers."""
    body: Message
    if with_html:
        boundary = "==nw-" + message_id.strip("<>").replace("@", "-") + "=="
        body = MIMEMultipart("alternative", boundary=boundary, policy=_POLICY)
        body.attach(MIMEText(text, "plain", _charset(charset), policy=_POLICY))  # type: ignore[arg-type]
        body.attach(MIMEText(_html(text), "html", _charset(charset), policy=_POLICY))  # type: ignore[arg-type]
    else:
        body = MIMEText(text, "plain", _charset(charset), policy=_POLICY)  # type: ignore[arg-type]
    mime_headers = list(body.items())
    for key, _ in mime_headers:
        del body[key]
    body["From"] = formataddr(sender, charset="utf-8")
    body["To"] = formataddr(recipient, charset="utf-8")
    body["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    offset = dt.timezone(dt.timedelta(hours=1 if country in _CONTINENTAL else 0))
    body["Date"] = format_datetime(when.astimezone(offset))
    body["Message-ID"] = message_id
    if in_reply_to is not None:
        body["In-Reply-To"] = in_reply_to
        body["References"] = references or in_reply_to
    for key, value in mime_headers:
        body[key] = value
    body.set_unixfrom(f"From {sender[1]} {time.asctime(when.utctimetuple())}")
    return body


def _date_text(day: dt.date, country: str) -> str:
    if country == "DE":
        return f"{day:%d.%m.%Y}"
    if country == "FR":
        return f"{day:%d/%m/%Y}"
    return f"{t.WEEKDAYS[day.weekday()]} {day.day} {t.MONTHS[day.month - 1]}"


def _money(amount: float, country: str) -> str:
    if country == "GB":
        return f"£{amount:,.2f}"
    if country == "IE":
        return f"€{amount:,.2f}"
    return f"{amount:,.2f} €".replace(",", " ").replace(".", ",")
