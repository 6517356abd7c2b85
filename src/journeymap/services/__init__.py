"""Use cases: the one API that the CLI, the web app and Python users call."""

from journeymap.services.analysis import AnalysisService, ImportOptions
from journeymap.services.collaboration import (
    CollaborationService,
    DataDrift,
    ItemValidation,
    OwnedOpportunity,
    OwnedTouchpoint,
    Staleness,
    TeamWork,
    Thread,
    ValidationSummary,
    data_drift,
)
from journeymap.services.demo import DemoResult, build_demo
from journeymap.services.editing import (
    EditError,
    StageEdit,
    TouchpointEdit,
    UnknownItemError,
)
from journeymap.services.errors import (
    JourneymapError,
    WorkspaceExistsError,
    WorkspaceNotFoundError,
)
from journeymap.services.feedback import (
    FeedbackImport,
    FeedbackImportOptions,
    FeedbackService,
    Forgotten,
)
from journeymap.services.jobs import JobRunner
from journeymap.services.layout import WorkspaceLayout
from journeymap.services.render import PosterFormat, RenderedPoster, RenderService
from journeymap.services.voice import VoiceService
from journeymap.services.workspace import ApplyResult, WorkspaceService

__all__ = [
    "AnalysisService",
    "ApplyResult",
    "CollaborationService",
    "DataDrift",
    "DemoResult",
    "EditError",
    "FeedbackImport",
    "FeedbackImportOptions",
    "FeedbackService",
    "Forgotten",
    "ImportOptions",
    "ItemValidation",
    "JobRunner",
    "JourneymapError",
    "OwnedOpportunity",
    "OwnedTouchpoint",
    "PosterFormat",
    "RenderService",
    "RenderedPoster",
    "StageEdit",
    "Staleness",
    "TeamWork",
    "Thread",
    "TouchpointEdit",
    "UnknownItemError",
    "ValidationSummary",
    "VoiceService",
    "WorkspaceExistsError",
    "WorkspaceLayout",
    "WorkspaceNotFoundError",
    "WorkspaceService",
    "build_demo",
    "data_drift",
]
