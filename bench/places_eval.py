"""Run the analysis over a JSON Lines file of articles and print one analysis JSON a line.

For the scorer's --run-jsonl:

    python3 ../shared/eval/score.py --corpus ../shared/gold/dev-geo \
        --run-jsonl "python bench/places_eval.py {jsonl}" --quiet

--cache DIR keeps the spaCy parses (a DocBin per input file, keyed by its
content hash) so that repeated runs while tuning the later stages skip the
parse, which is most of the time.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from claimgraph.analyse import Analyzer
from claimgraph.ingest.items import Options
from claimgraph.ingest.sources import expand

# Characters that str.splitlines() treats as line ends: JSON allows them raw
# inside strings, but a reader that splits on them would cut the line.
_LINE_BREAKS = {c: f"\\u{ord(c):04x}" for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def _line(analysis) -> str:
    return analysis.to_json().translate(str.maketrans(_LINE_BREAKS))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("jsonl")
    ap.add_argument("--cache", help="folder for cached spaCy parses")
    args = ap.parse_args(argv)
    analyzer = Analyzer().load()
    items = list(expand([args.jsonl], Options(max_chars=analyzer.settings.max_chars), jsonl=True))
    for item in items:
        if item.error is not None:
            print(f"{item.origin}: {item.error}", file=sys.stderr)
    articles = [item.article for item in items if item.article is not None]
    if not args.cache:
        for analysis in analyzer.analyze_many(articles):
            print(_line(analysis))
        return 0
    from spacy.tokens import DocBin

    nlp = analyzer.resources.nlp
    digest = hashlib.sha256(Path(args.jsonl).read_bytes()).hexdigest()[:16]
    path = Path(args.cache) / f"{digest}.docbin"
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe((a.text for a in articles), batch_size=analyzer.settings.batch_size))
        path.parent.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=True, docs=docs).to_disk(path)
    for article, doc in zip(articles, docs, strict=True):
        print(_line(analyzer._run(article, doc)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
