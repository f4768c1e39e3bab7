"""Which language an article is in: py3langid, whose model ships inside the
package (nothing is fetched), judged on the text; a language the page or the
JSON line declares (`<html lang>`, "language") is kept when the text agrees
or is too short to judge."""

from __future__ import annotations

import re
from functools import cache

MIN_WORDS = 20  # fewer words say too little to judge (a headline, a caption)
MIN_CHARS = 160  # or as many characters: scripts written without spaces (Chinese, Thai)
SAMPLE_CHARS = 10_000  # enough to judge; the whole of a long text only costs time
MIN_CONFIDENCE = 0.9  # below it the text is not judged: a wrong guess would skip an article
_TAG = re.compile(r"[-_]")
# a BCP 47-like tag of at most 16 characters (the ledger's column): anything
# else a JSON line calls its "language" is not one, and is not kept
_VALID_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def primary(tag: str) -> str:
    """'en' for 'en-GB', 'EN_us' or 'en'."""
    return _TAG.split(tag.strip().lower(), maxsplit=1)[0]


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it is too short or unclear."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS and len(sample.strip()) < MIN_CHARS:
        return None
    code, confidence = _identifier().classify(sample)
    return code if confidence >= MIN_CONFIDENCE else None


def language_of(text: str, declared: str | None = None) -> str | None:
    """The declared tag when the text agrees with it or cannot be judged (it may
    say more: 'en-gb'), else the language the text is in."""
    detected = detect(text)
    declared = declared.strip() if declared else None
    valid = bool(declared) and len(declared) <= 16 and _VALID_TAG.fullmatch(declared) is not None
    if valid and (detected is None or primary(declared) == detected):
        return declared
    return detected
