"""Voice of the customer: what customers write, made into evidence for the map.

Pure functions over Ibis tables and plain Python values, like :mod:`journeymap.analytics`
and :mod:`journeymap.moments`: personal data redacted, sentiment, assignment of each item to
a stage and touchpoint, pain-point themes, NPS and CSAT. Heavy models (sentence embeddings)
load lazily, where they are used.
"""

from journeymap.voice.assignment import (
    Assignments,
    AssignmentSettings,
    assign_touchpoints,
    final_assignment,
    model_assignment,
)
from journeymap.voice.embeddings import (
    Encoder,
    HashingEncoder,
    ItemEmbeddings,
    KnownVectors,
    MiniLMEncoder,
    encoder_named,
    encoders,
    register_encoder,
)
from journeymap.voice.learned_sentiment import LearnedSentiment
from journeymap.voice.priors import (
    CustomerContext,
    customer_context,
    keyword_matches,
    next_touchpoints,
    recent_touchpoints,
)
from journeymap.voice.privacy import (
    DEFAULT_REGIONS,
    PersonalData,
    Redaction,
    Redactor,
    redact,
)
from journeymap.voice.profiles import TouchpointProfile, touchpoint_profiles
from journeymap.voice.scores import (
    FeedbackScores,
    ScoreRow,
    feedback_scores,
    nps_interval,
    wilson_interval,
)
from journeymap.voice.sentiment import (
    LearnsFromRatings,
    SentimentModel,
    SentimentScores,
    VaderSentiment,
    learn_from_ratings,
    rating_sentiment,
    register_sentiment_model,
    score_sentiment,
    sentiment_model,
    sentiment_models,
)
from journeymap.voice.themes import PainPointThemes, Quote, Theme, pain_point_themes

__all__: list[str] = [
    "DEFAULT_REGIONS",
    "AssignmentSettings",
    "Assignments",
    "CustomerContext",
    "Encoder",
    "FeedbackScores",
    "HashingEncoder",
    "ItemEmbeddings",
    "KnownVectors",
    "LearnedSentiment",
    "LearnsFromRatings",
    "MiniLMEncoder",
    "PainPointThemes",
    "PersonalData",
    "Quote",
    "Redaction",
    "Redactor",
    "ScoreRow",
    "SentimentModel",
    "SentimentScores",
    "Theme",
    "TouchpointProfile",
    "VaderSentiment",
    "assign_touchpoints",
    "customer_context",
    "encoder_named",
    "encoders",
    "feedback_scores",
    "final_assignment",
    "keyword_matches",
    "learn_from_ratings",
    "model_assignment",
    "next_touchpoints",
    "nps_interval",
    "pain_point_themes",
    "rating_sentiment",
    "recent_touchpoints",
    "redact",
    "register_encoder",
    "register_sentiment_model",
    "score_sentiment",
    "sentiment_model",
    "sentiment_models",
    "touchpoint_profiles",
    "wilson_interval",
]
