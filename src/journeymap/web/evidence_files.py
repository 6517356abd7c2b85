"""Files attached to evidence (an interview recording, a workshop photo): kept safe on disk.

Uploads are the one place where a client's bytes and a client's name reach the disk, so
nothing of the client's name is used but its extension, and only from :data:`ALLOWED`.
Each file is stored as ``evidence/<journey_id>/<uuid>.<ext>`` inside the workspace folder
under a name the server makes. The evidence entry's id carries the same uuid
(``file-<uuid>``), which is how the entry references its file: the map model has no field
for attachments, and the id survives every version of the map.

>>> stored_name("../../journeymap.db")  # doctest: +SKIP
UnsupportedFileError: ...
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from journeymap.services.errors import JourneymapError

MAX_BYTES = 10 * 1024 * 1024
"""The largest file an evidence entry may carry (10 MB): recordings belong in a drive."""

ALLOWED: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".mp4": "video/mp4",
}
"""Extensions accepted, with the type they are served as (always as an attachment)."""

FILE_EVIDENCE_PREFIX = "file-"
_KEY = re.compile(r"^[0-9a-f]{32}$")
_CHUNK = 1024 * 1024


class UnsupportedFileError(JourneymapError):
    """The file's extension is not one we accept."""


class FileTooLargeError(JourneymapError):
    """The file is larger than :data:`MAX_BYTES`."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file on disk for an evidence entry: its path and the id the entry must carry."""

    path: Path
    evidence_id: str

    @property
    def media_type(self) -> str:
        return ALLOWED.get(self.path.suffix, "application/octet-stream")


def safe_extension(client_name: str) -> str:
    """The lower-cased extension of the last part of a client's file name, if we accept it."""
    last = PurePosixPath(client_name.replace("\\", "/")).name
    suffix = PurePosixPath(last).suffix.lower()
    if suffix not in ALLOWED:
        shown = suffix or "without an extension"
        raise UnsupportedFileError(
            f"files {shown} are not accepted as evidence",
            hint=f"Attach one of: {', '.join(sorted(ALLOWED))}.",
        )
    return suffix


def folder(workspace_root: Path, journey_id: str) -> Path:
    """``evidence/<journey_id>/`` in the workspace (journey ids are safe path parts)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", journey_id):
        raise JourneymapError(f"{journey_id!r} is not a journey id")
    return workspace_root / "evidence" / journey_id


def save_upload(
    workspace_root: Path, journey_id: str, client_name: str, source: BinaryIO
) -> StoredFile:
    """Copy an upload into the journey's evidence folder under a fresh name; at most 10 MB."""
    extension = safe_extension(client_name)
    key = uuid.uuid4().hex
    target_dir = folder(workspace_root, journey_id)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{key}{extension}"
    written = 0
    try:
        with target.open("xb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > MAX_BYTES:
                    raise FileTooLargeError(
                        f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
                        hint="Attach a shorter excerpt, or link to the full file in the text.",
                    )
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StoredFile(target, FILE_EVIDENCE_PREFIX + key)


def stored_file(workspace_root: Path, journey_id: str, evidence_id: str) -> StoredFile | None:
    """The file of an evidence entry, or ``None`` when it has none."""
    key = evidence_id.removeprefix(FILE_EVIDENCE_PREFIX)
    if not evidence_id.startswith(FILE_EVIDENCE_PREFIX) or not _KEY.fullmatch(key):
        return None
    base = folder(workspace_root, journey_id)
    for extension in ALLOWED:
        path = base / f"{key}{extension}"
        if path.is_file():
            return StoredFile(path, evidence_id)
    return None


def discard(stored: StoredFile) -> None:
    """Remove a file whose evidence entry was not saved (a conflict, an invalid map)."""
    stored.path.unlink(missing_ok=True)
