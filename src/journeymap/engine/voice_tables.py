"""What the voice-of-the-customer analyses keep in the analytics database.

- ``voice_overrides``: a person's word on which touchpoint an item is about, per journey
  (it wins over the model and teaches it; see :mod:`journeymap.voice.assignment`).
- ``voice_embeddings``: each item's sentence vector per encoder, with a hash of the text it
  was computed from, so re-running never encodes an unchanged item again (encoding is by far
  the slowest step) and a changed text (re-imported, redacted anew) is encoded afresh.
- ``voice_sentiment``: each item's text score per sentiment model, keyed the same way.
- ``voice_model_assignments``: the model's verdict per item for one journey, under a key
  that hashes the touchpoint texts, the encoder, the settings and the items scored; a map
  whose touchpoints changed gets a new key, so stale verdicts are never read (and are
  replaced when the new ones are stored).

Every table has ``feedback_id``, so erasing a customer (``journeymap forget``) removes their
rows here too. Writes are single statements or one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from journeymap.engine.writing import Transaction, sql, table_exists

OVERRIDES: Final = "voice_overrides"
EMBEDDINGS: Final = "voice_embeddings"
SENTIMENT: Final = "voice_sentiment"
MODEL_ASSIGNMENTS: Final = "voice_model_assignments"

_DDL: Final = {
    OVERRIDES: "journey VARCHAR, feedback_id VARCHAR, touchpoint VARCHAR, note VARCHAR, "
    "updated_at TIMESTAMPTZ, PRIMARY KEY (journey, feedback_id)",
    EMBEDDINGS: "encoder VARCHAR, feedback_id VARCHAR, text_hash VARCHAR, vector FLOAT[], "
    "PRIMARY KEY (encoder, feedback_id)",
    SENTIMENT: "model VARCHAR, feedback_id VARCHAR, text_hash VARCHAR, text_sentiment DOUBLE, "
    "PRIMARY KEY (model, feedback_id)",
    MODEL_ASSIGNMENTS: "journey VARCHAR, key VARCHAR, feedback_id VARCHAR, "
    "best_touchpoint VARCHAR, confidence DOUBLE, similarity DOUBLE, context_touchpoint VARCHAR",
}


class VoiceTables:
    """The voice tables of one DuckDB connection (created on first write)."""

    def __init__(self, con: Any) -> None:
        self.con = con

    def _ensure(self, name: str) -> None:
        sql(self.con, f"CREATE TABLE IF NOT EXISTS {name} ({_DDL[name]})")

    def _exists(self, name: str) -> bool:
        return table_exists(self.con, name)

    # -- overrides -------------------------------------------------------------------------

    def overrides(self, journey: str) -> dict[str, str]:
        """Feedback id -> touchpoint id, as people set them for ``journey``."""
        if not self._exists(OVERRIDES):
            return {}
        rows = sql(
            self.con,
            f"SELECT feedback_id, touchpoint FROM {OVERRIDES} WHERE journey = ?",
            [journey],
        )
        return {str(item): str(touchpoint) for item, touchpoint in rows}

    def set_override(
        self, journey: str, feedback_id: str, touchpoint: str | None, *, note: str = ""
    ) -> None:
        """Say which touchpoint an item is about; ``None`` removes the override."""
        self._ensure(OVERRIDES)
        if touchpoint is None:
            sql(self.con, f"DELETE FROM {OVERRIDES} WHERE journey = ? AND feedback_id = ?",
                [journey, feedback_id])  # fmt: skip
            return
        sql(
            self.con,
            f"INSERT OR REPLACE INTO {OVERRIDES} VALUES (?, ?, ?, ?, ?)",
            [journey, feedback_id, touchpoint, note, dt.datetime.now(dt.UTC)],
        )

    # -- per-item caches -------------------------------------------------------------------

    def embeddings(
        self, encoder: str, wanted: Mapping[str, str]
    ) -> tuple[list[str], npt.NDArray[np.float32]]:
        """Cached vectors of the items in ``wanted`` (id -> text hash) whose text is unchanged."""
        if not wanted or not self._exists(EMBEDDINGS):
            return [], np.zeros((0, 0), dtype=np.float32)
        found = self._cached(EMBEDDINGS, "encoder", encoder, "vector", wanted)
        ids = found.column("feedback_id").to_pylist()
        if not ids:
            return [], np.zeros((0, 0), dtype=np.float32)
        flat = pc.list_flatten(found.column("vector")).to_numpy(zero_copy_only=False)
        return ids, flat.astype(np.float32).reshape(len(ids), -1)

    def store_embeddings(
        self,
        encoder: str,
        ids: Sequence[str],
        hashes: Sequence[str],
        vectors: npt.NDArray[np.float32],
    ) -> None:
        """Keep vectors (one row per id) for the next run."""
        if not ids:
            return
        width = vectors.shape[1]
        values = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).ravel(), pa.float32())
        lists = pa.ListArray.from_arrays(
            pa.array(np.arange(len(ids) + 1) * width, pa.int32()), values
        )
        rows = pa.table(
            {"encoder": pa.array([encoder] * len(ids), pa.string()),
             "feedback_id": pa.array(ids, pa.string()), "text_hash": pa.array(hashes, pa.string()),
             "vector": lists}
        )  # fmt: skip
        self._upsert(EMBEDDINGS, rows)

    def text_sentiments(self, model: str, wanted: Mapping[str, str]) -> dict[str, float]:
        """Cached text scores of the items in ``wanted`` (id -> text hash), text unchanged."""
        if not wanted or not self._exists(SENTIMENT):
            return {}
        found = self._cached(SENTIMENT, "model", model, "text_sentiment", wanted)
        return dict(
            zip(found.column("feedback_id").to_pylist(),
                found.column("text_sentiment").to_pylist(), strict=True)
        )  # fmt: skip

    def store_text_sentiments(
        self, model: str, scores: Mapping[str, float], hashes: Mapping[str, str]
    ) -> None:
        """Keep text scores (id -> score; ``hashes`` id -> text hash) for the next run."""
        if not scores:
            return
        ids = list(scores)
        rows = pa.table(
            {"model": pa.array([model] * len(ids), pa.string()),
             "feedback_id": pa.array(ids, pa.string()),
             "text_hash": pa.array([hashes[i] for i in ids], pa.string()),
             "text_sentiment": pa.array([scores[i] for i in ids], pa.float64())}
        )  # fmt: skip
        self._upsert(SENTIMENT, rows)

    def model_assignment(self, journey: str, key: str) -> pa.Table | None:
        """The model's verdicts stored for ``journey`` under ``key``, or ``None``."""
        if not self._exists(MODEL_ASSIGNMENTS):
            return None
        found: pa.Table = self.con.sql(
            f"SELECT feedback_id, best_touchpoint, confidence, similarity, context_touchpoint "
            f"FROM {MODEL_ASSIGNMENTS} WHERE journey = ? AND key = ? ORDER BY feedback_id",
            params=[journey, key],
        ).to_arrow_table()
        return found if found.num_rows else None

    def store_model_assignment(self, journey: str, key: str, verdicts: pa.Table) -> None:
        """Replace the journey's stored verdicts with ``verdicts`` under ``key``."""
        self._ensure(MODEL_ASSIGNMENTS)
        rows = verdicts.select(
            ["feedback_id", "best_touchpoint", "confidence", "similarity", "context_touchpoint"]
        )
        with Transaction(self.con):
            sql(self.con, f"DELETE FROM {MODEL_ASSIGNMENTS} WHERE journey = ?", [journey])
            self.con.register("_voice_rows", rows)
            try:
                sql(self.con, f"INSERT INTO {MODEL_ASSIGNMENTS} SELECT ?, ?, * FROM _voice_rows",
                    [journey, key])  # fmt: skip
            finally:
                self.con.unregister("_voice_rows")

    # -- helpers ---------------------------------------------------------------------------

    def _cached(
        self, table: str, kind: str, name: str, value: str, wanted: Mapping[str, str]
    ) -> pa.Table:
        """Rows of ``table`` for ``name`` whose (feedback_id, text_hash) is in ``wanted``."""
        keys = pa.table(
            {"feedback_id": pa.array(list(wanted), pa.string()),
             "text_hash": pa.array(list(wanted.values()), pa.string())}
        )  # fmt: skip
        self.con.register("_voice_wanted", keys)
        try:
            found: pa.Table = self.con.sql(
                f"SELECT c.feedback_id, c.{value} FROM {table} c JOIN _voice_wanted w "
                "ON c.feedback_id = w.feedback_id AND c.text_hash = w.text_hash "
                f"WHERE c.{kind} = ? ORDER BY c.feedback_id",
                params=[name],
            ).to_arrow_table()
        finally:
            self.con.unregister("_voice_wanted")
        return found

    def _upsert(self, table: str, rows: pa.Table) -> None:
        self._ensure(table)
        self.con.register("_voice_rows", rows)
        try:
            sql(self.con, f"INSERT OR REPLACE INTO {table} SELECT * FROM _voice_rows")
        finally:
            self.con.unregister("_voice_rows")
