"""The workspace use cases: the one API behind the CLI, the web app and Python users.

>>> from journeymap.services import WorkspaceService
>>> ws = WorkspaceService.init(tmp_path / "shop", template="ecommerce")  # doctest: +SKIP
>>> [j.name for j in ws.load().journeys]  # doctest: +SKIP
['Online shopping']
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from journeymap.mapfile import (
    LocatedProblem,
    dump_workspace,
    load_file,
    load_template,
    validate_file,
)
from journeymap.model import (
    Evidence,
    Journey,
    JourneyComparison,
    Opportunity,
    Workspace,
    compare_journeys,
)
from journeymap.services.errors import (
    JourneymapError,
    WorkspaceExistsError,
    WorkspaceNotFoundError,
)
from journeymap.services.layout import WorkspaceLayout, current_author, default_workspace_dir
from journeymap.store import JourneyDiff, Store, VersionInfo


@dataclass(frozen=True)
class ApplyResult:
    """What saving a map file did: the versions it created (none when nothing changed)."""

    versions: tuple[VersionInfo, ...]
    journeys_in_file: int


class WorkspaceService:
    """One open workspace: its folder layout and its store."""

    def __init__(self, layout: WorkspaceLayout, store: Store) -> None:
        self.layout = layout
        self.store = store

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path | None = None) -> WorkspaceService:
        """Open the workspace in ``directory`` (default: ``JOURNEYMAP_WORKSPACE`` or the cwd)."""
        layout = WorkspaceLayout((directory or default_workspace_dir()).resolve())
        if not layout.exists():
            raise WorkspaceNotFoundError(
                f"No journeymap workspace in {layout.root}.",
                hint="Create one with `journeymap init --template ecommerce` or "
                "`journeymap demo`, or point at one with --workspace DIR.",
            )
        return cls(layout, Store.open(layout.store_url()))

    @classmethod
    def init(
        cls,
        directory: Path,
        *,
        template: str | None = None,
        name: str | None = None,
        author: str | None = None,
    ) -> WorkspaceService:
        """Create a workspace folder, from a template or empty, and save it as version 1."""
        layout = WorkspaceLayout(directory.resolve())
        if layout.exists():
            raise WorkspaceExistsError(
                f"{layout.root} already holds a journeymap workspace.",
                hint="Pick another folder, or edit this one with `journeymap apply`.",
            )
        try:
            workspace = load_template(template) if template else Workspace()
        except ValueError as error:
            raise JourneymapError(str(error), hint="See `journeymap templates`.") from None
        if name:
            workspace = workspace.model_copy(update={"name": name})
        layout.root.mkdir(parents=True, exist_ok=True)
        service = cls(layout, Store.open(layout.store_url()))
        service.save(
            workspace,
            author=author,
            message=f"Created from template {template}" if template else "Created workspace",
        )
        return service

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def __enter__(self) -> WorkspaceService:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- maps ------------------------------------------------------------------------------

    def load(self) -> Workspace:
        """The current workspace: every persona, team and journey at its head version."""
        return self.store.load_workspace()

    def journey(self, journey_id: str, version: int | None = None) -> Journey:
        """One journey, at its head or at an older version."""
        return self.store.journey_at(journey_id, version)

    def validate(self, path: Path) -> list[LocatedProblem]:
        """Problems in a map file, checking references against this workspace's store too."""
        current = self.load()
        return validate_file(
            path,
            extra_personas=[p.id for p in current.personas],
            extra_teams=[t.id for t in current.teams],
        )

    def apply(self, path: Path, *, author: str | None = None, message: str) -> ApplyResult:
        """Save a map file (whole workspace or some journeys) into the store as new versions."""
        current = self.load()
        workspace = load_file(
            path,
            extra_personas=[p.id for p in current.personas],
            extra_teams=[t.id for t in current.teams],
        )
        versions = self.save(workspace, author=author, message=message)
        return ApplyResult(versions=tuple(versions), journeys_in_file=len(workspace.journeys))

    def save(
        self, workspace: Workspace, *, author: str | None = None, message: str
    ) -> list[VersionInfo]:
        """Save a (partial) workspace in one transaction, then refresh the folder's YAML."""
        versions = self.store.save_workspace(
            workspace, author=author or current_author(), message=message
        )
        self.write_map_file()
        return versions

    def save_journey(
        self,
        journey: Journey,
        *,
        base_version: int | None,
        author: str | None = None,
        message: str,
    ) -> VersionInfo:
        """Save one journey as a new version of ``base_version``, then refresh the YAML.

        The web app's save: :class:`journeymap.store.ConflictError` when someone saved
        a newer version since ``base_version`` was read, so the second editor sees both
        versions instead of overwriting the first.
        """
        info = self.store.save_journey(
            journey, author=author or current_author(), message=message, base_version=base_version
        )
        self.write_map_file()
        return info

    def export(self, journey_id: str | None = None, *, version: int | None = None) -> str:
        """The workspace, or one journey with its persona and teams, as YAML."""
        workspace = self.load()
        if journey_id is None:
            return dump_workspace(workspace)
        journey = self.journey(journey_id, version)
        teams = {t.owner_team for _, t in journey.touchpoints() if t.owner_team}
        teams |= {o.owner_team for o in journey.opportunities if o.owner_team}
        part = Workspace(
            name=workspace.name,
            description=workspace.description,
            personas=[p for p in workspace.personas if p.id == journey.persona],
            teams=[t for t in workspace.teams if t.id in teams],
            journeys=[journey],
        )
        return dump_workspace(part)

    def write_map_file(self) -> Path:
        """Rewrite ``journeymap.yaml`` from the store, atomically (never a half-written file)."""
        text = dump_workspace(self.load())
        target = self.layout.map_file
        handle, temporary = tempfile.mkstemp(
            prefix=".journeymap-", suffix=".yaml", dir=target.parent
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the map is for sharing
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def add_opportunity(
        self,
        journey_id: str,
        opportunity: Opportunity,
        *,
        author: str | None = None,
        message: str | None = None,
    ) -> VersionInfo:
        """Put an opportunity on a journey's map, saved as a new version of its head.

        Refuses an id the journey already holds (accepting a suggestion twice), and saves
        nothing then; a concurrent save in between is a :class:`~journeymap.store.ConflictError`.
        """
        head = self.store.head(journey_id)
        journey = self.journey(journey_id, head.number)
        if any(existing.id == opportunity.id for existing in journey.opportunities):
            raise JourneymapError(
                f"journey {journey_id!r} already has an opportunity {opportunity.id!r}.",
                hint="It was accepted before; edit it in the map file, or drop it there "
                "first to accept it again.",
            )
        updated = Journey.model_validate(
            journey.model_dump() | {"opportunities": [
                *(o.model_dump() for o in journey.opportunities), opportunity.model_dump()
            ]}
        )  # fmt: skip
        info = self.store.save_journey(
            updated,
            author=author or current_author(),
            message=message or f"Added opportunity {opportunity.id}",
            base_version=head.number,
        )
        self.write_map_file()
        return info

    def replace_evidence(
        self,
        journey_id: str,
        prefix: str,
        evidence: Sequence[Evidence],
        *,
        author: str | None = None,
        message: str,
    ) -> VersionInfo:
        """Swap the journey's evidence whose ids start with ``prefix`` for ``evidence``, as a
        new version; evidence people recorded by hand (other ids) stays as it is."""
        head = self.store.head(journey_id)
        journey = self.journey(journey_id, head.number)
        kept = [e.model_dump() for e in journey.evidence if not e.id.startswith(prefix)]
        updated = Journey.model_validate(
            journey.model_dump() | {"evidence": [*kept, *(e.model_dump() for e in evidence)]}
        )
        info = self.store.save_journey(
            updated, author=author or current_author(), message=message, base_version=head.number
        )
        self.write_map_file()
        return info

    # -- history ---------------------------------------------------------------------------

    def versions(self, journey_id: str) -> list[VersionInfo]:
        """Every saved version of a journey, oldest first."""
        return self.store.versions(journey_id)

    def diff(self, journey_id: str, old: int, new: int | None = None) -> JourneyDiff:
        """What changed in a journey between two versions (``new`` defaults to the head)."""
        newest = new if new is not None else self.store.head(journey_id).number
        return self.store.diff(journey_id, old, newest)

    def restore(self, journey_id: str, version: int, *, author: str | None = None) -> VersionInfo:
        """Make an old version the head again, as a new version (history is kept)."""
        info = self.store.restore(journey_id, version, author=author or current_author())
        self.write_map_file()
        return info

    def compare(self, left_journey: str, right_journey: str) -> JourneyComparison:
        """Two journeys (usually two personas' maps) aligned stage by stage."""
        return compare_journeys(self.journey(left_journey), self.journey(right_journey))
