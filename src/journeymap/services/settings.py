"""Workspace settings: ``journeymap.toml`` in the workspace folder, optional.

Settings that belong to a workspace but not to its maps (the maps are shared and
versioned; a webhook URL is an operations detail) live in a small TOML file read with the
standard library. Every setting has a default, so a workspace without the file works::

    [monitor]
    webhook_url = "https://hooks.example.com/journeymap"   # POST new incidents here
    webhook_timeout_s = 10      # seconds to wait for an answer
    webhook_retries = 3         # further attempts after a failed one
    webhook_backoff_s = 1       # wait before retry k: webhook_backoff_s * 2**(k - 1)

    [privacy]
    keep_raw_text = false       # true: also store feedback text before redaction (raw_text)

A typo must not silently switch alerting off, so unknown tables and keys are errors, and
every error names the file, the key and what it expects.
"""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from journeymap.services.errors import JourneymapError

__all__ = ["MonitorSettings", "PrivacySettings", "Settings", "SettingsError", "load_settings"]


class MonitorSettings(BaseModel):
    """``[monitor]``: where ``journeymap monitor`` sends new incidents, and how hard it tries."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    webhook_url: str | None = Field(
        default=None,
        description="an http:// or https:// URL that each new incident is POSTed to as JSON",
    )
    webhook_timeout_s: float = Field(
        default=10.0, gt=0, description="seconds to wait for the webhook's answer, above 0"
    )
    webhook_retries: int = Field(
        default=3, ge=0, le=10, description="further attempts after a failed one, 0 to 10"
    )
    webhook_backoff_s: float = Field(
        default=1.0,
        ge=0,
        description="seconds before the first retry, doubled for each next one; 0 or more",
    )

    @field_validator("webhook_url")
    @classmethod
    def _is_http(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError("the URL must start with http:// or https://")
        return url


class PrivacySettings(BaseModel):
    """``[privacy]``: what of customers' personal data the workspace keeps."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    keep_raw_text: bool = Field(
        default=False,
        description="true or false: whether imported feedback keeps its text before "
        "redaction (column raw_text) beside the redacted text",
    )


class Settings(BaseModel):
    """Everything ``journeymap.toml`` can hold."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    monitor: MonitorSettings = Field(
        default_factory=MonitorSettings, description="outage monitoring and its alerts"
    )
    privacy: PrivacySettings = Field(
        default_factory=PrivacySettings, description="personal data in imported feedback"
    )


_TABLES: dict[str, type[BaseModel]] = {"monitor": MonitorSettings, "privacy": PrivacySettings}


class SettingsError(JourneymapError):
    """``journeymap.toml`` cannot be read or holds a wrong value."""


def load_settings(path: Path) -> Settings:
    """The settings in ``path``; the defaults when the file does not exist.

    >>> load_settings(Path("no-such-folder/journeymap.toml")).monitor.webhook_retries
    3
    """
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(
            f"{path}: not valid TOML: {error}",
            hint='Fix the line named; strings need quotes: webhook_url = "https://...".',
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot be read: {error}") from error
    try:
        return Settings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        raise SettingsError(
            f"{path}: {_where(first['loc'])}: {_what(first)}", hint=_expected(first["loc"])
        ) from error


def _where(location: tuple[int | str, ...]) -> str:
    """``("monitor", "webhook_url")`` -> ``monitor.webhook_url``, TOML's dotted key (no
    brackets: terminals that render markup would eat ``[monitor]``)."""
    return ".".join(str(part) for part in location)


def _what(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown table" if len(error["loc"]) == 1 else "unknown setting"
    if error["type"] in ("model_type", "dict_type"):
        return f"should be a table (got {error['input']!r})"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{message} (got {error['input']!r})"


def _expected(location: tuple[int | str, ...]) -> str:
    """What the key expects, or the keys that exist near a typo."""
    table = Settings.model_fields.get(str(location[0]))
    if table is None:
        return _known("tables", list(Settings.model_fields), str(location[0]))
    if len(location) == 1:
        return f"{location[0]} is a table of settings ({table.description}), not a value."
    model = _TABLES[str(location[0])]
    field = model.model_fields.get(str(location[1]))
    if field is None:
        return _known(f"keys of {location[0]}", list(model.model_fields), str(location[1]))
    return f"Expected {field.description}."


def _known(what: str, names: list[str], typed: str) -> str:
    close = difflib.get_close_matches(typed, names, n=1, cutoff=0.6)
    listing = ", ".join(names)
    return (f"Did you mean {close[0]}? " if close else "") + f"Known {what}: {listing}."
