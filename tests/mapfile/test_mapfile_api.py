"""The mapfile package: one curated public surface, and imports that respect the layers."""

from __future__ import annotations

import ast
import sys
import types
from pathlib import Path

import journeymap.mapfile as mapfile

PACKAGE = Path(mapfile.__file__).parent
ALLOWED_THIRD_PARTY = {"yaml", "pydantic", "pydantic_core"}
ALLOWED_OURS = ("journeymap.model", "journeymap.mapfile")


def test_all_is_sorted_and_complete() -> None:
    public = {
        name
        for name, value in vars(mapfile).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }

    assert mapfile.__all__ == sorted(mapfile.__all__)
    assert set(mapfile.__all__) == public


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_mapfile_imports_only_the_model_yaml_pydantic_and_the_standard_library() -> None:
    offending = {
        f"{path.name}: {module}"
        for path in PACKAGE.glob("*.py")
        for module in _imported_modules(path)
        if not (
            module.split(".")[0] in sys.stdlib_module_names
            or module.split(".")[0] in ALLOWED_THIRD_PARTY
            or module.startswith(ALLOWED_OURS)
        )
    }

    assert offending == set()
