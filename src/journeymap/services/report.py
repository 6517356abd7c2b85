"""``journeymap report``: a static site to share — the poster, every chart, the ranked moments
of truth with their evidence, the opportunity backlog and the incidents.

The site opens from the file system (``index.html`` links only to files beside it) and needs
no network. It is written into a staging folder and moved into place at the end, so a
failed run leaves the previous report as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from journeymap.analytics import Scope
from journeymap.engine import AnalyticsDatabase, NoEventsError, database_path
from journeymap.model import Journey
from journeymap.model.canonical import CUSTOMER_ID
from journeymap.moments.impact import MomentImpacts
from journeymap.render.charts.dfg import dfg_chart
from journeymap.render.charts.emotion import PersonaEmotions, emotion_chart
from journeymap.render.charts.funnel import funnel_chart
from journeymap.render.charts.impact import impact_chart
from journeymap.render.charts.incidents import incident_chart
from journeymap.render.charts.nps import nps_chart
from journeymap.render.charts.sankey import sankey_chart
from journeymap.render.html import Figure, HtmlPage, TableBlock, to_html
from journeymap.render.pdf import to_pdf
from journeymap.render.poster import poster_scene
from journeymap.render.raster import to_png
from journeymap.render.scene import Scene
from journeymap.render.style import PosterSize
from journeymap.render.svg import to_svg
from journeymap.services.analysis import AnalysisService
from journeymap.services.errors import JourneymapError, as_user_error
from journeymap.services.poster_data import OBSERVATION_WINDOW
from journeymap.services.render import PRINT_DPI, RenderService
from journeymap.services.voice import VoiceService

MARKER = ".journeymap-report"
"""A file in every report folder: only such a folder is ever replaced by a new report."""
SAMPLE_CUSTOMERS = 5
"""Customer ids shown behind each funnel bar in the HTML."""

Report = Callable[[str], None]


@dataclass(frozen=True)
class ReportResult:
    """What a report holds: its folder, the files written and what could not be shown."""

    folder: Path
    files: tuple[Path, ...]
    charts: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def index(self) -> Path:
        """The page to open."""
        return self.folder / "index.html"


@dataclass
class _Site:
    """The report being built: figures and tables for the page, files for the folder."""

    blocks: list[Figure | TableBlock] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    charts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def chart(self, name: str, heading: str, make: Callable[[], Scene], caption: str) -> None:
        """Draw one chart; one that has nothing to show becomes a note, not a failure."""
        try:
            scene = make()
        except (ValueError, JourneymapError) as error:
            self.notes.append(f"{heading}: {error}")
            return
        self.blocks.append(Figure(heading=heading, scene=scene, caption=caption, anchor=name))
        self.files[f"charts/{name}.svg"] = to_svg(scene).encode("utf-8")
        self.files[f"charts/{name}.png"] = to_png(scene, scale=2.0)
        self.charts.append(name)


def write_report(
    service: RenderService,
    journey_id: str,
    out: Path,
    *,
    persona: str | None = None,
    size: PosterSize = PosterSize.A1,
    report: Report | None = None,
) -> ReportResult:
    """Measure ``journey_id`` and write its report into the folder ``out``."""
    say = report or (lambda _: None)
    _check_target(out)
    site = _Site()
    measured = _has_events(service)
    content = service.poster_content(journey_id, persona=persona, with_data=measured, report=report)
    journey = content.journey
    with as_user_error():
        poster = poster_scene(content, size=size)
    site.files["poster.svg"] = to_svg(poster).encode("utf-8")
    site.files["poster.pdf"] = to_pdf(poster)
    site.files["poster.png"] = to_png(poster, dpi=PRINT_DPI)
    site.blocks.append(
        Figure(
            heading="The journey map",
            scene=poster,
            caption=f"Hover or tab to any card for its whole story. Print: poster.pdf "
            f"({size.value}), poster.png, poster.svg.",
            anchor="poster",
        )
    )
    if measured:
        _measured_sections(service, journey, content.persona.segment, site, say)
    else:
        site.notes.append(
            "No events imported: the report shows the map only "
            "(import them with `journeymap import events FILE...`)."
        )
    links = (("Poster (PDF)", "poster.pdf"), ("Poster (PNG)", "poster.png"),
             ("Poster (SVG)", "poster.svg"))  # fmt: skip
    if site.notes:
        site.blocks.append(
            TableBlock(heading="Not shown, and why", columns=("note",),
                       rows=tuple((note,) for note in site.notes), anchor="notes")
        )  # fmt: skip
    page = HtmlPage(
        title=f"{journey.name}: journey report",
        subtitle=journey.description,
        blocks=site.blocks,
        full_text_of=poster,
        links=links + tuple((f.heading, f"#{f.anchor}") for f in site.blocks[1:] if f.anchor),
    )
    site.files["index.html"] = to_html(page).encode("utf-8")
    site.files[MARKER] = f"journeymap report of {journey.id}\n".encode()
    say("writing the site")
    files = _publish(site.files, out)
    return ReportResult(folder=out, files=files, charts=tuple(site.charts), notes=tuple(site.notes))


def _measured_sections(
    service: RenderService, journey: Journey, segment: str | None, site: _Site, say: Report
) -> None:
    database = AnalyticsDatabase.open(database_path(service.workspace.layout.data_dir))
    try:
        analysis = AnalysisService(service.workspace, database)
        scope = Scope(segment=segment) if segment else Scope()
        _funnel(analysis, journey, scope, site, say)
        say("paths and the directly-follows graph")
        start = _first_reached(journey)
        site.chart(
            "paths", "Paths from the first touchpoint",
            lambda: sankey_chart(analysis.path_flows(journey.id, start, steps=4, scope=scope)),
            f"Where customers go in their next four touchpoints after {start}.",
        )  # fmt: skip
        site.chart(
            "dfg", "Directly-follows graph of the touchpoints",
            lambda: dfg_chart(analysis.directly_follows(journey.id, by_touchpoint=True,
                                                        scope=scope), show_median=True,
                              max_edges=30),
            "Which touchpoint follows which, how often, and the median time between them.",
        )  # fmt: skip
        say("moments of truth")
        impacts = _impacts(analysis, journey, scope, site)
        if impacts is not None:
            for outcome in _outcomes_with_findings(impacts):
                site.chart(
                    f"moments-{outcome}", f"Moments of truth for {outcome}",
                    lambda outcome=outcome: impact_chart(impacts, outcome=outcome, top=12),  # type: ignore[misc]
                    "Adjusted effect with its 95% interval; shape and colour say the kind "
                    "found, a filled marker that it is significant.",
                )  # fmt: skip
            _moment_table(analysis, journey, impacts, scope, site)
            _backlog(analysis, journey, scope, site)
        say("incidents")
        _incidents(analysis, journey, scope, site)
        _feedback_charts(service, database, journey, segment, site, say)
    finally:
        database.close()


def _funnel(
    analysis: AnalysisService, journey: Journey, scope: Scope, site: _Site, say: Report
) -> None:
    if not journey.funnels:
        site.notes.append("Funnel: the journey declares no funnel (add one under `funnels:`).")
        return
    declared = journey.funnels[0]
    say(f"funnel {declared.id}")
    window = dt.timedelta(hours=declared.window_hours)
    result = analysis.funnel(journey.id, declared.steps, window=window, scope=scope)
    behind = analysis.funnel_customers(journey.id, declared.steps, window=window, scope=scope)
    samples: dict[str, list[str]] = {}
    for step in result.steps:
        reached = behind.filter(behind.level >= step.step).order_by(CUSTOMER_ID)
        ids = reached.select(CUSTOMER_ID).limit(SAMPLE_CUSTOMERS).to_pyarrow()
        samples[step.name] = [str(v) for v in ids[CUSTOMER_ID].to_pylist()]
    site.chart(
        "funnel", f"Funnel: {declared.name}",
        lambda: funnel_chart(result, title=f"Funnel: {declared.name}", customers=samples),
        f"Customers at each step within {declared.window_hours:g} hours of the first; hover a "
        "bar for customers behind it.",
    )  # fmt: skip


def _first_reached(journey: Journey) -> str:
    funnels = journey.funnels
    if funnels:
        return funnels[0].steps[0]
    return next(tp.id for _, tp in journey.touchpoints())


def _impacts(
    analysis: AnalysisService, journey: Journey, scope: Scope, site: _Site
) -> MomentImpacts | None:
    try:
        return analysis.moment_impacts(journey.id, scope=scope, observed_before=OBSERVATION_WINDOW)
    except (JourneymapError, NoEventsError) as error:
        site.notes.append(f"Moments of truth: {error}")
        return None


def _moment_table(
    analysis: AnalysisService, journey: Journey, impacts: MomentImpacts, scope: Scope, site: _Site
) -> None:
    names = {tp.id: tp.name for _, tp in journey.touchpoints()}
    significant = [i for i in impacts.impacts if i.significant]
    rows = []
    for rank, impact in enumerate(significant[:15], start=1):
        c = impact.comparison
        verdict = next(
            (v for v in impacts.verdicts
             if v.touchpoint == impact.touchpoint and v.outcome == impact.outcome), None,
        )  # fmt: skip
        example = ""
        if rank <= 5:
            try:
                found = analysis.moment_evidence(
                    journey.id, impact.column, outcome=impact.outcome, examples=1, scope=scope,
                    observed_before=OBSERVATION_WINDOW,
                )  # fmt: skip
                example = found.examples[0].text() if found.examples else ""
            except JourneymapError:
                example = ""
        rows.append((
            str(rank), names.get(impact.touchpoint, impact.touchpoint), impact.signal,
            impact.outcome, _rate(c.outcome_with, impact.numeric),
            _rate(c.outcome_without, impact.numeric), f"{c.with_signal:,}",
            f"{impact.q_value:.2g}" if impact.q_value is not None else "",
            verdict.found.value.replace("_", " ") if verdict else "",
            verdict.note if verdict else "", example,
        ))  # fmt: skip
    site.blocks.append(
        TableBlock(
            heading="Moments of truth, ranked",
            columns=("rank", "touchpoint", "signal", "outcome", "with", "without", "customers",
                     "q", "found", "against the map", "an example customer's path"),
            rows=tuple(rows),
            caption=f"Significant at {impacts.fdr:.0%} false discovery rate, ranked by impact "
            "x reach; observed before the last 45 days, outcomes after.",
            anchor="moments-table",
        )
    )  # fmt: skip


def _outcomes_with_findings(impacts: MomentImpacts, *, most: int = 3) -> list[str]:
    """The outcomes with the most significant signals (journey order breaks ties)."""
    order = list(dict.fromkeys(i.outcome for i in impacts.impacts))
    counts = {o: sum(i.significant for i in impacts.impacts if i.outcome == o) for o in order}
    ranked = sorted(order, key=lambda o: (-counts[o], order.index(o)))
    return [o for o in ranked if counts[o]][:most]


def _rate(value: float | None, numeric: bool) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if numeric else f"{value:.0%}"


def _backlog(analysis: AnalysisService, journey: Journey, scope: Scope, site: _Site) -> None:
    try:
        backlog = analysis.opportunities(
            journey.id, scope=scope, observed_before=OBSERVATION_WINDOW
        )
    except JourneymapError as error:
        site.notes.append(f"Opportunity backlog: {error}")
        return
    rows = tuple(
        (str(rank), s.title, s.touchpoint_name, s.owner or "", s.outcome_name,
         f"{s.customers_affected:,}", f"{s.gain:,.1f}", s.basis)
        for rank, s in enumerate(backlog.suggestions[:20], start=1)
    )  # fmt: skip
    site.blocks.append(
        TableBlock(
            heading="Opportunity backlog",
            columns=("rank", "opportunity", "touchpoint", "owner", "outcome",
                     "customers affected", "expected gain", "if it performed like its"),
            rows=rows,
            caption="Accept one with `journeymap opportunities accept` to put it on the map.",
            anchor="backlog",
        )
    )  # fmt: skip


def _incidents(analysis: AnalysisService, journey: Journey, scope: Scope, site: _Site) -> None:
    try:
        monitoring = analysis.monitor(journey.id, scope=scope)
    except JourneymapError as error:
        site.notes.append(f"Incidents: {error}")
        return
    incidents = monitoring.incidents
    site.chart(
        "incidents", "Incidents", lambda: incident_chart(incidents),
        "Drops in funnel steps and rises in negative signals against a rolling baseline.",
    )  # fmt: skip
    site.blocks.append(
        TableBlock(
            heading="Incidents",
            columns=("what", "from", "to", "rate", "baseline", "customers affected", "open"),
            rows=tuple(
                (i.name, str(i.start), str(i.end), f"{i.observed_rate:.0%}",
                 f"{i.baseline_rate:.0%}", f"{i.customers_affected:,}",
                 "open" if i.open else "")
                for i in incidents
            ),
            anchor="incidents-table",
        )
    )  # fmt: skip


def _feedback_charts(
    service: RenderService,
    database: AnalyticsDatabase,
    journey: Journey,
    segment: str | None,
    site: _Site,
    say: Report,
) -> None:
    try:
        database.feedback_table()
    except NoEventsError:
        site.notes.append("Emotion and NPS: no feedback imported (`journeymap import feedback`).")
        return
    say("feedback: emotion per persona and NPS")
    voice = VoiceService(service.workspace, database)
    workspace = service.workspace.load()
    personas = [
        PersonaEmotions(
            persona=workspace.persona(other.persona).name,
            emotions=voice.measured_emotions(
                other.id, segment=workspace.persona(other.persona).segment
            ),
        )
        for other in workspace.journeys
    ]
    site.chart(
        "emotion", "Emotion curve per persona", lambda: emotion_chart(personas),
        "Each persona's journey: the team's assumed emotion (dashed) and the one measured "
        "from its customers' feedback (solid, with its 95% interval).",
    )  # fmt: skip
    site.chart(
        "nps", "NPS by stage", lambda: nps_chart(voice.scores(journey.id, segment=segment)),
        "NPS answers assigned to each stage, with 95% intervals.",
    )  # fmt: skip


def _has_events(service: RenderService) -> bool:
    try:
        database = AnalyticsDatabase.open(database_path(service.workspace.layout.data_dir))
    except NoEventsError:
        return False
    try:
        database.events_table()
    except NoEventsError:
        return False
    finally:
        database.close()
    return True


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise JourneymapError(
            f"{out} exists and is not a journeymap report; nothing was written.",
            hint="Choose a new folder, or an earlier report's folder to replace it.",
        )


def _publish(files: dict[str, bytes], out: Path) -> tuple[Path, ...]:
    """Write the files into a staging folder beside ``out``, then swap it in."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a report is for sharing
    try:
        for name, content in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if out.exists():
            retired = out.with_name(f".{out.name}.old")
            shutil.rmtree(retired, ignore_errors=True)
            out.rename(retired)
            staging.rename(out)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return tuple(out / name for name in sorted(files))
