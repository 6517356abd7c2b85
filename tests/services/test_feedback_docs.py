"""The Python examples of the import and privacy sections of docs/feedback.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeymap.services import build_demo

PAGE = Path(__file__).resolve().parents[2] / "docs" / "feedback.md"
SECTIONS = ("Importing feedback", "Privacy")


def section_snippets() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    bodies = dict(zip(parts[1::2], parts[2::2], strict=True))
    return [
        snippet
        for title in SECTIONS
        for snippet in re.findall(r"```python\n(.*?)```", bodies[title], re.S)
    ]


def test_the_import_and_privacy_examples_run_on_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(tmp_path / "demo-workspace", customers=300, seed=2)
    monkeypatch.chdir(tmp_path)
    snippets = section_snippets()
    assert len(snippets) == 2
    for snippet in snippets:
        exec(compile(snippet, str(PAGE), "exec"), {})
    printed = capsys.readouterr().out
    assert re.search(r"^[1-9]\d* reviews were there already$", printed, re.M), printed
    assert {"email", "nps", "review"} <= set(re.findall(r"\b(email|nps|review)\b", printed))
    assert "Call me on [PHONE] about order NW-000011-01, or mail [EMAIL]" in printed
