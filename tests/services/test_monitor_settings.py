"""``journeymap.toml``: optional, documented, and strict about typos with located messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeymap.services.layout import WorkspaceLayout
from journeymap.services.settings import MonitorSettings, SettingsError, load_settings

PAGE = Path(__file__).resolve().parents[2] / "docs" / "moments.md"


def _documented_example() -> str:
    (example,) = re.findall(r"```toml\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    return str(example)


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(WorkspaceLayout(tmp_path).settings_file)
    assert settings.monitor == MonitorSettings()
    assert (settings.monitor.webhook_url, settings.monitor.webhook_timeout_s) == (None, 10.0)
    assert (settings.monitor.webhook_retries, settings.monitor.webhook_backoff_s) == (3, 1.0)


def test_the_documented_example_is_valid_and_names_every_setting(tmp_path: Path) -> None:
    layout = WorkspaceLayout(tmp_path)
    assert layout.settings_file == tmp_path / "journeymap.toml"
    layout.settings_file.write_text(_documented_example(), encoding="utf-8")
    monitor = load_settings(layout.settings_file).monitor
    assert monitor.webhook_url == "https://hooks.example.com/journeymap"
    for key in MonitorSettings.model_fields:
        assert f"{key} =" in _documented_example(), f"{key} is not in the docs' example"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ('[monitor]\nwebhook_url = "ftp://x"\n', "monitor.webhook_url: the URL must start "
         "with http:// or https:// (got 'ftp://x')", "Expected an http:// or https:// URL"),
        ('[monitor]\nwebhook_timeout_s = "10s"\n', "monitor.webhook_timeout_s: Input should "
         "be a valid number (got '10s')", "Expected seconds to wait"),
        ("[monitor]\nwebhook_timeout_s = 0\n", "monitor.webhook_timeout_s: Input should be "
         "greater than 0 (got 0)", "above 0"),
        ("[monitor]\nwebhook_retries = 2.5\n", "monitor.webhook_retries: Input should be a "
         "valid integer (got 2.5)", "0 to 10"),
        ('[monitor]\nwebhok_url = "http://x"\n', "monitor.webhok_url: unknown setting",
         "Did you mean webhook_url?"),
        ('[monitr]\nwebhook_url = "http://x"\n', "monitr: unknown table",
         "Did you mean monitor?"),
        ("monitor = 3\n", "monitor: should be a table (got 3)", "table of settings"),
        ("[monitor\n", "not valid TOML: Expected ']' at the end of a table declaration "
         "(at line 1, column 9)", "strings need quotes"),
    ],
)  # fmt: skip
def test_every_error_names_the_file_the_key_and_what_it_expects(
    tmp_path: Path, text: str, message: str, hint: str
) -> None:
    path = tmp_path / "journeymap.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert caught.value.message == f"{path}: {message}"
    assert hint in caught.value.hint
