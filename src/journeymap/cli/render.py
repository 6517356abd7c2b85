"""``journeymap render`` and ``journeymap report``: the poster as SVG, PNG, PDF or interactive
HTML, and a static site with the poster, the charts and the ranked findings."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import console
from journeymap.render.style import PosterSize
from journeymap.services.render import PosterFormat, RenderService
from journeymap.services.report import write_report


def render(
    ctx: typer.Context,
    journey: Annotated[
        str | None,
        typer.Argument(help="Id of the journey to draw (or leave it out and give --persona)."),
    ] = None,
    format: Annotated[
        PosterFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="svg, png, pdf or html (interactive, one file); default: from --out, else svg.",
        ),
    ] = None,
    size: Annotated[
        PosterSize,
        typer.Option("--size", help="A3, A2, A1 (landscape print sizes) or screen."),
    ] = PosterSize.A3,
    persona: Annotated[
        str | None,
        typer.Option(
            "--persona",
            help="Measure the data on this persona's customers (and, without JOURNEY, draw "
            "the persona's journey).",
        ),
    ] = None,
    with_data: Annotated[
        bool,
        typer.Option(
            "--with-data",
            help="Add what the data says: reach, conversion and time per stage, moments of "
            "truth found, NPS, the emotion measured from feedback and quotes.",
        ),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write (default: JOURNEY-SIZE.FORMAT in the current folder).",
            dir_okay=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Draw a journey as a poster to pin on the wall or share: the persona and scenario, the
    spine of stages, touchpoints with owners, thinking and feeling, the emotion curve, moments
    of truth, pain points with quotes, opportunities and, with data, a metrics strip."""
    chosen = format or _format_from(out) or PosterFormat.SVG
    started = time.monotonic()
    with RenderService.open(workspace_dir(ctx, workspace)) as service:
        journey_id = service.journey_for(journey, persona)

        def report(part: str) -> None:
            console.print(f"[dim]{time.monotonic() - started:5.1f} s  {part}[/dim]")

        poster = service.poster(
            journey_id,
            format=chosen,
            size=size,
            persona=persona,
            with_data=with_data,
            report=report if with_data else None,
        )
    target = out or Path(poster.file_name)
    _write_atomically(target, poster.content)
    console.print(
        f"Wrote {target} ({chosen.value}, {size.value}, {len(poster.content):,} bytes"
        f"{', with data' if with_data else ''}) in {time.monotonic() - started:.1f} s."
    )


def _format_from(path: Path | None) -> PosterFormat | None:
    if path is None:
        return None
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        suffix = "html"
    try:
        return PosterFormat(suffix)
    except ValueError:
        return None


def _write_atomically(target: Path, content: bytes) -> None:
    """Write beside the target and rename, so a failed write never leaves half a poster."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def report(
    ctx: typer.Context,
    journey: Annotated[
        str | None,
        typer.Argument(help="Id of the journey (or leave it out and give --persona)."),
    ] = None,
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder to write the site into.", file_okay=False),
    ] = Path("report"),
    persona: Annotated[
        str | None,
        typer.Option("--persona", help="Measure on this persona's customers."),
    ] = None,
    size: Annotated[
        PosterSize,
        typer.Option("--size", help="Print size of the poster's PDF and PNG."),
    ] = PosterSize.A1,
    workspace: WorkspaceOption = None,
) -> None:
    """Write a static site to share: the poster, every chart (funnel, paths, directly-follows
    graph, moments of truth, incidents, emotion per persona, NPS by stage), the ranked
    moments with an example path, the opportunity backlog and the incidents. It opens from
    the file system, with no server and no network."""
    started = time.monotonic()
    with RenderService.open(workspace_dir(ctx, workspace)) as service:
        journey_id = service.journey_for(journey, persona)

        def say(part: str) -> None:
            console.print(f"[dim]{time.monotonic() - started:5.1f} s  {part}[/dim]")

        result = write_report(service, journey_id, out, persona=persona, size=size, report=say)
    console.print(
        f"Wrote {result.index} ({len(result.files)} files, charts: "
        f"{', '.join(result.charts) or 'none'}) in {time.monotonic() - started:.1f} s."
    )
    for note in result.notes:
        console.print(f"[yellow]Not shown:[/yellow] {note}", soft_wrap=True)
