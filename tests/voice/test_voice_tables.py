"""The voice tables in the analytics database: overrides, cached vectors, scores and verdicts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from journeymap.engine import AnalyticsDatabase


def test_overrides_are_kept_per_journey_and_can_be_removed(tmp_path: Path) -> None:
    with AnalyticsDatabase.open(tmp_path / "db.duckdb") as db:
        tables = db.voice_tables()
        assert tables.overrides("j") == {}
        tables.set_override("j", "m1", "refund", note="about the refund")
        tables.set_override("j", "m1", "home-delivery")
        tables.set_override("k", "m1", "refund")
        assert tables.overrides("j") == {"m1": "home-delivery"}
        tables.set_override("j", "m1", None)
        assert tables.overrides("j") == {}
        assert tables.overrides("k") == {"m1": "refund"}


def test_vectors_and_scores_are_reused_only_while_the_text_is_unchanged(tmp_path: Path) -> None:
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    with AnalyticsDatabase.open(tmp_path / "db.duckdb") as db:
        tables = db.voice_tables()
        assert tables.embeddings("enc", {"a": "h1"})[0] == []
        tables.store_embeddings("enc", ["a", "b"], ["h1", "h2"], vectors)
        ids, found = tables.embeddings("enc", {"a": "h1", "b": "changed", "c": "h3"})
        assert ids == ["a"]
        assert np.array_equal(found, vectors[:1])
        assert tables.embeddings("other", {"a": "h1"})[0] == []
        tables.store_text_sentiments("vader", {"a": -0.5}, {"a": "h1"})
        assert tables.text_sentiments("vader", {"a": "h1", "b": "h2"}) == {"a": -0.5}
        assert tables.text_sentiments("vader", {"a": "new"}) == {}


def test_verdicts_are_read_under_their_key_only(tmp_path: Path) -> None:
    verdicts = pa.table(
        {
            "feedback_id": ["a"],
            "best_touchpoint": ["refund"],
            "confidence": [0.9],
            "similarity": [0.5],
            "context_touchpoint": pa.array([None], pa.string()),
        }
    )
    with AnalyticsDatabase.open(tmp_path / "db.duckdb") as db:
        tables = db.voice_tables()
        assert tables.model_assignment("j", "k1") is None
        tables.store_model_assignment("j", "k1", verdicts)
        assert tables.model_assignment("j", "k1") == verdicts
        tables.store_model_assignment("j", "k2", verdicts)
        assert tables.model_assignment("j", "k1") is None
        assert tables.model_assignment("j", "k2") is not None
