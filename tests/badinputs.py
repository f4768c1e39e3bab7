"""A corpus of bad inputs, made here (nothing is downloaded): each red-team
finding as a file, with what reading it must give. `CORPUS` is a list a test
(or a later fuzz test) iterates over; `write(bad, folder)` puts one on disk.

Every case is small: the bombs are a few KB that decompress to a few MB, and
their `options` set caps small enough for a few MB to be over them.
"""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

# prose long enough (over 20 words) for its language to be judged
ENGLISH = (
    "The minister said “the border is closed” on Monday, and officials at the port agreed "
    "that the ferries would not sail until the storm had passed over the coast."
)
# more English, each unlike the others (the ledger groups near-duplicates)
OTHERS = (
    "Police in Leeds said three men were arrested after a fire at a warehouse near the railway station, "
    "and a spokesman added that nobody had been hurt.",
    "The health board announced that the new hospital wing in Latakia would open in March, two years "
    "later than planned, because of a shortage of steel.",
)
GERMAN = (
    "Der Minister sagte am Montag, die Grenze bleibe geschlossen, und die Beamten im Hafen "
    "erklärten, dass die Fähren erst nach dem Sturm wieder fahren würden."
)
PAGE = (
    "<!doctype html><html lang='{lang}'><head><title>{title}</title></head><body><article>"
    "<h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
)


def page(text: str = ENGLISH, title: str = "Border closed", lang: str = "en") -> bytes:
    return PAGE.format(lang=lang, title=title, text=text).encode()


@dataclass(frozen=True)
class BadInput:
    name: str  # the test id
    filename: str  # its suffix picks the reader
    data: bytes
    finding: str  # the red-team item
    articles: int  # good articles it must give
    says: tuple[str, ...] = ()  # one failure line each, in order: a phrase it holds
    options: dict = field(default_factory=dict)  # claimgraph.ingest.items.Options fields
    skips: tuple[str, ...] = ()  # one line each for the articles skipped by choice (not failures)


def write(bad: BadInput, folder: Path) -> Path:
    path = folder / bad.filename
    path.write_bytes(bad.data)
    return path


def jsonl(*objs: dict) -> bytes:
    """JSON Lines as `json.dumps` writes them: NUL and lone surrogates as \\u escapes."""
    return "".join(json.dumps(o) + "\n" for o in objs).encode()


def warc(records: list[tuple[str, bytes, list[tuple[str, str]]]], gz: bool) -> bytes:
    """A WARC of HTML responses: (url, body as sent, extra HTTP headers)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for url, body, extra in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *extra], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        writer.write_record(record)
    return out.getvalue()


def _cut_in_header(at: int) -> bytes:
    """A plain WARC of two records cut `at` bytes into the second's header."""
    data = warc([("https://w.example/1", page(), []), ("https://w.example/2", page(title="Two"), [])], gz=False)
    return data[: data.index(b"WARC/1.0", 10) + at]


MB = 1_000_000
# a read decompresses to up to about 4 MB (claimgraph.ingest.warc.GZIP_BLOCK): the file cap is above that
SMALL_CAPS = {"warc_record_bytes": MB, "warc_file_bytes": 8 * MB, "warc_file_ratio": 20}
ZEROS = b"\0" * (3 * MB)  # gzips to about 3 KB

CORPUS: list[BadInput] = [
    # 12: decoding
    BadInput("utf8-one-bad-byte", "onebad.txt", ENGLISH.encode() + b" \xff " + ENGLISH.encode(), "12", 1),
    BadInput("utf16le-no-bom", "u16le.txt", ENGLISH.encode("utf-16-le"), "12", 1),
    BadInput("utf16be-no-bom", "u16be.txt", ENGLISH.encode("utf-16-be"), "12", 1),
    BadInput("utf16-bom", "u16bom.txt", ENGLISH.encode("utf-16"), "12", 1),
    BadInput("utf32-bom", "u32bom.txt", ENGLISH.encode("utf-32"), "12", 1),
    BadInput("utf8-bom-html", "bom.html", b"\xef\xbb\xbf" + page(), "12", 1),
    BadInput("utf16-bom-html", "u16.html", page().decode().encode("utf-16"), "12", 1),
    BadInput("nul-byte-in-text", "nul.txt", ENGLISH.encode().replace(b" on ", b" o\0n "), "12", 0, ("binary data",)),
    BadInput("controls-in-text", "controls.txt", ENGLISH.replace(" on ", " o\x07n\x1b ").encode(), "12", 1),
    # 2/3: NUL and lone surrogates in JSON Lines; the last line has nothing left once cleaned
    BadInput(
        "jsonl-nul-and-surrogates",
        "nul.jsonl",
        jsonl(
            {"id": "nul\u0000id", "text": ENGLISH.replace(" on ", " on\u0000 "), "title": "T\u0000itle"},
            {"id": "lone", "text": OTHERS[0] + " \ud800", "publisher": "P\udfffub", "url": "https://x.example/\u0000a"},
            {"id": "pair", "text": OTHERS[1] + " \ud83d\ude00", "author": "A\u0000uthor"},
            {"id": "blank", "text": "\u0000\u0001\u0002 \u0000"},
        ),
        "2/3",
        3,
        ("empty input",),
    ),
    # 7: decompression bombs, with caps a few MB are over
    BadInput(
        "warc-gz-record-bomb",
        "bomb.warc.gz",
        warc([("https://w.example/bomb", ZEROS, []), ("https://w.example/good", page(), [])], gz=True),
        "7",
        1,
        ("decompresses to over 1,000,000 bytes; skipped",),
        SMALL_CAPS,
    ),
    BadInput(
        "warc-http-gzip-bomb",
        "httpgzip.warc",
        warc(
            [
                ("https://w.example/bomb", gzip.compress(ZEROS), [("Content-Encoding", "gzip")]),
                ("https://w.example/good", page(), []),
            ],
            gz=False,
        ),
        "7",
        1,
        ("decompresses to over 1,000,000 bytes; skipped",),
        SMALL_CAPS,
    ),
    BadInput(
        "warc-gz-file-bomb",
        "filebomb.warc.gz",
        warc(
            [
                ("https://w.example/good", page(), []),
                ("https://w.example/bomb", ZEROS * 10, []),
                ("https://w.example/lost", page(title="Lost"), []),
            ],
            gz=True,
        ),
        "7",
        1,
        ("decompresses to over 1,000,000 bytes; skipped", "decompresses to over 8,000,000 bytes"),
        SMALL_CAPS,
    ),
    # 9: pathological shapes
    BadInput("many-tiny-paragraphs", "paras.txt", b"a\n\n" * 100_000, "9", 0, ("lines is over the limit of 10,000",)),
    BadInput(
        "html-over-the-cap",
        "big.html",
        page().replace(b"<article>", b"<article>" + b"<p>filler</p>" * 500_000),
        "9",
        0,
        ("bytes of HTML is over the limit of 5,000,000",),
    ),
    # 13: languages
    BadInput(
        "german-page", "de.html", page(GERMAN, "Grenze", "de"), "13", 0, skips=("language de, the model reads en",)
    ),
    BadInput("german-jsonl", "de.jsonl", jsonl({"text": GERMAN}), "13", 0, skips=("language de, the model reads en",)),
    BadInput("german-mislabelled-en", "mis.html", page(GERMAN, "Grenze", "en"), "13", 0, skips=("language de",)),
    BadInput("short-german-not-judged", "short.txt", b"Die Grenze bleibt geschlossen.", "13", 1),
    # 20: truncation and messages
    BadInput("warc-cut-in-warc-header", "cut1.warc", _cut_in_header(20), "20", 1, ("ends inside its header",)),
    BadInput("warc-cut-in-http-header", "cut2.warc", _cut_in_header(200), "20", 1, ("ends inside its header",)),
    # found by tests/test_fuzz.py: no WARC-Target-URI yet, and warcio calls None.startswith
    BadInput("warc-cut-in-first-header", "cut3.warc", b"WARC/1.0\r\nWARC-Type: response", "20", 0, ("broken WARC",)),
    BadInput(
        "newline-in-file-name", "forged\nclaimgraph: error: forged.txt", b"   ", "20", 0, ("forged\\nclaimgraph",)
    ),
    BadInput(
        "long-value-in-json",
        "longdate.jsonl",
        jsonl({"text": ENGLISH, "published": "x" * 38_000}),
        "20",
        0,
        ("is not an ISO date",),
    ),
    BadInput("binary-warc", "binary.warc", bytes(range(256)) * 64, "20", 0, ("truncated or broken WARC",)),
]
