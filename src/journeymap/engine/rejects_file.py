"""The rejects file of an import: every rejected row, written as it is found (not kept in memory)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from journeymap.ingest import REJECT_FILE_COLUMNS, Reject, reject_record


class RejectsFile:
    """``<folder>/<stem>-<UTC timestamp>.csv``, created at the first reject."""

    def __init__(self, folder: Path, stem: str) -> None:
        self.folder = folder
        self.stem = stem
        self.path: Path | None = None
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def write(self, rejects: Iterable[Reject]) -> None:
        """Append ``rejects`` to the file."""
        for reject in rejects:
            if self._handle is None:
                self._open()
            assert self._handle is not None
            csv.writer(self._handle).writerow(reject_record(reject))
            self.count += 1

    def close(self) -> None:
        """Flush and close (the file stays, also after a failed import: it says why)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = self.folder / f"{self.stem}-{stamp}.csv"
        number = 1
        while path.exists():
            number += 1
            path = self.folder / f"{self.stem}-{stamp}-{number}.csv"
        self.path = path
        self._handle = path.open("w", encoding="utf-8", newline="")
        csv.writer(self._handle).writerow(REJECT_FILE_COLUMNS)
