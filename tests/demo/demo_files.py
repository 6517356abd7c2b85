"""The demo data set the tests share: its size, seed, folder and manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from journeymap.demo import DemoManifest

DEMO_CUSTOMERS = 12_000
DEMO_SEED = 7


@dataclass
class GeneratedDemo:
    """A generated demo folder, its manifest and the progress reports it made."""

    root: Path
    manifest: DemoManifest
    progress: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def events(self) -> Path:
        return self.root / "data" / "events.parquet"

    @property
    def customers(self) -> Path:
        return self.root / "data" / "customers.parquet"

    @property
    def mbox(self) -> Path:
        return self.root / "feedback" / "support.mbox"
