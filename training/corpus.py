"""What the training scripts share: reading a gold corpus, and spaCy parses cached between runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path


def load_articles(shared: Path, corpus: str, limit: int | None) -> list[dict]:
    """The gold articles of `corpus` (a folder under `shared`), in file-name order, the first `limit`."""
    golds = sorted((shared / corpus).glob("*.gold.json"))
    if limit:
        golds = golds[:limit]
    return [json.loads(g.read_text(encoding="utf-8")) | {"id": g.name} for g in golds]


def cached_parses(nlp, texts: list[str], cache: Path, parse: Callable[[list[str]], Iterable]) -> list:
    """`parse(texts)`, cached as one DocBin under `cache` keyed by the texts' hash."""
    from spacy.tokens import DocBin

    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache / f"train-{digest}.docbin"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(parse(texts))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    return docs
