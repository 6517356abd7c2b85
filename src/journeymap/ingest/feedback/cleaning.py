"""The customer's own words out of an e-mail body: quoted replies and signatures cut away.

Mail clients put the message being answered under the reply; counting it again would
count every complaint twice and put the agent's words in the customer's mouth. Cut, in
this order, line by line:

- everything from an attribution line on (``On Mon, 21 Apr 2025 ... wrote:``, over one or
  two lines, and its German, French, Dutch, Spanish and Italian forms);
- everything from a forwarded or original-message marker on (``-----Original
  Message-----``, ``---------- Forwarded message ---------``, ``Begin forwarded
  message:``, Outlook's ``From: ... Sent: ...`` block);
- everything from the signature delimiter on (a line ``-- ``, RFC 3676; also a bare ``--``);
- lines quoted with ``>`` (inline replies keep the customer's lines in between);
- device lines such as ``Sent from my iPhone`` or ``Get Outlook for Android``.

Sign-offs (``Thanks``, ``Kind regards, Priya``) are the customer's words and stay. HTML
bodies are turned into text first, leaving out ``<blockquote>`` and the quote containers
of Gmail and Outlook, which is how HTML mail quotes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Final

_ATTRIBUTION: Final = re.compile(
    r"^\s*(on|am|le|op|el|il)\b.{0,400}?"
    r"\b(wrote|schrieb|écrit|schreef|escribió|scritto)\b.{0,200}?:\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START: Final = re.compile(r"^\s*(on|am|le|op|el|il)\s+\S", re.IGNORECASE)
_ATTRIBUTION_END: Final = re.compile(
    r"\b(wrote|schrieb|écrit|schreef|escribió|scritto)\b.{0,200}?:\s*$", re.IGNORECASE
)
_MARKER: Final = re.compile(
    r"^\s*(-{2,}\s*(original\s+message|ursprüngliche\s+nachricht|message\s+d'origine|"
    r"oorspronkelijk\s+bericht|forwarded\s+message|weitergeleitete\s+nachricht|"
    r"message\s+transféré|doorgestuurd\s+bericht)\s*-{2,}|begin\s+forwarded\s+message\s*:|"
    r"_{20,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM: Final = re.compile(r"^\s*\*?(from|von|de|van)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_NEXT: Final = re.compile(
    r"^\s*\*?(sent|gesendet|envoyé|verzonden|date|datum|to|an|à|aan|subject|betreff|objet|"
    r"onderwerp)\s*:", re.IGNORECASE
)  # fmt: skip
_DEVICE: Final = re.compile(
    r"^\s*(sent\s+from\s+my\s+.*|sent\s+from\s+(mail|outlook|yahoo\s+mail)\b.*|"
    r"get\s+outlook\s+for\s+.*|von\s+meinem\s+.*\s+gesendet\.?|envoyé\s+de\s+mon\s+.*|"
    r"verzonden\s+(vanaf|met)\s+mijn\s+.*)\s*$",
    re.IGNORECASE,
)
_BLANK_RUNS: Final = re.compile(r"\n{3,}")


def own_words(text: str) -> str:
    """``text`` without quoted replies, forwarded messages, signature and device lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _ends_here(lines, index):
            break
        if line.lstrip().startswith(">") or _DEVICE.match(line):
            continue
        kept.append(line.rstrip())
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()


def _ends_here(lines: list[str], index: int) -> bool:
    """Whether the customer's own text ends before line ``index``."""
    line = lines[index]
    if line in ("-- ", "--"):
        return True
    if _ATTRIBUTION.match(line) or _MARKER.match(line):
        return True
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if _ATTRIBUTION_START.match(line) and _ATTRIBUTION_END.search(following):
        return len(line) + len(following) < 400
    if _HEADER_FROM.match(line):
        window = lines[index + 1 : index + 5]
        return sum(bool(_HEADER_NEXT.match(candidate)) for candidate in window) >= 2
    return False


_BLOCKS: Final = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
     "section", "article", "header", "footer", "hr", "pre"}
)  # fmt: skip
_SKIPPED: Final = frozenset({"style", "script", "head", "title", "blockquote"})
_QUOTE_CONTAINERS: Final = ("gmail_quote", "divrplyfwdmsg", "appendonsend", "moz-cite-prefix")
_VOID: Final = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area"})


class _TextOfHtml(HTMLParser):
    """Text of an HTML body: block elements as line breaks, quotes and styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and not self._skipping:
            self.parts.append("\n")
        if tag in _VOID:
            return
        marker = " ".join(value or "" for name, value in attrs if name in ("class", "id"))
        skip = tag in _SKIPPED or any(c in marker.lower() for c in _QUOTE_CONTAINERS)
        self._stack.append((tag, skip))
        if skip:
            self._skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        # Close up to the matching open tag (HTML mail is often not well nested).
        for position in range(len(self._stack) - 1, -1, -1):
            if self._stack[position][0] == tag:
                for _, skipped in self._stack[position:]:
                    self._skipping -= skipped
                del self._stack[position:]
                break
        if tag in _BLOCKS and not self._skipping:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> str:
    """The readable text of an HTML body, without the quoted message it answers."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
