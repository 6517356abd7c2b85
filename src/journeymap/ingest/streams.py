"""Opening source files as byte streams: gzip by name, progress by position, UTF-8 guarded.

The position for progress is that of the file as stored (compressed bytes for ``.gz``),
so progress against the file size is exact whatever the compression ratio.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

REPLACEMENT = "\ufffd"
"""What :class:`Utf8Guard` puts where bytes are not UTF-8; values holding it are rejected."""


@dataclass
class Opened:
    """A file opened for streaming: ``stream`` yields its (decompressed) bytes."""

    raw: Any
    stream: Any

    def position(self) -> int:
        """Bytes of the stored file consumed so far."""
        return int(self.raw.tell())


@contextmanager
def open_bytes(path: Path, *, compressed: bool) -> Iterator[Opened]:
    """The file's content as a byte stream, decompressing gzip when ``compressed``."""
    raw = pa.OSFile(str(path), mode="r")
    try:
        stream = pa.CompressedInputStream(raw, "gzip") if compressed else raw
        yield Opened(raw, stream)
    finally:
        raw.close()


class Utf8Guard(io.RawIOBase):
    """A byte stream whose invalid UTF-8 is replaced by U+FFFD, so a parser never chokes on it.

    Arrow's CSV reader fails the whole file on undecodable bytes in a malformed row; with
    this guard the junk reaches the reader as U+FFFD and the row is rejected as
    ``undecodable`` instead. Clean data passes through untouched after one validation pass
    (no copy): only chunks that really hold junk are re-encoded.
    """

    def __init__(self, inner: Any) -> None:
        super().__init__()
        self._inner = inner
        self._carry = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        while True:
            data = bytes(self._inner.read(-1 if size is None else size))
            buffer = self._carry + data
            if not data:
                out, self._carry = buffer, b""
            else:
                cut = _character_boundary(buffer)
                out, self._carry = buffer[:cut], buffer[cut:]
                if not out:
                    continue
            try:
                out.decode("utf-8")
            except UnicodeDecodeError:
                out = out.decode("utf-8", errors="replace").encode("utf-8")
            return out


def _character_boundary(buffer: bytes) -> int:
    """Where to cut ``buffer`` so no UTF-8 character is split (its last one is held back)."""
    cut = len(buffer)
    continuation = 0
    while cut > 0 and continuation < 3 and buffer[cut - 1] & 0xC0 == 0x80:
        cut -= 1
        continuation += 1
    if cut > 0 and buffer[cut - 1] >= 0xC0:
        cut -= 1
    return cut
