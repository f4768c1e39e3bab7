"""Charts drawn on the server as SVG geometry: bars of a volume over months,
and a timeline of dated items. The templates write the shapes as SVG
attributes (no inline styles, no script), so the charts need no JavaScript.
"""

from __future__ import annotations

import re
from datetime import date

WIDTH, HEIGHT = 720, 140  # the SVG viewBox; CSS scales it to the column
PAD = 24
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def bars(volume: list[dict], key: str = "claims") -> dict:
    """One bar per month in `volume` ([{"month": "2024-12", key: n}]), with the
    months in between filled, each with its period for a from:/to: filter."""
    if not volume:
        return {"bars": [], "width": WIDTH, "height": HEIGHT, "max": 0}
    counts = {v["month"]: v[key] for v in volume}
    months = _months(min(counts), max(counts))
    top = max(counts.values()) or 1
    step = (WIDTH - 2 * PAD) / len(months)
    out = []
    for i, m in enumerate(months):
        n = counts.get(m, 0)
        h = round((HEIGHT - 2 * PAD) * n / top, 1)
        out.append(
            {
                "month": m,
                "count": n,
                "x": round(PAD + i * step + step * 0.1, 1),
                "w": round(max(step * 0.8, 1.0), 1),
                "y": round(HEIGHT - PAD - h, 1),
                "h": h,
                "label": i == 0 or i == len(months) - 1 or m.endswith("-01"),
            }
        )
    return {"bars": out, "width": WIDTH, "height": HEIGHT, "max": top, "base": HEIGHT - PAD}


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < 600:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def timex_date(value: str | None) -> date | None:
    """The first day a TIMEX3 value (2024-12-08, 2024-12, 2024, 2024-W50 not) names, or None."""
    m = _DATE.match(value or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def timeline(items: list[dict]) -> dict:
    """Items ({"date": date, "lane": "event"|"claim", "label": str, ...}) placed
    on one time axis, events above, claims by publication below."""
    dated = [i for i in items if i.get("date")]
    if not dated:
        return {"points": [], "width": WIDTH, "height": HEIGHT, "ticks": []}
    lo, hi = min(i["date"] for i in dated), max(i["date"] for i in dated)
    span = max((hi - lo).days, 1)
    lanes = {"event": HEIGHT * 0.35, "claim": HEIGHT * 0.7}
    points = []
    for i in sorted(dated, key=lambda i: i["date"]):
        x = PAD + (WIDTH - 2 * PAD) * (i["date"] - lo).days / span
        points.append(
            {**i, "x": round(x, 1), "y": round(lanes.get(i["lane"], HEIGHT / 2), 1), "date": i["date"].isoformat()}
        )
    ticks = [{"x": PAD, "label": lo.isoformat()}, {"x": WIDTH - PAD, "label": hi.isoformat()}]
    return {"points": points, "width": WIDTH, "height": HEIGHT, "ticks": ticks, "lanes": lanes}
