"""Run the analysis over a scorer's JSON Lines articles and print one analysis a line.

    python3 ../shared/eval/score.py --corpus ../shared/gold/dev-time \
        --run-jsonl "python bench/times_eval.py {jsonl}" --quiet

With --times-only the spaCy parse is cached in a folder (--cache) and only
the times stage runs: a quick loop while working on the time rules.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from claimgraph import Analyzer, Article
from claimgraph.ingest.articles import parse_date


def read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("jsonl")
    ap.add_argument("--times-only", action="store_true")
    ap.add_argument("--cache", default="/tmp/claimgraph-times-cache")
    args = ap.parse_args()
    items = read(args.jsonl)
    articles = [Article(text=i["text"], id=i["id"], published=parse_date(i.get("published"))) for i in items]
    analyzer = Analyzer().load()
    if not args.times_only:
        for a in analyzer.analyze_many(articles):
            sys.stdout.write(a.to_json() + "\n")
        return
    from spacy.tokens import DocBin

    from claimgraph.analyse.times import tag

    nlp = analyzer.resources.nlp
    key = hashlib.sha1("\0".join(a.text for a in articles).encode()).hexdigest()[:16]
    cache = Path(args.cache) / f"{key}.spacy"
    if cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(a.text for a in articles))
        cache.parent.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(cache)
    for a, doc in zip(articles, docs, strict=True):
        times = [
            {"start": t.start, "end": t.end, "type": t.type, "value": t.value} for t in tag(a.text, a.published, doc)
        ]
        sys.stdout.write(json.dumps({"id": a.id, "text": a.text, "times": times}) + "\n")


if __name__ == "__main__":
    main()
