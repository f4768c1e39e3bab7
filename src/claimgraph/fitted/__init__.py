"""Fitted files: weights that training scripts under `training/` write.

Each file here is produced by `training/<name>/train.py` from data in
../shared, deterministic given its seed, and committed with the script
(`make train-<name>` re-fits it). They are JSON so that a file can be read,
diffed and checked without the library that fitted it; the code that scores
with them is plain numpy inside the package.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from claimgraph.errors import ResourceError

HERE = Path(str(resources.files(__package__)))


@cache
def load_fitted(name: str, folder: Path = HERE) -> dict[str, Any]:
    """The fitted file `name` (e.g. "place_ranker.json"), checked for its `format` key."""
    path = folder / name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise ResourceError(f"fitted file {path} is missing; its script under training/ writes it") from None
    except ValueError as error:
        raise ResourceError(f"fitted file {path} is not JSON: {error}") from None
    if not isinstance(data, dict) or "format" not in data:
        raise ResourceError(f"fitted file {path} has no 'format' key")
    return data
