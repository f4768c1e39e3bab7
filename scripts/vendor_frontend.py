"""Vendor the web app's front-end libraries from the npm registry (`make vendor`).

Each package is fetched at a pinned version as its registry tarball, checked
against the registry's sha512 integrity pinned here, and only the files the
app uses are written to src/claimgraph/web/static/vendor/, with each licence
and a NOTICE listing what came from where. The output is committed, so
running the app needs neither Node nor the network; only this script does.

    python scripts/vendor_frontend.py            # fetch and write
    python scripts/vendor_frontend.py --check    # the committed files match the pins (no network)
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
OUT = Path(__file__).resolve().parent.parent / "src" / "claimgraph" / "web" / "static" / "vendor"

# name, version, sha512 integrity (npm view NAME@VERSION dist.integrity), licence, {file in the package: file here}
PACKAGES = [
    (
        "d3-array",
        "3.2.4",
        "sha512-tdQAmyA18i4J7wprpYq8ClcxZy3SC31QMeByyCFyRt7BVHdREQZ5lpzoe5mFEYZUWe+oq8HBvk9JjpibyEV4Jg==",
        "ISC",
        {"dist/d3-array.min.js": "d3-array.min.js", "LICENSE": "LICENSE.d3-array"},
    ),
    (
        "d3-geo",
        "3.1.2",
        "sha512-5R8ZgDQorIxmauv7R6gpE/ndz+Z0qAZssigq0aXFdvPHdY41RqtW02jrRUQAL724NdPABYXo1+gQEGBBr7uKNg==",
        "ISC",
        {"dist/d3-geo.min.js": "d3-geo.min.js", "LICENSE": "LICENSE.d3-geo"},
    ),
    (
        "topojson-client",
        "3.1.0",
        "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
        "ISC",
        {"dist/topojson-client.min.js": "topojson-client.min.js", "LICENSE": "LICENSE.topojson-client"},
    ),
    (
        # country outlines at 1:110m from Natural Earth (public domain), as TopoJSON
        "world-atlas",
        "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
        "ISC (data: Natural Earth, public domain)",
        {"countries-110m.json": "countries-110m.json", "LICENSE": "LICENSE.world-atlas"},
    ),
]


def _tarball(name: str, version: str, integrity: str) -> tarfile.TarFile:
    url = f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as resp:
        data = resp.read()
    algo, _, want = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, data).digest()).decode()
    if got != want:
        raise SystemExit(f"vendor: {name}@{version}: integrity mismatch ({algo} {got} != {want})")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def _notice() -> str:
    lines = [
        "Front-end files vendored from the npm registry by scripts/vendor_frontend.py (make vendor).",
        "Each is the file of the named package at the pinned version, unchanged; its licence sits beside it.",
        "",
    ]
    for name, version, integrity, licence, files in PACKAGES:
        lines.append(f"{name}@{version}  licence: {licence}  integrity: {integrity}")
        lines += [f"    {src} -> {dst}" for src, dst in files.items()]
    return "\n".join(lines) + "\n"


def vendor() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, version, integrity, _licence, files in PACKAGES:
        with _tarball(name, version, integrity) as tar:
            for src, dst in files.items():
                member = tar.extractfile(f"package/{src}")
                if member is None:
                    raise SystemExit(f"vendor: {name}@{version} has no {src}")
                data = member.read()
                (OUT / dst).write_bytes(data)
                digests[dst] = hashlib.sha256(data).hexdigest()
        print(f"vendored {name}@{version}", file=sys.stderr)
    (OUT / "NOTICE").write_text(_notice(), encoding="utf-8")
    (OUT / "SHA256SUMS.json").write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def check() -> int:
    """0 when every vendored file is there with the digest recorded at vendoring, and the NOTICE is current."""
    sums = json.loads((OUT / "SHA256SUMS.json").read_text(encoding="utf-8"))
    wanted = {dst for *_, files in PACKAGES for dst in files.values()}
    bad = sorted(wanted ^ set(sums))
    bad += [f for f in sorted(wanted & set(sums)) if hashlib.sha256((OUT / f).read_bytes()).hexdigest() != sums[f]]
    if (OUT / "NOTICE").read_text(encoding="utf-8") != _notice():
        bad.append("NOTICE")
    for f in bad:
        print(f"vendor: {f} does not match the pins; run make vendor", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="verify the committed files, offline")
    sys.exit(check() if parser.parse_args().check else vendor())
