"""Messages out of mailbox files: mbox files split by their ``From`` lines, and .eml files.

An mbox is split by hand rather than through :mod:`mailbox`: we need each message's byte
offset (for rejects and progress) and its envelope line (``From sender date``), which
recovers a sender or a date that the headers lack, and one pass over the lines is all it
takes. Lines escaped as ``>From`` (mboxrd) are unescaped. A folder is read as its .eml
files in name order, numbered across the folder.
"""

from __future__ import annotations

import email.utils
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

_ESCAPED_FROM: Final = re.compile(rb"^>(>*From )")
_TO_HEADER: Final = re.compile(rb"^(?:To|Cc):(.*(?:\r?\n[ \t].*)*)", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class RawMessage:
    """One message's bytes as stored, and where it was found."""

    file: str
    """The mbox file's name, or the .eml file's path within the folder."""
    number: int
    """1-based position in the mbox, or in the folder's sorted .eml files."""
    offset: int
    """Byte offset of the message in the mbox (0 for .eml files)."""
    envelope: bytes | None
    """The mbox separator line after ``From `` (envelope sender and date), if any."""
    data: bytes
    end: int
    """Bytes of the source read once this message is done (for progress)."""


def mbox_messages(path: Path) -> Iterator[RawMessage]:
    """The messages of an mbox file, in file order."""
    number = 0
    offset = position = 0
    envelope: bytes | None = None
    lines: list[bytes] = []
    previous_blank = True
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"From ") and previous_blank:
                if lines or envelope is not None:
                    number += 1
                    yield _message(path.name, number, offset, envelope, lines, position)
                offset = position
                envelope = line[5:].rstrip(b"\r\n")
                lines = []
            else:
                lines.append(_ESCAPED_FROM.sub(rb"\1", line) if line[:1] == b">" else line)
            previous_blank = not line.strip()
            position += len(line)
    if lines or envelope is not None:
        number += 1
        yield _message(path.name, number, offset, envelope, lines, position)


def _message(
    name: str, number: int, offset: int, envelope: bytes | None, lines: list[bytes], end: int
) -> RawMessage:
    # The blank line before the next separator belongs to the mbox format, not the message.
    if lines and not lines[-1].strip():
        lines = lines[:-1]
    return RawMessage(name, number, offset, envelope, b"".join(lines), end)


def eml_messages(path: Path) -> Iterator[RawMessage]:
    """One .eml file, or every .eml file under a folder in name order."""
    if path.is_file():
        data = path.read_bytes()
        yield RawMessage(path.name, 1, 0, None, data, len(data))
        return
    done = 0
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".eml")
    for number, file in enumerate(files, start=1):
        data = file.read_bytes()
        done += len(data)
        yield RawMessage(file.relative_to(path).as_posix(), number, 0, None, data, done)


def envelope_sender(envelope: bytes | None) -> str | None:
    """The sender's address on an mbox separator line (``From alice@x.org Sat May 24 ...``)."""
    if not envelope:
        return None
    first = envelope.split(b" ", 1)[0].decode("ascii", errors="replace").strip()
    return first.lower() if "@" in first and first != "MAILER-DAEMON" else None


def envelope_date(envelope: bytes | None) -> str | None:
    """The date on an mbox separator line, as text (asctime format)."""
    if not envelope or b" " not in envelope:
        return None
    return envelope.split(b" ", 1)[1].decode("ascii", errors="replace").strip() or None


def main_recipient(messages: Iterator[RawMessage]) -> str | None:
    """The address most messages were sent to: a support inbox receives from everyone.

    Only the header block of each message is looked at (no MIME parsing), so this pre-pass
    costs a fraction of the import.
    """
    counts: Counter[str] = Counter()
    for message in messages:
        head = message.data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        for match in _TO_HEADER.finditer(head):
            value = match.group(1).decode("utf-8", errors="replace")
            for _, address in email.utils.getaddresses([value]):
                if "@" in address:
                    counts[address.strip().lower()] += 1
    if not counts:
        return None
    return counts.most_common(1)[0][0]
