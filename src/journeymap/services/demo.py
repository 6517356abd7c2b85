"""Build the demo workspace: generated data (imported, ready to analyse) plus the demo
store's maps, saved as version 1.

Everything is built in a staging folder next to the target and swapped in at the end, so
an interrupted or failed run never leaves a half-built workspace behind, and re-running
``journeymap demo`` replaces an earlier demo cleanly.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from journeymap.demo import DemoManifest, demo_workspace, generate_demo
from journeymap.engine import AnalyticsDatabase, database_path
from journeymap.ingest import read_customers, read_events
from journeymap.model import Workspace
from journeymap.services.accounts import AccountsService
from journeymap.services.errors import WorkspaceExistsError
from journeymap.services.feedback import FeedbackImportOptions, import_feedback_files
from journeymap.services.layout import DATABASE_URL_VARIABLE, WorkspaceLayout, current_author
from journeymap.services.workspace import WorkspaceService
from journeymap.store import Store

Progress = Callable[[str, int, int], None]

DEMO_FEEDBACK_FILES = ("support.mbox", "reviews.csv", "nps.csv")
"""The demo's customer texts in its ``feedback`` folder, imported with the events."""


@dataclass(frozen=True)
class DemoLogin:
    """The demo's owner account for the web app; a new password at every build."""

    username: str
    password: str


DEMO_OWNER = "demo"


@dataclass(frozen=True)
class DemoResult:
    """The demo workspace that was built and what went into it."""

    layout: WorkspaceLayout
    workspace: Workspace
    manifest: DemoManifest
    seconds: float
    login: DemoLogin


def build_demo(
    directory: Path,
    *,
    customers: int = 50_000,
    seed: int = 7,
    force: bool = False,
    progress: Progress | None = None,
) -> DemoResult:
    """Generate the demo store's data and maps into ``directory`` (replacing an earlier demo)."""
    started = time.perf_counter()
    layout = WorkspaceLayout(directory.resolve())
    if layout.exists() and not layout.manifest_file.exists() and not force:
        raise WorkspaceExistsError(
            f"{layout.root} holds a workspace that is not a demo; the demo would replace it.",
            hint="Choose another folder with --workspace, or pass --force to replace it.",
        )
    layout.root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{layout.root.name}-", dir=layout.root.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the workspace is meant to be shared
    try:
        manifest = generate_demo(staging, customers=customers, seed=seed, progress=progress)
        staged = WorkspaceLayout(staging)
        _import_data(staged, progress)
        uses_folder_store = not os.environ.get(DATABASE_URL_VARIABLE)
        if uses_folder_store:
            _save_maps(staged)
        _swap_in(staging, layout.root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not uses_folder_store:
        _save_maps(layout)
    with WorkspaceService.open(layout.root) as service:
        workspace = service.load()
        login = _demo_owner(service.store)
    return DemoResult(
        layout=layout,
        workspace=workspace,
        manifest=manifest,
        seconds=time.perf_counter() - started,
        login=login,
    )


def _demo_owner(store: Store) -> DemoLogin:
    """An owner for the web app with a fresh random password (printed, never a default).

    A demo in a shared PostgreSQL store is rebuilt in place, so an earlier demo owner gets
    a new password rather than a second account.
    """
    password = secrets.token_urlsafe(15)  # 20 characters
    accounts = AccountsService(store)
    existing = store.people.user_named(DEMO_OWNER)
    if existing is None:
        accounts.add_user(DEMO_OWNER, password, role="owner", display_name="Demo owner")
    else:
        accounts.set_password(existing.id, password)
    return DemoLogin(username=DEMO_OWNER, password=password)


def _import_data(layout: WorkspaceLayout, progress: Progress | None) -> None:
    """Load the generated events, customers and customer texts into the analytics database.

    The feedback files import with personal data redacted, as any workspace's would; the
    answer key beside them (``feedback/labels.csv``) is not feedback and stays out.
    """

    def report(phase: str, done: int, total: int | None) -> None:
        if progress is not None:
            progress(f"Importing events ({phase})", done, total or done)

    with AnalyticsDatabase.open(database_path(layout.data_dir)) as database:
        database.import_events(
            [read_events(layout.data_dir / "events.parquet")], max_rejects=0, progress=report
        )
        database.import_customers(
            [read_customers(layout.data_dir / "customers.parquet")], max_rejects=0
        )
        texts = [layout.feedback_dir / name for name in DEMO_FEEDBACK_FILES]
        import_feedback_files(database, texts, FeedbackImportOptions(max_rejects=0))


def _save_maps(layout: WorkspaceLayout) -> None:
    with Store.open(layout.store_url()) as store:
        service = WorkspaceService(layout, store)
        service.save(
            demo_workspace(), author=current_author(), message="Demo workspace: the team's maps"
        )


def _swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with renames, so readers see the old or the new folder."""
    if not target.exists():
        staging.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
