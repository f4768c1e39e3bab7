"""Bytes to text, one rule for every reader (text, JSON Lines, HTML, feeds, WARC):

1. a byte order mark is honoured (UTF-8, UTF-16, UTF-32), and UTF-16 without
   one is recognised by its NUL bytes between letters;
2. otherwise NUL bytes, or many control bytes, mean a binary file;
3. valid UTF-8 wins; UTF-8 with a few broken bytes (no more of them than
   valid multi-byte characters) is UTF-8 with each broken byte U+FFFD, not a
   reason to guess another code page;
4. a legacy code page (charset detection) only when the text is clearly not
   UTF-8: none of its non-ASCII bytes make a UTF-8 character, or most do not.

Control characters left in the text are cleaned later, where an article is
made (`claimgraph.ingest.articles.clean_text`)."""

from __future__ import annotations

import charset_normalizer

from claimgraph.errors import InputError, shown_name

# UTF-32 first: its little-endian mark starts with UTF-16's.
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
SAMPLE = 8192  # bytes looked at to judge binary data and BOM-less UTF-16
# Control characters that never occur in prose (tab, newline, form feed and
# carriage return do); more than 1% of them mean a binary file.
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})
_CONTROL_CHARS = _CONTROL_BYTES.decode("ascii")


def _unicode_form(data: bytes) -> tuple[str, int] | None:
    """(codec, bytes to skip) when a BOM or NUL-interleaving says UTF-16/32, else None."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    sample = data[:SAMPLE]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    # Latin-script UTF-16: the high byte of most characters is 0, the low byte never
    if odd > half * 0.4 and even < half * 0.05:
        return "utf-16-le", 0
    if even > half * 0.4 and odd < half * 0.05:
        return "utf-16-be", 0
    return None


def _too_many_controls(sample: str | bytes, controls: str | bytes) -> bool:
    odd = sum(sample.count(c) for c in controls)
    return odd > max(4, len(sample) // 100)


def looks_binary(data: bytes) -> bool:
    """Binary data, not text: NUL bytes (outside UTF-16/32) or many control bytes."""
    if _unicode_form(data) is not None:
        return False
    return b"\x00" in data or _too_many_controls(data[:SAMPLE], _CONTROL_BYTES)


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode `data` as text by the rule above; raise InputError for binary
    data or bytes no common encoding explains."""
    form = _unicode_form(data)
    if form is not None:
        codec, skip = form
        text = data[skip:].decode(codec, errors="replace")
        if "\x00" in text or _too_many_controls(text[:SAMPLE], _CONTROL_CHARS):
            raise InputError(f"{shown_name(name)}: binary data, not text")
        return text
    if looks_binary(data):
        raise InputError(f"{shown_name(name)}: binary data, not text")
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    if not broken:
        return text
    wide = len(text) - len(text.encode("ascii", errors="ignore")) - broken  # valid multi-byte characters
    if wide >= broken:
        return text
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(f"{shown_name(name)}: undecodable bytes in no common text encoding")
    return str(best)
