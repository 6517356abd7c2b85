"""A Rich progress bar for long work, fed by ``(phase, done, total)`` reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from journeymap.cli.output import console

Report = Callable[[str, int, int | None], None]


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Report | None]:
    """One bar per phase; ``total=None`` shows a running count. Disabled for JSON/CSV output."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description:<30}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield report
