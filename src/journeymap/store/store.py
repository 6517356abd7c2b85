"""The workspace store: current maps, every saved version, and safe concurrent saves.

>>> from journeymap.model import Journey, Persona, Workspace
>>> with Store.open(sqlite_url(tmp_path / "journeymap.db")) as store:  # doctest: +SKIP
...     store.save_workspace(
...         Workspace(personas=[Persona(id="pat", name="Pat")],
...                   journeys=[Journey(id="buy", name="Buying", persona="pat")]),
...         author="alice", message="first map")
...     store.head("buy").number
1

Every write is one transaction. Saves are checked first (references to personas and
teams must resolve, :func:`journeymap.model.find_problems` must find nothing), so an
invalid document writes nothing. A journey save names the version it started from;
the store refuses it when someone saved a newer one meanwhile (:class:`ConflictError`),
deciding races in the database itself (see :func:`journeymap.store.state.advance_journey`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from journeymap.model import Journey, Problem, Workspace, find_problems
from journeymap.model.integrity import journey_problems
from journeymap.store import conflicts, history, state
from journeymap.store.collaboration import Collaboration
from journeymap.store.diff import JourneyDiff, diff_journeys
from journeymap.store.engine import create_store_engine, describe_url, writer
from journeymap.store.errors import InvalidWorkspaceError, NotFoundError, StoreError, choices
from journeymap.store.history import VersionInfo
from journeymap.store.migrate import upgrade_to_head
from journeymap.store.people import People
from journeymap.store.rows import document, journey_rows, persona_row, team_row
from journeymap.store.tables import journeys, opportunities, personas, teams, touchpoints


class Store:
    """A workspace in a SQLite file or a PostgreSQL database; open it with :meth:`open`.

    One store may serve many threads: it keeps no state besides its connection pool.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = writer(engine)

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect to the store at ``url``, creating or upgrading its schema as needed."""
        engine = create_store_engine(url)
        try:
            upgrade_to_head(engine)
        except OperationalError as error:
            engine.dispose()
            raise StoreError(
                f"cannot open the store at {describe_url(engine)}: {error.orig}. Check that "
                "the database server runs and the URL is right, or for SQLite that the "
                "folder exists and is writable."
            ) from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for tooling and tests that hook its events."""
        return self._engine

    @property
    def people(self) -> People:
        """Accounts, sessions, API tokens and customer invitations (the web app's)."""
        return People(self._engine)

    @property
    def collaboration(self) -> Collaboration:
        """Comments, customers' validations, journey reviews and background jobs."""
        return Collaboration(self._engine)

    def close(self) -> None:
        """Release every connection."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({describe_url(self._engine)!r})"

    # -- reading ---------------------------------------------------------------------------

    def load_workspace(self) -> Workspace:
        """Everything current: personas, teams and journeys at their head, in workspace order."""
        with self._engine.connect() as connection:
            return state.load_workspace(connection)

    def journey_ids(self) -> list[str]:
        """Ids of the current journeys, in workspace order."""
        with self._engine.connect() as connection:
            return state.ids(connection, journeys)

    def head(self, journey_id: str) -> VersionInfo:
        """The current version of a journey."""
        with self._engine.connect() as connection:
            return self._head(connection, journey_id)

    def versions(self, journey_id: str) -> list[VersionInfo]:
        """Every version of a journey, oldest first (also of a deleted journey)."""
        with self._engine.connect() as connection:
            found = history.version_infos(connection, journey_id)
            if not found:
                raise history.not_found(connection, journey_id)
            return found

    def journey_at(self, journey_id: str, version: int | None = None) -> Journey:
        """A journey as saved in ``version``, or its head when ``version`` is ``None``."""
        with self._engine.connect() as connection:
            return self._journey_at(connection, journey_id, version)

    def diff(self, journey_id: str, old_version: int, new_version: int) -> JourneyDiff:
        """What changed in a journey from one version to another."""
        with self._engine.connect() as connection:
            old = self._journey_at(connection, journey_id, old_version)
            new = self._journey_at(connection, journey_id, new_version)
        return diff_journeys(old, new)

    # -- writing ---------------------------------------------------------------------------

    def save_workspace(
        self, workspace: Workspace, *, author: str, message: str
    ) -> list[VersionInfo]:
        """Save a whole or partial workspace; the new versions, in document order.

        Personas and teams are inserted or updated, journeys that differ from their head
        get a new version. Nothing is deleted: what the document leaves out stays (use
        :meth:`delete_journey`, :meth:`delete_persona`, :meth:`delete_team`).
        """
        with self._write() as connection:
            problems = find_problems(
                workspace,
                extra_personas=state.ids(connection, personas),
                extra_teams=state.ids(connection, teams),
            )
            if problems:
                raise InvalidWorkspaceError(problems, subject=f"workspace {workspace.name!r}")
            state.write_meta(connection, name=workspace.name, description=workspace.description)
            places = state.place(connection, personas, [p.id for p in workspace.personas])
            state.upsert(
                connection, personas, [persona_row(p, places[p.id]) for p in workspace.personas]
            )
            places = state.place(connection, teams, [t.id for t in workspace.teams])
            state.upsert(connection, teams, [team_row(t, places[t.id]) for t in workspace.teams])
            places = state.place(connection, journeys, [j.id for j in workspace.journeys])
            saved = []
            for journey in workspace.journeys:
                info, created = self._commit(
                    connection,
                    journey,
                    base_version=state.head_version(connection, journey.id),
                    author=author,
                    message=message,
                    position=places[journey.id],
                )
                if created:
                    saved.append(info)
            return saved

    def save_journey(
        self, journey: Journey, *, author: str, message: str, base_version: int | None
    ) -> VersionInfo:
        """Save one journey as a new version of ``base_version`` (``None``: a new journey).

        Raises :class:`ConflictError` when the head is no longer ``base_version``. Saving
        content equal to the head creates no version and returns the head.
        """
        with self._write() as connection:
            self._check(connection, journey)
            info, _ = self._commit(
                connection, journey, base_version=base_version, author=author, message=message
            )
            return info

    def restore(
        self, journey_id: str, version: int, *, author: str, message: str | None = None
    ) -> VersionInfo:
        """Make an old version current again by saving it as a new version.

        History is never rewritten. Restoring a deleted journey brings it back; restoring
        content equal to the head creates nothing and returns the head.
        """
        with self._write() as connection:
            journey = Journey.model_validate(
                history.version_document(connection, journey_id, version)
            )
            self._check(connection, journey)
            info, _ = self._commit(
                connection,
                journey,
                base_version=state.head_version(connection, journey_id),
                author=author,
                message=message or f"Restored version {version}",
            )
            return info

    def delete_journey(self, journey_id: str, *, author: str) -> None:
        """Take a journey out of the current state; its versions stay and can be restored."""
        with self._write() as connection:
            head = state.head_version(connection, journey_id)
            if head is None:
                raise self._not_current(connection, journey_id)
            state.delete_journey(connection, journey_id)
            history.record_deletion(connection, journey_id, after_version=head, author=author)

    def delete_persona(self, persona_id: str) -> None:
        """Remove a persona no current journey uses."""
        with self._write() as connection:
            users = state.journeys_using(connection, journeys, "persona_id", persona_id)
            self._delete(connection, personas, persona_id, users, field="persona")

    def delete_team(self, team_id: str) -> None:
        """Remove a team that owns no touchpoint or opportunity of a current journey."""
        with self._write() as connection:
            users = sorted(
                set(state.journeys_using(connection, touchpoints, "owner_team_id", team_id))
                | set(state.journeys_using(connection, opportunities, "owner_team_id", team_id))
            )
            self._delete(connection, teams, team_id, users, field="owner_team")

    # -- internals -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._writer.begin() as connection:
                yield connection
        except IntegrityError as error:
            # Checks ran first, so only another writer can have made a row go missing
            # or appear (e.g. a persona deleted between our check and our insert).
            raise conflicts.concurrent_write(error.orig) from error

    def _check(self, connection: Connection, journey: Journey) -> None:
        problems = journey_problems(
            journey,
            (),
            personas=state.ids(connection, personas),
            teams=state.ids(connection, teams),
        )
        if problems:
            raise InvalidWorkspaceError(problems, subject=f"journey {journey.id!r}")

    def _commit(
        self,
        connection: Connection,
        journey: Journey,
        *,
        base_version: int | None,
        author: str,
        message: str,
        position: int | None = None,
    ) -> tuple[VersionInfo, bool]:
        """Write a checked journey as the version after ``base_version``; (info, created)."""
        journey_id = journey.id
        saved = document(journey)
        place = state.position_of(connection, journey_id) if position is None else position
        if base_version is None:
            if state.head_version(connection, journey_id) is not None:
                raise conflicts.already_exists(connection, journey_id)
            number = history.last_number(connection, journey_id) + 1
            try:
                # A savepoint, so that after a refused insert we can still ask who won.
                with connection.begin_nested():
                    state.insert_journey(
                        connection, journey_rows(journey, position=place, head_version=number)
                    )
            except IntegrityError:
                if state.head_version(connection, journey_id) is not None:
                    raise conflicts.already_exists(connection, journey_id) from None
                raise
        else:
            head = self._unchanged_head(connection, journey_id, base_version, saved)
            if head is not None:
                return head, False
            number = base_version + 1
            rows = journey_rows(journey, position=place, head_version=number)
            if not state.advance_journey(connection, rows, base_version=base_version):
                raise conflicts.stale_base(connection, journey_id, base_version)
        info = history.append_version(
            connection, journey_id, number, author=author, message=message, document=saved
        )
        return info, True

    def _unchanged_head(
        self, connection: Connection, journey_id: str, base_version: int, saved: object
    ) -> VersionInfo | None:
        """The head's info when the head is ``base_version`` and holds exactly ``saved``."""
        if state.head_version(connection, journey_id) != base_version:
            return None
        if history.version_document(connection, journey_id, base_version) != saved:
            return None
        return history.version_info(connection, journey_id, base_version)

    def _head(self, connection: Connection, journey_id: str) -> VersionInfo:
        number = state.head_version(connection, journey_id)
        info = None if number is None else history.version_info(connection, journey_id, number)
        if info is None:
            raise self._not_current(connection, journey_id)
        return info

    def _journey_at(self, connection: Connection, journey_id: str, version: int | None) -> Journey:
        number = self._head(connection, journey_id).number if version is None else version
        return Journey.model_validate(history.version_document(connection, journey_id, number))

    def _not_current(self, connection: Connection, journey_id: str) -> NotFoundError:
        deletion = history.last_deletion(connection, journey_id)
        if deletion is None:
            return history.not_found(connection, journey_id)
        return NotFoundError(
            f"journey {journey_id!r} was {deletion.describe()}. Its versions are still "
            f"readable; bring it back with restore({journey_id!r}, {deletion.after_version})."
        )

    def _delete(
        self, connection: Connection, table: Table, item_id: str, users: list[str], *, field: str
    ) -> None:
        kind = table.name.removesuffix("s")  # "persona", "team"
        known = state.ids(connection, table)
        if item_id not in known:
            raise NotFoundError(
                f"unknown {kind} {item_id!r}. {table.name.capitalize()} in this store: "
                f"{choices(known, none='none')}."
            )
        if users:
            raise InvalidWorkspaceError(
                [
                    Problem(
                        ("journeys", user, field),
                        f"journey {user!r} still uses {kind} {item_id!r}",
                        f"Change or delete that journey before deleting the {kind}.",
                    )
                    for user in users
                ],
                subject=f"{kind} {item_id!r}",
                action="deleted",
            )
        state.delete_row(connection, table, item_id)
