"""Tests that keep the docs honest: every CLI command and option, and every map-file field,
must appear in the reference pages (the datasette ``test_docs.py`` idea)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main
from pydantic import BaseModel

from journeymap.cli.app import app
from journeymap.model import (
    Emotion,
    EventRule,
    Evidence,
    ExperienceSignal,
    Funnel,
    Journey,
    Opportunity,
    Outcome,
    Persona,
    Stage,
    Team,
    Touchpoint,
    Validation,
    Workspace,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"


def sections(page: Path) -> dict[str, str]:
    """Level-2 headings of a Markdown page mapped to their text."""
    text = page.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


CLI_GROUP = typer.main.get_command(app)
assert isinstance(CLI_GROUP, typer.core.TyperGroup)


def _leaf_commands(group: typer.core.TyperGroup, prefix: str = "") -> dict[str, Any]:
    """Every runnable command by its full name ("import events"), groups walked into."""
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        if isinstance(command, typer.core.TyperGroup):
            found |= _leaf_commands(command, f"{prefix}{name} ")
        else:
            found[f"{prefix}{name}"] = command
    return found


LEAVES = _leaf_commands(CLI_GROUP)
COMMANDS = sorted(LEAVES)


def long_options(command: typer.core.TyperCommand | typer.core.TyperGroup) -> list[str]:
    return [
        opt
        for param in command.params
        if param.param_type_name == "option"
        for opt in param.opts
        if opt.startswith("--") and opt != "--help"
    ]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_and_option_is_documented(name: str) -> None:
    cli_reference = sections(DOCS / "reference" / "cli.md")
    heading = f"journeymap {name}"
    assert heading in cli_reference, f"docs/reference/cli.md lacks a '## {heading}' section"
    body = cli_reference[heading]
    global_options = set(long_options(CLI_GROUP))
    for option in long_options(LEAVES[name]):
        if option in global_options:
            continue  # documented once, under "Global options"
        assert f"`{option}" in body, f"{option} of `{heading}` is not documented"
    for param in LEAVES[name].params:
        if param.param_type_name == "argument":
            assert param.name is not None
            assert param.name.upper() in body, f"argument {param.name.upper()} undocumented"


def test_global_options_are_documented() -> None:
    body = sections(DOCS / "reference" / "cli.md")["Global options"]
    for option in long_options(CLI_GROUP):
        assert f"`{option}" in body, option


def test_the_reference_documents_no_command_that_does_not_exist() -> None:
    documented = {
        title.removeprefix("journeymap ")
        for title in sections(DOCS / "reference" / "cli.md")
        if title.startswith("journeymap ")
    }
    assert documented == set(COMMANDS)


MODEL_SECTIONS: dict[str, type[BaseModel]] = {
    "Document (top level)": Workspace,
    "Persona": Persona,
    "Team": Team,
    "Journey": Journey,
    "Stage": Stage,
    "Emotion": Emotion,
    "Touchpoint": Touchpoint,
    "ExperienceSignal": ExperienceSignal,
    "EventRule": EventRule,
    "Outcome": Outcome,
    "Funnel": Funnel,
    "Evidence": Evidence,
    "Validation": Validation,
    "Opportunity": Opportunity,
}


@pytest.mark.parametrize("section", sorted(MODEL_SECTIONS))
def test_every_map_file_field_is_documented(section: str) -> None:
    body = sections(DOCS / "reference" / "map-format.md")[section]
    for field in MODEL_SECTIONS[section].model_fields:
        assert f"| `{field}` |" in body, f"field {field!r} of {section} is not documented"


def test_every_model_in_a_map_file_has_a_section() -> None:
    """A new model type reachable from the document must get its own reference section."""
    reachable: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = [Workspace]
    while pending:
        model = pending.pop()
        if model in reachable:
            continue
        reachable.add(model)
        for field in model.model_fields.values():
            for candidate in _models_in(field.annotation):
                pending.append(candidate)
    assert reachable <= set(MODEL_SECTIONS.values())


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_in(arg)]
