"""Starter workspaces shipped with journeymap: a practitioner's first draft to edit, not a blank page.

Each template is a map file in ``templates/`` (package data): one persona, the teams who
own the experience, and one journey whose spine runs from awareness to the return of a
lost customer, with touchpoints, moments of truth, outcomes, evidence and opportunities.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from journeymap.mapfile.load import load_text
from journeymap.model import Workspace

_SUFFIX = ".yaml"


@dataclass(frozen=True)
class TemplateInfo:
    """A shipped template: the name to load it by, its title and what it maps."""

    name: str
    title: str
    description: str


def list_templates() -> list[TemplateInfo]:
    """Every shipped template, by name.

    >>> [template.name for template in list_templates()]
    ['b2b-service', 'ecommerce', 'saas']
    """
    return list(_infos())


def load_template(name: str) -> Workspace:
    """A fresh copy of the template's workspace; ``ValueError`` names the templates there are.

    >>> load_template("saas").journeys[0].stages[0].id
    'awareness'
    """
    files = _files()
    if name not in files:
        available = ", ".join(sorted(files))
        raise ValueError(f"unknown template {name!r}; available templates: {available}")
    # Parsed on every call: a workspace is mutable, and callers edit what they get.
    return _load(name, files[name])


@cache
def _infos() -> tuple[TemplateInfo, ...]:
    infos = []
    for name, file in sorted(_files().items()):
        workspace = _load(name, file)
        summary = workspace.description.strip().split("\n\n")[0].replace("\n", " ")
        infos.append(TemplateInfo(name=name, title=workspace.name, description=summary))
    return tuple(infos)


def _files() -> dict[str, Traversable]:
    folder = resources.files("journeymap.mapfile").joinpath("templates")
    return {
        entry.name.removesuffix(_SUFFIX): entry
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    }


def _load(name: str, file: Traversable) -> Workspace:
    return load_text(file.read_text(encoding="utf-8"), file=f"<template {name}>")
