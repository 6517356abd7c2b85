"""The tags of an XES file, found with array operations over whole segments of bytes.

Why not a SAX parser: handing every element to Python (lxml's target parser, expat) costs
about a microsecond per element, which was most of an XES import. XES is a regular XML
dialect (``<event>`` and ``<trace>`` holding elements with ``key`` and ``value``
attributes), so the tags of a segment can be found at once: the positions of ``<``, ``>``
and ``"`` with numpy, a tag's name from its first eight bytes, its ``key`` and ``value``
from the bytes before each opening quote, and the attribute texts sliced out of the
segment by Arrow without a copy per value. A tag of a rarer shape (single quotes, blanks
around ``=``, many attributes, a ``>`` inside a value, a prefixed or unusual name) is parsed
on its own in Python, so every well-formed document reads the same, only slower.

The scanner trusts its input to be well-formed: the reader has lxml check every block
first (a parser with no callbacks: C speed, and it releases the GIL) and scans a segment
only once lxml accepted it. Comments, processing instructions and CDATA sections are
blanked out (same length, so positions hold); a document in another encoding than UTF-8
is transcoded to UTF-8 as it streams. Values come out as an XML parser reports them:
character and entity references resolved, literal tabs and line ends read as spaces.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

OTHER: Final = 0
EVENT: Final = 1
TRACE: Final = 2
XES_TYPE_NAMES: Final = ("string", "id", "date", "int", "float", "boolean")
"""XES attribute types; a tag of one of these names has kind ``FIRST_TYPE + index``."""
FIRST_TYPE: Final = 3
_KINDS: Final = {"event": EVENT, "trace": TRACE} | {
    name: FIRST_TYPE + index for index, name in enumerate(XES_TYPE_NAMES)
}
# Names recognised without Python (at most 7 bytes, so name and delimiter fit 8 bytes).
_FAST_NAMES: Final = (*_KINDS, "log", "global", "list", "values")

_LT, _GT, _QUOTE, _APOSTROPHE, _SLASH, _EQUALS, _BANG, _QUESTION = (ord(c) for c in "<>\"'/=!?")
_PAD: Final = 8
_HEAD_BYTES: Final = 1024
"""Bytes enough to hold a byte order mark and the XML declaration."""
_MAX_PAIRS: Final = 4
"""Attributes per tag handled by the array path; tags with more go through Python."""


def _byte_table(characters: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[[ord(c) for c in characters]] = True
    return table


_BLANK: Final = _byte_table(" \t\r\n")
_ONE: Final = np.uint64(1)
_SEVEN: Final = np.uint64(7)
_LOW_BYTE: Final = np.uint64(0xFF)
_LOW_BITS: Final = np.uint64(0x0101010101010101)
_HIGH_BITS: Final = np.uint64(0x8080808080808080)
_BYTE_1, _BYTE_2, _BYTE_3, _BYTE_4, _BYTE_6, _BYTE_7 = (
    np.uint64(8 * n) for n in (1, 2, 3, 4, 6, 7)
)
_FAST_WORDS: Final = np.array(
    sorted(int.from_bytes(name.encode(), "little") for name in _FAST_NAMES), dtype=np.uint64
)
_FAST_KINDS: Final = np.array(
    [
        _KINDS.get(name, OTHER)
        for name in sorted(_FAST_NAMES, key=lambda n: int.from_bytes(n.encode(), "little"))
    ],
    dtype=np.int8,
)
_KEY_WORD: Final = np.uint64(int.from_bytes(b"key=", "little"))
_VALUE_WORD: Final = np.uint64(int.from_bytes(b"value=", "little"))
_SPECIAL: Final = _byte_table("&\t\n\r")

_MARKUP: Final = re.compile(rb"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_TAG: Final = re.compile(r"<(/?)([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
_ATTRIBUTE: Final = re.compile(r"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_BLANKS: Final = re.compile(r"\r\n|[\t\n\r]")
_REFERENCE: Final = re.compile(r"&(?:#x([0-9a-fA-F]+);|#([0-9]+);|(amp|lt|gt|quot|apos);)")
_ENTITIES: Final = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DECLARED: Final = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_BOMS: Final = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class Tags:
    """The tags of one segment, in document order."""

    opens: np.ndarray
    """Whether the tag starts an element (a start tag or an empty-element tag)."""
    closes: np.ndarray
    """Whether the tag ends an element (an end tag or an empty-element tag)."""
    kinds: np.ndarray
    """``EVENT``, ``TRACE``, ``FIRST_TYPE + i`` for the XES types, else ``OTHER`` (int8)."""
    attributed: np.ndarray
    """Indices of the tags that carry both a ``key`` and a ``value`` attribute."""
    keys: pa.Array
    """The ``key`` of each attributed tag (string)."""
    values: pa.Array
    """The ``value`` of each attributed tag (string), as an XML parser reports it."""

    @classmethod
    def empty(cls) -> Tags:
        """No tags (a segment of text only)."""
        none = np.zeros(0, dtype=bool)
        text = pa.array([], pa.string())
        return cls(none, none, np.zeros(0, np.int8), np.zeros(0, np.int64), text, text)


class Segments:
    """Raw bytes in, UTF-8 segments out that start and end between tags.

    A segment ends just before the last ``<`` seen so far (the tag it starts may not be
    complete yet) or before a comment, processing instruction or CDATA section that is
    not closed yet; the rest is carried into the next segment.
    """

    def __init__(self) -> None:
        self._carry = b""
        self._head: bytes | None = b""  # bytes kept until the encoding is known
        self._decode: Callable[[bytes, bool], str] | None = None

    def push(self, data: bytes, *, final: bool) -> Segment:
        """The next segment, given the file's next bytes (``final`` at the end)."""
        text = self._carry + self._utf8(data, final=final)
        cut = len(text) if final else max(text.rfind(b"<"), 0)
        segment = Segment(text[:cut])
        self._carry = text[cut:]
        after = segment.raw[np.minimum(segment.starts + 1, len(segment.raw) - 1)]
        if ((after == _BANG) | (after == _QUESTION)).any():
            blanked = _MARKUP.sub(lambda found: b" " * len(found[0]), segment.text)
            unclosed = [at for at in (blanked.find(b"<!"), blanked.find(b"<?")) if at >= 0]
            if unclosed:
                self._carry = text[min(unclosed) : cut] + self._carry
                blanked = blanked[: min(unclosed)]
            segment = Segment(blanked)
        return segment

    def _utf8(self, data: bytes, *, final: bool) -> bytes:
        if self._head is not None:
            head = self._head + data
            if not final and len(head) < _HEAD_BYTES and b">" not in head:
                self._head = head  # the XML declaration may not be complete yet
                return b""
            self._head, data = None, head
            encoding = _encoding(head)
            if encoding not in ("utf-8", "ascii"):
                self._decode = codecs.getincrementaldecoder(encoding)("strict").decode
        if self._decode is None:
            return data
        return self._decode(data, final).encode("utf-8")


def _encoding(head: bytes) -> str:
    """The document's encoding, as XML tells it: byte order mark, declaration, else UTF-8."""
    for mark, name in _BOMS:
        if head.startswith(mark):
            return name
    if head.startswith((b"<\x00", b"\x00<")):
        return "utf-16-le" if head.startswith(b"<") else "utf-16-be"
    declared = _DECLARED.match(head)
    if declared is None:
        return "utf-8"
    return codecs.lookup(declared[1].decode("ascii")).name


class Segment:
    """Bytes that start and end between tags, with the positions of ``<``, ``>`` and ``"``."""

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.raw = np.frombuffer(text, dtype=np.uint8)
        raw = self.raw
        marked = (raw | 2) == _GT  # "<" or ">" (they differ in one bit only)
        marked |= raw == _QUOTE
        self.marks = np.flatnonzero(marked)
        self.marked = raw[self.marks]
        self.starts = self.marks[self.marked == _LT]


def scan(segment: Segment) -> Tags:
    """The tags of a segment that :class:`Segments` handed out (see the module docstring)."""
    text, raw, starts = segment.text, segment.raw, segment.starts
    if not len(starts):
        return Tags.empty()
    words = _words(np.concatenate([np.zeros(_PAD, np.uint8), raw, np.zeros(_PAD, np.uint8)]))
    ends, first, count = _tag_bounds(segment)
    end_tags = raw[starts + 1] == _SLASH
    kinds, slow = _names(words, starts + 1 + end_tags)
    opens, closes = ~end_tags, end_tags | (raw[ends - 1] == _SLASH)
    slow |= (count % 2 == 1) | (count > 2 * _MAX_PAIRS)
    if b"'" in text:
        apostrophes = np.flatnonzero(raw == _APOSTROPHE)
        slow |= np.searchsorted(apostrophes, starts) != np.searchsorted(apostrophes, ends)
    quotes = segment.marks[segment.marked == _QUOTE]
    attributed, keys, values = _attributes(text, words, quotes, first, count, slow)
    tags = Tags(opens, closes, kinds, attributed, _as_parsed(keys), _as_parsed(values))
    if slow.any():
        _parse_slowly(text, starts, np.flatnonzero(slow), tags)
    return tags


def _tag_bounds(segment: Segment) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each tag's end (its first ``>``), its first quote's index, and how many quotes it has.

    The first ``>`` ends the tag unless a value holds a ``>``; then the tag's quote count
    is odd and it goes through the slow path.
    """
    marked = segment.marked
    lt = np.flatnonzero(marked == _LT)
    gt = np.flatnonzero(marked == _GT)
    quotes_so_far = np.cumsum(marked == _QUOTE)
    if not (len(gt) == len(lt) and (gt > lt).all() and (gt[:-1] < lt[1:]).all()):
        gt = gt[np.searchsorted(gt, lt)]  # text or values hold a ">": take the next one
    first = quotes_so_far[lt]
    return segment.marks[gt], first, quotes_so_far[gt] - first


def _names(words: np.ndarray, name_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each tag's kind from the first 8 bytes of its name, and which names need Python."""
    word = words[name_starts + _PAD]
    # The name ends at its first blank, "/" or ">": found for all tags at once, 8 bytes in
    # a word (exact for the lowest byte that matches, which is the one that counts).
    ends = _bytes_below(word, 0x2D) | _bytes_equal(word, _SLASH) | _bytes_equal(word, _GT)
    first_end = ends & (~ends + _ONE)
    name = word & ((first_end >> _SEVEN) - _ONE)  # all 8 bytes if no end: a long name
    found = np.minimum(np.searchsorted(_FAST_WORDS, name), len(_FAST_WORDS) - 1)
    known = _FAST_WORDS[found] == name
    return np.where(known, _FAST_KINDS[found], OTHER).astype(np.int8), ~known


def _bytes_below(word: np.ndarray, limit: int) -> np.ndarray:
    """High bit set in each byte of ``word`` below ``limit`` (at least the lowest such)."""
    found: np.ndarray = (word - _LOW_BITS * np.uint64(limit)) & ~word & _HIGH_BITS
    return found


def _bytes_equal(word: np.ndarray, byte: int) -> np.ndarray:
    """High bit set in each byte of ``word`` equal to ``byte`` (at least the lowest such)."""
    return _bytes_below(word ^ (_LOW_BITS * np.uint64(byte)), 1)


def _words(padded: np.ndarray) -> np.ndarray:
    """``words[i]``: the 8 bytes from ``padded[i]`` as one little-endian integer (no copy)."""
    return np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))


def _attributes(
    text: bytes,
    words: np.ndarray,
    quotes: np.ndarray,
    first: np.ndarray,
    count: np.ndarray,
    slow: np.ndarray,
) -> tuple[np.ndarray, pa.Array, pa.Array]:
    """The tags with a ``key`` and a ``value`` (indices), and those texts as they stand.

    The eight bytes before each opening quote must end in ``<blank>key=`` or
    ``<blank>value=``; a blank before or after ``=`` sends the tag to the slow path, any
    other name is some other attribute. Tags with fewer than two attributes carry no pair.
    """
    tags = np.flatnonzero(~slow & (count >= 4))
    key_quote = np.full(len(tags), -1, dtype=np.int64)  # index in quotes of the opening one
    value_quote = np.full(len(tags), -1, dtype=np.int64)
    odd = np.zeros(len(tags), dtype=bool)
    for pair in range(_MAX_PAIRS):
        # Every tag here has two attributes; the later pairs only some of them.
        some = slice(None) if pair < 2 else np.flatnonzero(count[tags] >= 2 * pair + 2)
        if isinstance(some, np.ndarray) and not len(some):
            break
        quote = first[tags[some]] + 2 * pair
        before = words[quotes[quote]]  # the 8 bytes before the quote, the last one on top
        odd[some] |= ((before >> _BYTE_7) != _EQUALS) | _BLANK[(before >> _BYTE_6) & _LOW_BYTE]
        is_key = ((before >> _BYTE_4) == _KEY_WORD) & _BLANK[(before >> _BYTE_3) & _LOW_BYTE]
        is_value = ((before >> _BYTE_2) == _VALUE_WORD) & _BLANK[(before >> _BYTE_1) & _LOW_BYTE]
        key_quote[some] = np.where(is_key, quote, key_quote[some])
        value_quote[some] = np.where(is_value, quote, value_quote[some])
    slow[tags[odd]] = True
    both = ~odd & (key_quote >= 0) & (value_quote >= 0)
    key_quote, value_quote = key_quote[both], value_quote[both]
    keys = _slices(text, quotes[key_quote] + 1, quotes[key_quote + 1])
    values = _slices(text, quotes[value_quote] + 1, quotes[value_quote + 1])
    return tags[both], keys, values


def _slices(segment: bytes, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """``segment[start:end]`` for each pair, as one string array (one copy in all)."""
    if not len(starts):
        return pa.array([], pa.string())
    # Every other element of a zero-copy array whose offsets run start, end, start, end...
    offsets = np.empty(2 * len(starts), dtype=np.int32)
    offsets[0::2], offsets[1::2] = starts, ends
    around = pa.Array.from_buffers(
        pa.string(), len(offsets) - 1, [None, pa.py_buffer(offsets), pa.py_buffer(segment)]
    )
    return around.take(pa.array(np.arange(0, len(offsets), 2)))


def _as_parsed(texts: pa.Array) -> pa.Array:
    """Attribute texts as a parser reports them: references resolved, blanks normalised.

    Only texts holding ``&`` or a tab or line end change; they are looked for in the
    array's one data buffer (a ``memchr`` each), not string by string.
    """
    data = texts.buffers()[2]
    if data is None or not len(texts):
        return texts
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)
    offsets = offsets[texts.offset : texts.offset + len(texts) + 1]
    contents = data.to_pybytes()[offsets[0] : offsets[-1]]
    if not any(special in contents for special in (b"&", b"\n", b"\t", b"\r")):
        return texts
    found = offsets[0] + np.flatnonzero(_SPECIAL[np.frombuffer(contents, dtype=np.uint8)])
    special = np.zeros(len(texts), dtype=bool)
    special[np.searchsorted(offsets, found, side="right") - 1] = True
    raw = texts.filter(pa.array(special)).to_pylist()
    parsed = pa.array([attribute_value(text) for text in raw], pa.string())
    return pc.replace_with_mask(texts, pa.array(special), parsed)


def attribute_value(raw: str) -> str:
    """An attribute's text as XML 1.0 defines its value (section 3.3.3).

    Literal tabs and line ends become spaces (``\\r\\n`` counts once), then character and
    predefined entity references are resolved; no other entity exists without a DTD.
    """
    return _REFERENCE.sub(_resolve, _BLANKS.sub(" ", raw))


def _resolve(reference: re.Match[str]) -> str:
    hexadecimal, decimal, name = reference.groups()
    if hexadecimal is not None:
        return chr(int(hexadecimal, 16))
    if decimal is not None:
        return chr(int(decimal))
    return _ENTITIES[name]


def _parse_slowly(segment: bytes, starts: np.ndarray, slow: np.ndarray, tags: Tags) -> None:
    """Parse the ``slow`` tags one by one in Python and merge them into ``tags``."""
    bounds = np.append(starts, len(segment))
    found_at: list[int] = []
    keys: list[str] = []
    values: list[str] = []
    for index in slow.tolist():
        piece = segment[bounds[index] : bounds[index + 1]].decode("utf-8")
        close, empty, local, key, value = parse_tag(piece)
        tags.opens[index] = not close
        tags.closes[index] = close or empty
        tags.kinds[index] = _KINDS.get(local, OTHER)
        if key is not None and value is not None:
            found_at.append(index)
            keys.append(key)
            values.append(value)
    if not found_at:
        return
    where = np.concatenate([tags.attributed, np.asarray(found_at, dtype=np.int64)])
    order = pa.array(np.argsort(where, kind="stable"))
    tags.attributed = where[order.to_numpy()]
    tags.keys = pa.concat_arrays([tags.keys, pa.array(keys, pa.string())]).take(order)
    tags.values = pa.concat_arrays([tags.values, pa.array(values, pa.string())]).take(order)


def parse_tag(piece: str) -> tuple[bool, bool, str, str | None, str | None]:
    """(end tag?, empty-element tag?, local name, key, value) of the tag ``piece`` starts with."""
    found = _TAG.match(piece)
    if found is None:  # lxml accepted the document, so this is a bug, not bad input
        raise AssertionError(f"not a tag: {piece[:80]!r}")
    close, name, attributes, slash = found.groups()
    texts: dict[str, str | None] = {"key": None, "value": None}
    for attribute in _ATTRIBUTE.finditer(attributes):
        if attribute[1] in texts:
            raw = attribute[2] if attribute[2] is not None else attribute[3]
            texts[attribute[1]] = attribute_value(raw)
    return bool(close), bool(slash), name.rpartition(":")[2], texts["key"], texts["value"]
