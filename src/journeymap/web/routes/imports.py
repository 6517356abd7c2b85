"""Importing data from the browser: event logs and customer tables, in the background.

An upload is streamed to the workspace's ``imports/`` folder under a name the server makes
(the client's file name is only shown, never used as a path), then imported by a background
job with progress, all or nothing, exactly as ``journeymap import`` does: the same readers,
the same row-level rejects, the same threshold. The page stays responsive and shows the job.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.services.analysis import ImportOptions
from journeymap.services.jobs import Progress
from journeymap.store.collaboration import Job
from journeymap.web.pages import page
from journeymap.web.routes.jobs import job_runner
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["imports"])

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".csv.gz": "csv",
    ".tsv.gz": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".xes": "xes",
}
"""Accepted file endings and the reader each goes to (the same as the CLI's)."""
MAX_UPLOAD_BYTES = 2 * 1024**3
_CHUNK = 1024 * 1024
Kind = Literal["events", "customers"]


class ImportStarted(BaseModel):
    """An import queued as a background job; follow it at ``job_url``."""

    job_id: str
    job_url: str
    file_name: str = Field(description="The uploaded file's name, as sent.")
    kind: Kind


def _ending(file_name: str) -> str:
    name = file_name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(ending):
            return ending
    raise HTTPException(
        422,
        f"{file_name!r} is not a file journeymap imports; use one of " + ", ".join(sorted(FORMATS)),
    )


def _store_upload(request: Request, upload: UploadFile) -> tuple[Path, str]:
    """Stream the upload to ``imports/<uuid><ending>``; refuse it past the size limit."""
    file_name = Path(upload.filename or "upload").name
    ending = _ending(file_name)
    folder = context_of(request).workspace.layout.root / "imports"
    folder.mkdir(exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{ending}"
    written = 0
    try:
        with target.open("wb") as sink:
            while chunk := upload.file.read(_CHUNK):
                written += len(chunk)
                if written > MAX_UPLOAD_BYTES:
                    raise HTTPException(
                        413,
                        f"{file_name} is larger than {MAX_UPLOAD_BYTES // 1024**3} GiB; import "
                        "it from the command line (journeymap import) or attach it in place",
                    )
                sink.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target, file_name


def _start_import(request: Request, kind: Kind, upload: UploadFile, max_rejects: float) -> Job:
    path, file_name = _store_upload(request, upload)
    context = context_of(request)
    options = ImportOptions(
        format=FORMATS[_ending(file_name)],
        delimiter="\t" if ".tsv" in file_name.lower() else None,
        max_rejects=int(max_rejects) if max_rejects >= 1 else max_rejects,
    )

    def run(progress: Progress) -> dict[str, Any]:
        def report(phase: str, done: int, total: int | None) -> None:
            share = done / total if total else 0.0
            progress(min(share, 0.99), f"{file_name}: {phase} ({done:,} rows)")

        progress(0.0, f"waiting for the analytics database to import {file_name}")
        try:
            with context.analysis() as analysis:
                summary = analysis.import_files(kind, [path], options, progress=report)
        finally:
            path.unlink(missing_ok=True)
        return {
            "file": file_name,
            "kind": kind,
            "rows_read": summary.rows_read,
            "rows_imported": summary.rows_imported,
            "rows_updated": summary.rows_updated,
            "duplicates_skipped": summary.duplicates_skipped,
            "rejected": summary.rejected,
            "rejects_file": str(summary.rejects_file) if summary.rejects_file else None,
            "seconds": round(summary.seconds, 2),
        }

    user = require_principal(request).user
    return job_runner(request.app).submit(f"import-{kind}", run, created_by=user.id)


@router.get("/imports")
@access(Access.EDIT)
def imports_page(request: Request, job: str | None = None) -> Response:
    runner = job_runner(request.app)
    recent = [j for j in runner.recent(50) if j.kind.startswith("import-")][:10]
    return page(
        request,
        "imports.html",
        title="Import data",
        jobs=recent,
        started=job,
        endings=sorted(FORMATS),
    )


@router.post("/imports")
@access(Access.EDIT)
def start_import_page(
    request: Request,
    file: Annotated[UploadFile, File()],
    kind: Annotated[Kind, Form()] = "events",
    max_rejects: Annotated[float, Form(ge=0)] = 0,
) -> Response:
    job = _start_import(request, kind, file, max_rejects)
    return RedirectResponse(f"/imports?job={job.id}", status_code=303)


@api.post("/imports", response_model=ImportStarted, status_code=202)
@access(Access.EDIT)
def start_import(
    request: Request,
    file: Annotated[UploadFile, File(description="CSV/TSV (optionally .gz), Parquet, JSONL, XES.")],
    kind: Annotated[Kind, Form()] = "events",
    max_rejects: Annotated[
        float, Form(ge=0, description="Most rejected rows (>= 1) or largest share (< 1).")
    ] = 0,
) -> ImportStarted:
    """Import an event log or a customer table in the background (all or nothing)."""
    job = _start_import(request, kind, file, max_rejects)
    return ImportStarted(
        job_id=job.id,
        job_url=f"/api/v1/jobs/{job.id}",
        file_name=Path(file.filename or "upload").name,
        kind=kind,
    )
