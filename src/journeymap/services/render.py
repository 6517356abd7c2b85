"""Posters of journeys, in every format, from the CLI, the web app and Python.

>>> with RenderService.open(Path("demo-workspace")) as service:  # doctest: +SKIP
...     poster = service.poster("busy-parent-journey", format=PosterFormat.PDF,
...                             size=PosterSize.A1, with_data=True)
...     Path("poster.pdf").write_bytes(poster.content)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from journeymap.engine import AnalyticsDatabase, NoEventsError, database_path
from journeymap.model import Journey, Persona, Workspace
from journeymap.render.content import PosterContent, PosterData
from journeymap.render.html import poster_html
from journeymap.render.pdf import to_pdf
from journeymap.render.poster import poster_scene
from journeymap.render.raster import to_png
from journeymap.render.scene import Scene
from journeymap.render.style import PosterSize
from journeymap.render.svg import to_svg
from journeymap.services.analysis import AnalysisService
from journeymap.services.errors import JourneymapError, as_user_error
from journeymap.services.poster_data import Report, measure_poster
from journeymap.services.voice import VoiceService
from journeymap.services.workspace import WorkspaceService

PRINT_DPI = 150.0
"""PNG resolution of printed sizes: sharp on the wall, an A1 stays near 5,000 pixels wide."""
SCREEN_SCALE = 2.0
"""PNG pixels per point for the screen size (retina-sharp)."""


class PosterFormat(StrEnum):
    """The files a poster can be."""

    SVG = "svg"
    PNG = "png"
    PDF = "pdf"
    HTML = "html"

    @property
    def media_type(self) -> str:
        """Its MIME type."""
        return {
            PosterFormat.SVG: "image/svg+xml",
            PosterFormat.PNG: "image/png",
            PosterFormat.PDF: "application/pdf",
            PosterFormat.HTML: "text/html; charset=utf-8",
        }[self]


@dataclass(frozen=True)
class RenderedPoster:
    """A poster file's bytes, what it is and a good name for it."""

    content: bytes
    format: PosterFormat
    size: PosterSize
    journey_id: str
    with_data: bool

    @property
    def file_name(self) -> str:
        """``busy-parent-journey-A1.pdf``."""
        return f"{self.journey_id}-{self.size.value}.{self.format.value}"


def encode_scene(scene: Scene, format: PosterFormat, size: PosterSize) -> bytes:
    """A laid-out scene as the bytes of one file format."""
    if format is PosterFormat.SVG:
        return to_svg(scene).encode("utf-8")
    if format is PosterFormat.HTML:
        return poster_html(scene).encode("utf-8")
    if format is PosterFormat.PDF:
        return to_pdf(scene)
    if size is PosterSize.SCREEN:
        return to_png(scene, scale=SCREEN_SCALE)
    return to_png(scene, dpi=PRINT_DPI)


class RenderService:
    """One workspace's journeys, drawn."""

    def __init__(self, workspace: WorkspaceService) -> None:
        self.workspace = workspace

    @classmethod
    def open(cls, directory: Path | None = None) -> RenderService:
        """Open the workspace (its store; the analytics database only when data is asked)."""
        return cls(WorkspaceService.open(directory))

    def close(self) -> None:
        """Release the store."""
        self.workspace.close()

    def __enter__(self) -> RenderService:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def journey_for(self, journey_id: str | None, persona_id: str | None) -> str:
        """The journey to draw: the one named, or the persona's (its first) when none is."""
        if journey_id is not None:
            self.workspace.journey(journey_id)
            return journey_id
        if persona_id is None:
            raise JourneymapError(
                "name a journey or a persona to render.",
                hint="journeymap render JOURNEY, or journeymap render --persona PERSONA",
            )
        workspace = self.workspace.load()
        _persona(workspace, persona_id)
        journeys = workspace.journeys_of(persona_id)
        if not journeys:
            raise JourneymapError(
                f"persona {persona_id!r} has no journey yet.",
                hint="Map one with `journeymap init --template` or add it to the map file.",
            )
        return journeys[0].id

    def poster_content(
        self,
        journey_id: str,
        *,
        persona: str | None = None,
        with_data: bool = False,
        report: Report | None = None,
    ) -> PosterContent:
        """Everything the poster of ``journey_id`` shows, measured on ``persona``'s customers
        (the journey's own persona by default) when ``with_data`` is set."""
        workspace = self.workspace.load()
        journey = self.workspace.journey(journey_id)
        own = workspace.persona(journey.persona)
        measured = _persona(workspace, persona) if persona else own
        versions = self.workspace.versions(journey_id)
        head = versions[-1] if versions else None
        data = self._measure(journey, measured, report) if with_data else None
        return PosterContent(
            journey=journey,
            persona=own,
            teams={team.id: team for team in workspace.teams},
            version=head.number if head else None,
            saved_on=head.created_at.date() if head else None,
            data=data,
            measured_for=measured.name if measured.id != own.id else None,
        )

    def poster(
        self,
        journey_id: str,
        *,
        format: PosterFormat = PosterFormat.SVG,
        size: PosterSize = PosterSize.A3,
        persona: str | None = None,
        with_data: bool = False,
        report: Report | None = None,
    ) -> RenderedPoster:
        """The poster of one journey as a file."""
        [poster] = self.posters(
            journey_id,
            formats=(format,),
            size=size,
            persona=persona,
            with_data=with_data,
            report=report,
        )
        return poster

    def posters(
        self,
        journey_id: str,
        *,
        formats: Sequence[PosterFormat],
        size: PosterSize = PosterSize.A3,
        persona: str | None = None,
        with_data: bool = False,
        report: Report | None = None,
    ) -> list[RenderedPoster]:
        """The poster in several formats, measured and laid out once."""
        content = self.poster_content(
            journey_id, persona=persona, with_data=with_data, report=report
        )
        with as_user_error():
            scene = poster_scene(content, size=size)
        files = []
        for format in formats:
            if report is not None:
                report(f"drawing {format.value}")
            files.append(
                RenderedPoster(
                    content=encode_scene(scene, format, size),
                    format=format,
                    size=size,
                    journey_id=journey_id,
                    with_data=with_data,
                )
            )
        return files

    def _measure(self, journey: Journey, persona: Persona, report: Report | None) -> PosterData:
        try:
            database = AnalyticsDatabase.open(database_path(self.workspace.layout.data_dir))
        except NoEventsError as error:
            raise JourneymapError(
                f"--with-data needs imported events: {error}",
                hint="Import them with `journeymap import events FILE...`, or drop --with-data.",
            ) from None
        analysis = AnalysisService(self.workspace, database)
        voice = VoiceService(self.workspace, database) if _has_feedback(database) else None
        try:
            return measure_poster(analysis, voice, journey.id, persona, report=report)
        finally:
            database.close()


def _persona(workspace: Workspace, persona_id: str) -> Persona:
    try:
        return workspace.persona(persona_id)
    except KeyError:
        known = ", ".join(p.id for p in workspace.personas) or "none yet"
        raise JourneymapError(
            f"there is no persona {persona_id!r}.", hint=f"Personas of this workspace: {known}."
        ) from None


def _has_feedback(database: AnalyticsDatabase) -> bool:
    try:
        database.feedback_table()
    except NoEventsError:
        return False
    return True
