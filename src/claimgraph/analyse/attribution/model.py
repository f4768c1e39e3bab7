"""The fitted cue detector's weights and its scoring, in plain Python: a logistic
regression read from `fitted/attribution.json` (`training/attribution/train.py`
writes it; `learned.py` computes the features it scores)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

FITTED_NAME = "attribution.json"
FORMAT = "attribution-cues/1"
MODES = ("rules", "learned", "both")


@dataclass(frozen=True)
class CueModel:
    """Feature weights of the fitted logistic regression and its two thresholds."""

    weights: dict[str, float]
    bias: float
    threshold: float  # a candidate at or above it is a cue
    veto: float  # in "both", a lexicon cue below it is dropped

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CueModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"attribution model format {data.get('format')!r}, expected {FORMAT!r}")
        return cls(
            weights=dict(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            veto=float(data["veto"]),
        )

    def probability(self, feats: list[str]) -> float:
        get = self.weights.get
        # each feature once, as in training (a word with two prepositions lists "lc=...|prep" twice)
        z = self.bias + sum(get(f, 0.0) for f in set(feats))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
