"""A reference ROC AUC from its definition (no scikit-learn needed)."""

from __future__ import annotations

import numpy as np


def roc_reference(scores: np.ndarray, labels: np.ndarray) -> float:
    """The share of (positive, negative) pairs the score orders right; ties count half."""
    positive, negative = scores[labels], scores[~labels]
    greater = (positive[:, None] > negative[None, :]).sum()
    ties = (positive[:, None] == negative[None, :]).sum()
    return float((greater + 0.5 * ties) / (positive.size * negative.size))
