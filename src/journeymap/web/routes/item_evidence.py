"""Evidence on a stage or touchpoint: what we observed, where, and a file if there is one.

Adding evidence changes the map, so it is a versioned save of the journey by the caller
(``base_version`` is the version their page showed; a newer save answers 409 and nothing
is lost). The file, if any, is stored first under a server-made name
(:mod:`journeymap.web.evidence_files`) and removed again when the save fails. Files are
served only as attachments with ``nosniff``, so an uploaded page can never run here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.model import Evidence, EvidenceSource
from journeymap.store import NotFoundError
from journeymap.web import evidence_files
from journeymap.web.journey_items import ITEM_PATH, ItemKind, evidence_of, find_item, item_url
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["items"])
ITEM = ITEM_PATH


class EvidenceOut(BaseModel):
    id: str
    source: str
    text: str
    stage: str | None
    touchpoint: str | None
    author: str | None
    recorded_on: dt.date | None
    file: str | None = Field(description="Where to download its file, if it has one.")


def evidence_out(request: Request, journey_id: str, evidence: Evidence) -> EvidenceOut:
    stored = evidence_files.stored_file(context_of(request).directory, journey_id, evidence.id)
    kind, item_id = (
        ("touchpoint", evidence.touchpoint) if evidence.touchpoint else ("stage", evidence.stage)
    )
    file = None
    if stored is not None:
        file = f"/journeys/{journey_id}/items/{kind}/{item_id}/evidence/{evidence.id}/file"
    return EvidenceOut(
        id=evidence.id,
        source=evidence.source.value,
        text=evidence.text,
        stage=evidence.stage,
        touchpoint=evidence.touchpoint,
        author=evidence.author,
        recorded_on=evidence.recorded_on,
        file=file,
    )


def _add_evidence(
    request: Request,
    journey_id: str,
    kind: ItemKind,
    item_id: str,
    *,
    text: str,
    source: EvidenceSource,
    base_version: int | None,
    upload: UploadFile | None,
) -> EvidenceOut:
    principal = require_principal(request)
    context = context_of(request)
    if kind not in ("stage", "touchpoint"):
        raise HTTPException(
            422,
            "evidence is about a stage or a touchpoint; add it on one of those",
        )
    base = context.workspace.store.head(journey_id).number if base_version is None else base_version
    journey = context.workspace.journey(journey_id, base)
    item = find_item(journey, kind, item_id)
    stored = None
    if upload is not None and upload.filename:
        if upload.size is not None and upload.size > evidence_files.MAX_BYTES:
            raise _too_large()
        try:
            stored = evidence_files.save_upload(
                context.directory, journey_id, upload.filename, upload.file
            )
        except evidence_files.FileTooLargeError:
            raise _too_large() from None
        except evidence_files.UnsupportedFileError as error:
            raise HTTPException(415, f"{error.message}. {error.hint}") from None
    evidence_id = stored.evidence_id if stored else f"note-{_short_id()}"
    try:
        entry = Evidence(
            id=evidence_id,
            source=source,
            text=text.strip(),
            stage=item.stage_id,
            touchpoint=item.id if kind == "touchpoint" else None,
            author=principal.user.display_name,
            recorded_on=context.clock().date(),
        )
        updated = journey.model_copy(update={"evidence": [*journey.evidence, entry]})
        context.workspace.save_journey(
            updated,
            base_version=base,
            author=principal.user.username,
            message=f"Evidence on {kind} {item.name}: {entry.source.value}",
        )
    except BaseException:
        if stored is not None:
            evidence_files.discard(stored)
        raise
    return evidence_out(request, journey_id, entry)


def _too_large() -> HTTPException:
    return HTTPException(
        413,
        f"the file is larger than {evidence_files.MAX_BYTES // (1024 * 1024)} MB; attach a "
        "shorter excerpt, or link to the full file in the text",
    )


def _short_id() -> str:
    return uuid.uuid4().hex[:12]


EvidenceText = Annotated[str, Form(min_length=1, max_length=20_000)]


@router.post(ITEM + "/evidence")
@access(Access.EDIT)
def add_evidence_page(
    request: Request,
    journey_id: str,
    kind: ItemKind,
    item_id: str,
    text: EvidenceText,
    source: Annotated[EvidenceSource, Form()],
    base_version: Annotated[int | None, Form()] = None,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    added = _add_evidence(
        request, journey_id, kind, item_id,
        text=text, source=source, base_version=base_version, upload=file,
    )  # fmt: skip
    return RedirectResponse(
        item_url(journey_id, kind, item_id, f"evidence-{added.id}"), status_code=303
    )


@api.post(ITEM + "/evidence", response_model=EvidenceOut, status_code=201)
@access(Access.EDIT)
def add_evidence(
    request: Request,
    journey_id: str,
    kind: ItemKind,
    item_id: str,
    text: EvidenceText,
    source: Annotated[EvidenceSource, Form()],
    base_version: Annotated[
        int | None, Form(description="The version you read; 409 if someone saved since.")
    ] = None,
    file: Annotated[UploadFile | None, File(description="At most 10 MB.")] = None,
) -> EvidenceOut:
    """Attach an observation (multipart form), with a file if you like: a new map version."""
    return _add_evidence(
        request, journey_id, kind, item_id,
        text=text, source=source, base_version=base_version, upload=file,
    )  # fmt: skip


def _evidence_file(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, evidence_id: str
) -> Response:
    context = context_of(request)
    journey = context.workspace.journey(journey_id)
    item = find_item(journey, kind, item_id)
    if evidence_id not in {e.id for e in evidence_of(journey, item)}:
        raise NotFoundError(f"{kind} {item_id!r} has no evidence {evidence_id!r}")
    stored = evidence_files.stored_file(context.directory, journey_id, evidence_id)
    if stored is None:
        raise NotFoundError(f"evidence {evidence_id!r} has no file")
    response = FileResponse(
        stored.path,
        media_type=stored.media_type,
        filename=f"{evidence_id}{stored.path.suffix}",
        content_disposition_type="attachment",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@router.get(ITEM + "/evidence/{evidence_id}/file")
@access(Access.READ)
def evidence_file_page(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, evidence_id: str
) -> Response:
    return _evidence_file(request, journey_id, kind, item_id, evidence_id)


@api.get(
    ITEM + "/evidence/{evidence_id}/file",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
@access(Access.READ)
def evidence_file(
    request: Request, journey_id: str, kind: ItemKind, item_id: str, evidence_id: str
) -> Response:
    """Download an evidence entry's file (always as an attachment)."""
    return _evidence_file(request, journey_id, kind, item_id, evidence_id)
