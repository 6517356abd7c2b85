"""Map files in, workspaces out: every problem reported with its line, column and a fix.

Checking runs in three passes, each only when the one before could run: YAML syntax (one
problem, since the parser cannot go on), then the document's fields (all pydantic errors,
plus keys written twice), then the workspace's cross-references (ids and the links between
them). A file is fine when all passes find nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from journeymap.mapfile.document import MapDocument
from journeymap.mapfile.errors import LocatedProblem, MapFileError, in_file_order
from journeymap.mapfile.explain import explain_integrity, explain_validation_error
from journeymap.mapfile.loader import parse_yaml
from journeymap.model import Workspace, find_problems


@dataclass(frozen=True)
class _Checked:
    workspace: Workspace | None
    problems: list[LocatedProblem]


def validate_text(
    text: str,
    *,
    file: str = "<string>",
    extra_personas: Iterable[str] = (),
    extra_teams: Iterable[str] = (),
) -> list[LocatedProblem]:
    """Every problem in a map file's text, in file order; empty when the file is fine.

    ``extra_personas`` and ``extra_teams`` are ids defined elsewhere (in the store), for
    files that hold only part of a workspace.

    >>> validate_text("name: Shop\\njourneys:\\n  - {id: buy, name: Buy, persona: sam}\\n")[0].message
    "unknown persona 'sam'"
    """
    return _check(text, file, extra_personas, extra_teams).problems


def validate_file(
    path: Path, *, extra_personas: Iterable[str] = (), extra_teams: Iterable[str] = ()
) -> list[LocatedProblem]:
    """:func:`validate_text` for a file; an unreadable or non-UTF-8 file is one problem."""
    text = _read(path)
    if isinstance(text, LocatedProblem):
        return [text]
    return validate_text(
        text, file=str(path), extra_personas=extra_personas, extra_teams=extra_teams
    )


def load_text(
    text: str,
    *,
    file: str = "<string>",
    extra_personas: Iterable[str] = (),
    extra_teams: Iterable[str] = (),
) -> Workspace:
    """The workspace a map file's text describes; :class:`MapFileError` lists every problem.

    >>> load_text("name: Shop\\npersonas:\\n  - {id: sam, name: Sam}\\n").persona("sam").name
    'Sam'
    """
    checked = _check(text, file, extra_personas, extra_teams)
    if checked.problems or checked.workspace is None:
        raise MapFileError(checked.problems)
    return checked.workspace


def load_file(
    path: Path, *, extra_personas: Iterable[str] = (), extra_teams: Iterable[str] = ()
) -> Workspace:
    """:func:`load_text` for a file."""
    text = _read(path)
    if isinstance(text, LocatedProblem):
        raise MapFileError([text])
    return load_text(text, file=str(path), extra_personas=extra_personas, extra_teams=extra_teams)


def _check(
    text: str, file: str, extra_personas: Iterable[str], extra_teams: Iterable[str]
) -> _Checked:
    # A byte-order mark is invisible in editors; columns on line 1 must not count it.
    text = text.removeprefix("\ufeff")
    try:
        parsed = parse_yaml(text, file=file)
    except MapFileError as error:
        return _Checked(None, error.problems)
    if parsed.root is None:
        empty = LocatedProblem(
            file, 1, 1, "the map file is empty", "Write at least `name: <workspace name>`."
        )
        return _Checked(None, [empty])
    problems = list(parsed.duplicate_keys)
    try:
        document = MapDocument.model_validate(parsed.data)
    except ValidationError as error:
        problems += explain_validation_error(error, root=parsed.root, text=text, file=file)
        return _Checked(None, in_file_order(problems))
    workspace = document.to_workspace()
    integrity = find_problems(
        workspace, extra_personas=tuple(extra_personas), extra_teams=tuple(extra_teams)
    )
    problems += explain_integrity(integrity, root=parsed.root, file=file)
    return _Checked(workspace, in_file_order(problems))


def _read(path: Path) -> str | LocatedProblem:
    try:
        data = path.read_bytes()
    except OSError as error:
        return LocatedProblem(
            str(path),
            1,
            1,
            f"cannot read the map file: {error.strerror or error}",
            "Check the path and that you may read the file.",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        return LocatedProblem(
            str(path),
            before.count(b"\n") + 1,
            column,
            f"the map file is not UTF-8 text (byte 0x{data[error.start]:02x})",
            "Save the file with UTF-8 encoding; most editors offer it in 'Save as'.",
        )
