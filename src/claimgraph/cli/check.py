"""`claimgraph check "CLAIM" [--claims FILE]`: which stored articles support, refute or discuss a claim."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimgraph.cli.output import EXIT_OK
from claimgraph.errors import UsageError
from claimgraph.formats.terminal import CONTROL

SIDES = ("supports", "refutes", "discusses")


def read_claims(path: str) -> list[str]:
    """One claim a line from a UTF-8 text file ('-': standard input); blank lines skipped."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"--claims {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"--claims {path} is not UTF-8 text (one claim a line)") from None
    if "\x00" in text:
        raise UsageError(f"--claims {path} is not text (one claim a line)")
    claims = [line.strip() for line in text.splitlines() if line.strip()]
    if not claims:
        raise UsageError(f"--claims {path} holds no claim")
    return claims


def check(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    claims = ([" ".join(args.claim)] if args.claim else []) + (read_claims(args.claims) if args.claims else [])
    if not claims:
        raise UsageError("give a claim, or --claims FILE")
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    found = ledger.check(claims, db=args.db, query=args.query, limit=args.limit)
    fmt = args.format or ("pretty" if sys.stdout.isatty() else "jsonl")
    if fmt == "jsonl":
        for row in found:
            print(json.dumps(row, ensure_ascii=False))
    elif fmt == "json":
        print(json.dumps(found, ensure_ascii=False, indent=1))
    else:
        for claim in claims:
            print(board(claim, [r for r in found if r["claim"] == claim]))
    return EXIT_OK


def _clean(text: str) -> str:
    return CONTROL.sub(" ", text.replace("\n", " "))


def board(claim: str, rows: list[dict]) -> str:
    """The verdict board of one claim: per side, independent sources (syndicated
    copies once), the earliest appearance and the strongest evidence."""
    lines = [f"CLAIM  {_clean(claim)}"]
    if not rows:
        return lines[0] + "\n  no stored article addresses it\n"
    for side in SIDES:
        mine = [r for r in rows if r["stance"] == side]
        groups = {r["group"] for r in mine}
        dated = sorted((r["published"], r["publisher"] or r["url"] or r["id"] or "") for r in mine if r["published"])
        first = f", first {dated[0][0]} ({_clean(str(dated[0][1]))})" if dated else ""
        lines.append(f"  {side.upper():<10} {len(mine)} article(s), {len(groups)} independent{first}")
        if mine:
            top = max(mine, key=lambda r: r["score"])
            where = _clean(top["publisher"] or top["url"] or str(top["id"]))
            lines.append(f"    strongest: {where}: {_clean(top['reason'])}")
    return "\n".join(lines) + "\n"
