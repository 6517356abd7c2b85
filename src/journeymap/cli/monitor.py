"""``journeymap monitor``: watch a journey's funnels and signals for outages, for people and
for cron.

Thin: options in, :meth:`~journeymap.services.analysis.AnalysisService.monitor` call,
incidents out, new ones POSTed to the webhook of ``journeymap.toml``
(:mod:`journeymap.services.alerts`). Exit status: 0 when nothing is open, 1 while an
incident is open, 2 when it could not check (bad option, map, data or settings), so a cron
job or a CI step can tell an outage from a broken check. The method is explained in
``docs/moments.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.markup import escape

from journeymap.cli.analyze import (
    ChannelOption,
    FromOption,
    JourneyArgument,
    PersonaOption,
    SegmentOption,
    ToOption,
    parse_duration,
    scope_from_options,
)
from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.errors import report_errors
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, emit, error_console
from journeymap.moments import Incident, JourneyMonitoring
from journeymap.services.alerts import AlertReport, Webhook, alert_new_incidents
from journeymap.services.analysis import AnalysisService
from journeymap.services.errors import JourneymapError
from journeymap.services.layout import WorkspaceLayout
from journeymap.services.settings import load_settings

TABLE_COLUMNS = ["what", "start", "end", "open", "baseline_rate", "observed_rate",
                 "customers_affected"]  # fmt: skip
COLUMNS = ["kind", "funnel", "step", "touchpoint", "signal", "start", "end", "open",
           "baseline_rate", "observed_rate", "change", "customers_affected", "p_value"]  # fmt: skip


def monitor(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    steps: Annotated[
        str | None,
        typer.Option(
            "--steps",
            help="An ad hoc funnel: touchpoint ids in order, comma-separated (instead of the "
            "journey's declared funnels).",
        ),
    ] = None,
    funnel: Annotated[
        str | None, typer.Option("--funnel", help="Watch only this declared funnel (its id).")
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Conversion window, e.g. 2d (default: each funnel's window_hours; 2d for "
            "--steps).",
        ),
    ] = None,
    period: Annotated[
        str,
        typer.Option(
            "--period", help="auto (hours when the volume allows, else days), hour, day or week."
        ),
    ] = "auto",
    alpha: Annotated[
        float,
        typer.Option("--alpha", min=1e-12, max=0.1, help="Significance of each test."),
    ] = 0.0001,
    recent: Annotated[
        int,
        typer.Option(
            "--recent",
            min=1,
            help="Also list incidents that ended in the last N days; open ones always.",
        ),
    ] = 30,
    signals: Annotated[
        bool,
        typer.Option(
            "--signals/--no-signals",
            help="Also watch the late, failed and negative-feedback signals' rates for rises.",
        ),
    ] = True,
    webhook: Annotated[
        str | None,
        typer.Option(
            "--webhook", help="POST new incidents to this URL (overrides journeymap.toml)."
        ),
    ] = None,
    no_webhook: Annotated[
        bool, typer.Option("--no-webhook", help="Post nothing, whatever journeymap.toml says.")
    ] = False,
    start: FromOption = None,
    end: ToOption = None,
    channel: ChannelOption = None,
    segment: SegmentOption = None,
    persona: PersonaOption = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Watch a journey's funnels and signals for outages; exits 1 while an incident is open.

    Each step of every funnel the journey declares (or of --steps) is tested per period
    against its rolling baseline for drops, and each late, failed or negative-feedback
    signal for rises; significant ones, merged into incidents, are listed with their
    start, end, size and the customers they cost. New incidents go to the webhook.
    """
    touchpoints = None
    if steps is not None:
        touchpoints = [s.strip() for s in steps.split(",") if s.strip()]
        if len(touchpoints) < 2:
            raise typer.BadParameter("give at least two touchpoints", param_hint="--steps")
    if period not in ("auto", "hour", "day", "week"):
        raise typer.BadParameter("use auto, hour, day or week", param_hint="--period")
    duration = parse_duration(window) if window is not None else None
    folder = workspace_dir(ctx, workspace)
    with _could_not_check():
        layout = WorkspaceLayout(folder)
        target = None if no_webhook else Webhook.from_settings(
            load_settings(layout.settings_file).monitor, url=webhook
        )  # fmt: skip
        with AnalysisService.open(folder) as analysis:
            scope = scope_from_options(analysis, journey_id, start, end, channel, segment, persona)
            found = analysis.monitor(journey_id, touchpoints, funnel=funnel, window=duration,
                                     period=period, alpha=alpha, signals=signals, scope=scope)  # fmt: skip
    shown = _shown(found, recent)
    # People get one readable column for what moved; scripts get every field apart.
    columns = TABLE_COLUMNS if output is OutputFormat.TABLE else COLUMNS
    emit([_row(i) for i in shown], columns=columns, output=output, title=_title(found))
    if target is not None and shown:
        try:
            report = alert_new_incidents(found.journey, shown, webhook=target,
                                         state_file=layout.posted_incidents_file)  # fmt: skip
        except (JourneymapError, OSError) as error:
            # The check itself worked: say why nothing was posted, keep the exit status.
            error_console.print(f"[yellow]warning[/yellow] no incident was posted: {escape(str(error))}",
                                highlight=False, soft_wrap=True)  # fmt: skip
        else:
            _warn(report, target)
    if found.open_incidents:
        raise typer.Exit(1)


@contextmanager
def _could_not_check() -> Iterator[None]:
    """Known errors print as everywhere, but exit 2: 1 means an open incident here."""
    try:
        with report_errors():
            yield
    except typer.Exit as stop:
        raise typer.Exit(2) from stop


def _shown(found: JourneyMonitoring, recent: int) -> list[Incident]:
    """Open incidents and those that ended within ``recent`` days of the last test."""
    until = found.checked_until
    if until is None:
        return list(found.incidents)
    since = until - dt.timedelta(days=recent)
    return [i for i in found.incidents if i.open or i.ends_at > since]


def _row(incident: Incident) -> dict[str, object]:
    if incident.signal is not None:
        what = f"{incident.name} {incident.signal} rose"
    else:
        what = f"{incident.funnel or 'steps'} {incident.step} {incident.name} fell"
    return {
        "what": what,
        "kind": incident.kind, "funnel": incident.funnel, "step": incident.step,
        "touchpoint": incident.name, "signal": incident.signal, "start": incident.start,
        "end": incident.end, "open": incident.open, "baseline_rate": incident.baseline_rate,
        "observed_rate": incident.observed_rate, "change": incident.change,
        "customers_affected": incident.customers_affected, "p_value": incident.p_value,
    }  # fmt: skip


def _title(found: JourneyMonitoring) -> str:
    watched = [f"funnel {m.funnel or '--steps'} by {m.period}" for m in found.funnels]
    if found.signals is not None:
        watched.append(f"signals by {found.signals.period}")
    until = found.checked_until
    tested = f", tested up to {until:%Y-%m-%d %H:%M} UTC" if until else ", nothing complete yet"
    return f"Incidents on {found.journey} ({'; '.join(watched)}{tested})"


def _warn(report: AlertReport, webhook: Webhook) -> None:
    for failure in report.failed:
        text = (
            f"the webhook {webhook.url} did not take incident {failure.key} after "
            f"{failure.attempts} attempt(s) ({failure.error}); it will be sent again on the "
            "next run."
        )
        error_console.print(f"[yellow]warning[/yellow] {escape(text)}", highlight=False,
                            soft_wrap=True)  # fmt: skip
