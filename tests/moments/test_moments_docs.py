"""The moments page's Python example runs as written and finds the demo's planted truths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeymap.services import build_demo


def test_moments_page_python_example_finds_the_planted_moments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(tmp_path / "demo-workspace", customers=20_000, seed=5)
    page = Path(__file__).resolve().parents[2] / "docs" / "moments.md"
    snippets = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    assert snippets
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    for snippet in snippets:  # in page order, sharing names like a reader's session
        exec(compile(snippet, str(page), "exec"), namespace)
    printed = capsys.readouterr().out
    assert "worst for reviews: home-delivery:late" in printed
    # The team believes the confirmation email delights; the data say hygiene factor.
    assert "order-confirmation - the map calls this a delighter" in printed
    # The stories behind the worst moment: late parcels, with a review below average.
    stories = re.findall(r"^(C\d+) (\S+) .*Home delivery \[lived\]", printed, re.M)
    assert len(stories) == 2, printed
    assert all(float(score) < 4 for _, score in stories), printed
    auc, baseline = map(float, re.findall(r"AUC (\S+), activity baseline (\S+)", printed)[0])
    assert auc > baseline, printed
