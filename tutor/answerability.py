"""Does the lesson answer this question? A small logistic model over plain features.

The features (tutor.offline.judgement_features) describe how well the best passage
fits the question: how much of the question it covers, whether the question's names
and numbers occur in the lesson at all, whether the kind of answer asked for (a number,
a date, a name, a reason) is there, negation. The weights are learned by
`manage.py tutor_train` from a public question set given by path, and written to
tutor/models/answerability.json, a small file a reviewer can read.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parent / "models" / "answerability.json"


@dataclass(frozen=True)
class AnswerabilityModel:
    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # answer when the probability reaches this
    trained_on: dict

    def probability(self, values: dict[str, float]) -> float:
        """Return the probability that the lesson answers the question."""
        score = self.bias
        for name, mean, scale, weight in zip(self.features, self.means, self.scales, self.weights, strict=True):
            score += weight * (values[name] - mean) / scale
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))

    def to_json(self) -> dict:
        return {
            "features": list(self.features),
            "means": [round(x, 6) for x in self.means],
            "scales": [round(x, 6) for x in self.scales],
            "weights": [round(x, 6) for x in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
            "trained_on": self.trained_on,
        }

    @classmethod
    def from_json(cls, data: dict) -> AnswerabilityModel:
        return cls(
            features=tuple(data["features"]),
            means=tuple(data["means"]),
            scales=tuple(data["scales"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            trained_on=dict(data.get("trained_on", {})),
        )


@lru_cache(maxsize=1)
def default_model() -> AnswerabilityModel:
    return AnswerabilityModel.from_json(json.loads(MODEL_PATH.read_text()))


def fit_logistic(
    rows: list[dict[str, float]],
    labels: list[int],
    features: tuple[str, ...],
    *,
    signs: dict[str, int] | None = None,
    l2: float = 1.0,
    steps: int = 3000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Fit an L2-regularised logistic regression by gradient descent; deterministic.

    signs fixes the direction of a feature's weight (+1 or -1) where we know it: more
    of the question covered can never count against an answer, a name the lesson
    never mentions can never count for one. Without it, a model learns the quirks of
    its training set (in SQuAD 2.0, unanswerable questions reuse the passage's words)
    and carries them to lessons. Returns (means, scales, weights, bias) for
    standardised features.
    """
    x = np.array([[row[name] for name in features] for row in rows], dtype=float)
    y = np.array(labels, dtype=float)
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales == 0] = 1.0
    z = (x - means) / scales
    weights = np.zeros(z.shape[1])
    direction = np.array([(signs or {}).get(name, 0) for name in features])
    bias = 0.0
    rate = 0.5
    for _ in range(steps):
        predicted = 1.0 / (1.0 + np.exp(-(z @ weights + bias)))
        error = predicted - y
        weights -= rate * (z.T @ error / len(y) + l2 * weights / len(y))
        bias -= rate * error.mean()
        weights = np.where(direction > 0, np.maximum(weights, 0.0), np.where(direction < 0, np.minimum(weights, 0.0), weights))
        weights = np.where(direction > 0, np.maximum(weights, 0.0), np.where(direction < 0, np.minimum(weights, 0.0), weights))
    return means, scales, weights, float(bias)
