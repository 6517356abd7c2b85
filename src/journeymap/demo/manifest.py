"""The demo's manifest: what was generated and which truths were planted, for people and code.

``manifest.json`` lets an analyst read in plain words what the data hides (a payment
outage on these dates, a delighter the team mistook...) and lets tests and the analytics
check, machine-readably, that each truth is found with the planted size. Parameters and
observed values are plain JSON numbers, texts and lists.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_FORMAT = 1

Parameter = str | int | float | bool | tuple[str, ...] | tuple[float, ...]


@dataclass(frozen=True)
class PlantedTruth:
    """One pattern hidden in the data on purpose, with the size the analytics should find."""

    id: str
    kind: str
    title: str
    description: str
    touchpoints: tuple[str, ...]
    events: tuple[str, ...]
    parameters: Mapping[str, Parameter]
    expected_effect: str
    effect_size: float
    effect_unit: str
    observed: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MomentBelief:
    """What the team marked on the map for a touchpoint, next to what the data holds."""

    touchpoint: str
    team_belief: str
    truth: str
    explanation: str

    @property
    def agrees(self) -> bool:
        """True when the map's moment-of-truth kind matches the planted one."""
        return self.team_belief == self.truth


@dataclass(frozen=True)
class PersonaTruth:
    """A true persona: how many customers it has and the map's rule that approximates it."""

    id: str
    name: str
    share: float
    customers: int
    segment: str
    behaviour: str


@dataclass(frozen=True)
class GeneratedFile:
    """One file the generator wrote, relative to the workspace folder."""

    path: str
    rows: int
    description: str


@dataclass(frozen=True)
class DemoManifest:
    """What ``generate_demo`` wrote and the truths planted in it.

    >>> manifest = read_manifest(Path("demo-workspace/manifest.json"))  # doctest: +SKIP
    >>> manifest.truth("payment-outage").parameters["dates"]  # doctest: +SKIP
    ('2025-04-26', '2025-04-27', '2025-04-28')
    """

    store: str
    seed: int
    customers: int
    start: dt.date
    days: int
    events: int
    chunk_customers: int
    payment_outage_dates: tuple[dt.date, ...]
    files: tuple[GeneratedFile, ...]
    personas: tuple[PersonaTruth, ...]
    truths: tuple[PlantedTruth, ...]
    moments: tuple[MomentBelief, ...]
    unmapped_events: tuple[str, ...]
    notes: tuple[str, ...] = ()
    format: int = MANIFEST_FORMAT

    def truth(self, truth_id: str) -> PlantedTruth:
        """The planted truth with this id; ``KeyError`` if there is none."""
        for truth in self.truths:
            if truth.id == truth_id:
                return truth
        raise KeyError(f"no planted truth {truth_id!r}; known: {[t.id for t in self.truths]}")

    def file(self, path: str) -> GeneratedFile:
        """The generated file at this relative path; ``KeyError`` if there is none."""
        for generated in self.files:
            if generated.path == path:
                return generated
        raise KeyError(f"no generated file {path!r}; known: {[f.path for f in self.files]}")

    @property
    def disagreements(self) -> tuple[MomentBelief, ...]:
        """Moments of truth the team got wrong on the map."""
        return tuple(moment for moment in self.moments if not moment.agrees)

    def summary(self) -> str:
        """A few lines for people: size, the planted truths and the team's mistaken belief."""
        lines = [
            f"{self.store}: {self.customers:,} customers, {self.events:,} events over "
            f"{self.days} days from {self.start.isoformat()} (seed {self.seed})",
            "Planted truths:",
        ]
        lines += [f"  - {truth.title}: {truth.expected_effect}" for truth in self.truths]
        for moment in self.disagreements:
            lines.append(
                f"The map calls {moment.touchpoint} a {moment.team_belief.replace('_', ' ')}; "
                f"the data says {moment.truth.replace('_', ' ')}."
            )
        if self.unmapped_events:
            lines.append("Events on no touchpoint: " + ", ".join(self.unmapped_events))
        return "\n".join(lines)

    def to_json(self) -> str:
        """The manifest as indented JSON (dates as ISO text, tuples as lists)."""
        return json.dumps(_plain(asdict(self)), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> DemoManifest:
        """Read a manifest written by :meth:`to_json`; ``ValueError`` names what is wrong."""
        try:
            data = json.loads(text)
            if data.get("format") != MANIFEST_FORMAT:
                raise ValueError(
                    f"manifest format {data.get('format')!r} is not {MANIFEST_FORMAT}; "
                    "regenerate the demo with this version of journeymap"
                )
            return cls(
                store=data["store"],
                seed=int(data["seed"]),
                customers=int(data["customers"]),
                start=dt.date.fromisoformat(data["start"]),
                days=int(data["days"]),
                events=int(data["events"]),
                chunk_customers=int(data["chunk_customers"]),
                payment_outage_dates=tuple(
                    dt.date.fromisoformat(day) for day in data["payment_outage_dates"]
                ),
                files=tuple(GeneratedFile(**item) for item in data["files"]),
                personas=tuple(PersonaTruth(**item) for item in data["personas"]),
                truths=tuple(_truth(item) for item in data["truths"]),
                moments=tuple(MomentBelief(**item) for item in data["moments"]),
                unmapped_events=tuple(data["unmapped_events"]),
                notes=tuple(data.get("notes", ())),
                format=int(data["format"]),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a journeymap demo manifest: missing or bad {error}") from None


def read_manifest(path: Path) -> DemoManifest:
    """Read ``manifest.json`` (or a workspace folder holding one)."""
    file = path / "manifest.json" if path.is_dir() else path
    try:
        return DemoManifest.from_json(file.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{file}: {error}") from None


def _truth(item: dict[str, Any]) -> PlantedTruth:
    parameters = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in item["parameters"].items()
    }
    return PlantedTruth(
        **{
            **item,
            "touchpoints": tuple(item["touchpoints"]),
            "events": tuple(item["events"]),
            "parameters": parameters,
            "observed": dict(item["observed"]),
        }
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
