"""Errors a user can act on. The CLI prints them as one line and exits with
the code each class names; anything else is a bug. `shown` and `shown_name`
make what a user gave (a value, a file name) fit in such a line."""

from __future__ import annotations

import re


class ClaimgraphError(Exception):
    exit_code = 1


class UsageError(ClaimgraphError):
    """A bad option or argument value."""

    exit_code = 2


class InputError(ClaimgraphError):
    """An input that cannot be read or analysed: missing, empty, binary, too long."""

    exit_code = 3


class ResourceError(ClaimgraphError):
    """A resource (spaCy model, lexicon) is missing or broken."""

    exit_code = 4


# What cannot stand in a one-line message: C0/C1 controls and DEL, the Unicode
# line and paragraph separators, and lone surrogates (unprintable, unencodable).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
QUOTE_CHARS = 80  # the most of a user-given value (a query, a field, a first line) quoted in a message
NAME_CHARS = 240  # the most of a file name or URL in a message; real paths are shorter
MESSAGE_CHARS = 400  # the most of a message after its name


def _escape(match: re.Match) -> str:
    c = match.group()
    return _ESCAPES.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")


def one_line(text: str) -> str:
    """`text` with control characters and line breaks escaped (a newline in
    it cannot forge a second line of output)."""
    return _UNSHOWABLE.sub(_escape, text)


def shown(text: str, limit: int = QUOTE_CHARS) -> str:
    """User-given text as it may stand in an error message: `one_line`, and
    cut to `limit` characters with an ellipsis (a 38 KB query is not echoed)."""
    text = one_line(text[: limit * 4])  # cut first: escaping all of a long text is waste
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_name(name: str, limit: int = NAME_CHARS) -> str:
    """A file name or URL for a message: `one_line`; a long one keeps its
    start and its end (the file name) around an ellipsis."""
    name = one_line(name)
    if len(name) <= limit:
        return name
    half = (limit - 1) // 2
    return f"{name[:half]}…{name[-(limit - 1 - half) :]}"
