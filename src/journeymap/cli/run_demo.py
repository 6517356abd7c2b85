"""``journeymap demo``: build the demo workspace and print what is in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from journeymap.cli import web
from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit
from journeymap.cli.progress import progress_bar
from journeymap.model import MomentKind
from journeymap.render.style import PosterSize
from journeymap.services import DemoResult, build_demo
from journeymap.services.render import PosterFormat, RenderService


def _print_summary(result: DemoResult) -> None:
    manifest = result.manifest
    workspace = result.workspace
    console.print(
        f"\n[bold]Demo workspace ready[/bold] in {result.layout.root} "
        f"({result.seconds:.1f} s): {manifest.store}, seed {manifest.seed}, "
        f"{manifest.days} days from {manifest.start}."
    )
    rows = []
    for journey in workspace.journeys:
        touchpoints = [t for _, t in journey.touchpoints()]
        rows.append(
            {
                "journey": journey.id,
                "persona": workspace.persona(journey.persona).name,
                "stages": len(journey.stages),
                "touchpoints": len(touchpoints),
                "moments_of_truth": sum(t.moment is not MomentKind.NONE for t in touchpoints),
            }
        )
    emit(
        rows,
        columns=["journey", "persona", "stages", "touchpoints", "moments_of_truth"],
        output=OutputFormat.TABLE,
        title="The team's maps",
    )
    emit(
        [{"file": f.path, "rows": f"{f.rows:,}", "what": f.description} for f in manifest.files],
        columns=["file", "rows", "what"],
        output=OutputFormat.TABLE,
        title="Generated data",
    )
    emit(
        [
            {"truth": t.id, "what": t.title, "expected effect": t.expected_effect}
            for t in manifest.truths
        ],
        columns=["truth", "what", "expected effect"],
        output=OutputFormat.TABLE,
        title="Planted truths (manifest.json) the analytics must find",
    )
    console.print(
        f"Next: `cd {result.layout.root.name}`, then `journeymap show`, or measure a map:\n"
        "  journeymap analyze funnel busy-parent-journey "
        "--steps basket,delivery-options,payment --window 2d --daily\n"
        "  journeymap moments rank busy-parent-journey --observed-before 45d "
        "--control-by persona_truth --top 8\n"
        "  journeymap opportunities suggest busy-parent-journey --by carrier --top 5\n"
        "  journeymap monitor busy-parent-journey\n"
        "  journeymap feedback themes busy-parent-journey --touchpoint home-delivery\n"
        "  journeymap render busy-parent-journey --with-data --size A1 -o poster.pdf\n"
        "See docs/getting-started.md, docs/moments.md, docs/feedback.md and docs/poster.md.",
        soft_wrap=True,  # commands stay on one line, ready to copy
        highlight=False,
    )


def demo(
    ctx: typer.Context,
    customers: Annotated[
        int,
        typer.Option("--customers", min=100, help="Customers to simulate (about 20 events each)."),
    ] = 50_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same data.")] = 7,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace the folder even if it holds a non-demo workspace."),
    ] = False,
    posters: Annotated[
        bool,
        typer.Option(
            "--posters/--no-posters",
            help="Also draw each journey's poster with its data (HTML and A1 PDF) in posters/.",
        ),
    ] = True,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Then start the web app on the demo (as `journeymap serve`; Ctrl+C stops it).",
        ),
    ] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port for --serve.")] = 8000,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Build the demo workspace: an online store's maps, events, customers, texts and truths,
    each journey's poster and an owner account for the web app."""
    with progress_bar(output is OutputFormat.TABLE) as report:
        result = build_demo(
            workspace_dir(ctx, workspace),
            customers=customers,
            seed=seed,
            force=force,
            progress=report,
        )
    drawn = _draw_posters(result, announce=output is OutputFormat.TABLE) if posters else []
    login = result.login
    if output is OutputFormat.TABLE:
        _print_summary(result)
        if drawn:
            console.print("Posters, with the data: " + ", ".join(str(p) for p in drawn))
        console.print(
            f"Web app login: [bold]{login.username}[/bold] / [bold]{login.password}[/bold] "
            "(an owner; a new password each time the demo is built)",
            highlight=False,
        )
        if serve:
            web.serve(ctx, port=port, workspace=result.layout.root)
        return
    rows: list[dict[str, object]] = [
        {"item": "workspace", "value": str(result.layout.root)},
        {"item": "seconds", "value": round(result.seconds, 2)},
        {"item": "journeys", "value": len(result.workspace.journeys)},
        {"item": "customers", "value": result.manifest.customers},
        {"item": "events", "value": result.manifest.events},
    ]
    rows += [{"item": f"truth:{t.id}", "value": t.title} for t in result.manifest.truths]
    rows += [{"item": "poster", "value": str(path)} for path in drawn]
    rows += [
        {"item": "login:username", "value": login.username},
        {"item": "login:password", "value": login.password},
    ]
    emit(rows, columns=["item", "value"], output=output)
    if serve:
        web.serve(ctx, port=port, workspace=result.layout.root)


def _draw_posters(result: DemoResult, *, announce: bool) -> list[Path]:
    """Each journey's poster with its data, as interactive HTML and as an A1 PDF."""
    folder = result.layout.root / "posters"
    folder.mkdir(exist_ok=True)
    drawn = []
    with RenderService.open(result.layout.root) as service:
        for journey in result.workspace.journeys:
            if announce:
                console.print(f"[dim]Drawing the poster of {journey.id}...[/dim]")
            for poster in service.posters(
                journey.id,
                formats=(PosterFormat.HTML, PosterFormat.PDF),
                size=PosterSize.A1,
                with_data=True,
            ):
                path = folder / poster.file_name
                path.write_bytes(poster.content)
                drawn.append(path.relative_to(result.layout.root.parent))
    return drawn


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command()(demo)
