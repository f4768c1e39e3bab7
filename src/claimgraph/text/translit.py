"""A transliteration-aware key for names.

Names that reach English through Arabic, Cyrillic and other scripts are
spelled many ways: Khmeimim, Hmeimim, Humaymim; Tartus, Tartous, Ţarţūs;
Latakia, Lattakia; Hama, Ḩamāh. The key keeps what romanisations agree on,
the consonant skeleton, and drops what they disagree on: diacritics, vowels,
doubled letters, and digraphs that stand for one sound (kh, gh, sh, ou).

    >>> name_key("Khmeimim") == name_key("Hmeimim") == name_key("Ḩumaymīm")
    True
    >>> name_key("Hama") == name_key("Ḩamāh")
    True

The key is lossy by design: two keys being equal means "could be the same
name", and callers weigh that with other evidence (entity type, key length).
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Longest first: each pair maps a romanisation variant to one spelling.
_DIGRAPHS = (
    ("kh", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("sh", "s"),
    ("ch", "s"),
    ("zh", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("v", "f"),
    ("w", ""),
)
_VOWELS = re.compile(r"[aeiouy]+")
_NOT_LETTER = re.compile(r"[^a-z ]+")
# Arabic article prefixes: al-Assad, el-Sisi, as-Sham, ad-Dawla.
_ARTICLE = re.compile(r"\b(?:a[lnrsdtz]|e[lnrsdtz]|ash|esh|ul)[-‐‑ ](?=\w)")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The consonant skeleton of `name`, word by word, space-separated."""
    s = anyascii(name).lower()
    s = _ARTICLE.sub("", s)
    s = _NOT_LETTER.sub(" " if " " in name or "-" in name else "", s)
    words = []
    for word in s.split():
        # Arabic ta marbuta: Hamah / Hama, Latakiyah / Latakia
        word = re.sub(r"(?<=[aeiouy])h$", "", word)
        word = re.sub(r"(.)\1+", r"\1", word)  # Lattakia -> Latakia
        for a, b in _DIGRAPHS:
            word = word.replace(a, b)
        head, rest = word[:1], word[1:]
        skeleton = ("a" if head in "aeiouy" else head) + _VOWELS.sub("", rest)
        if skeleton:
            words.append(skeleton)
    return " ".join(words)


def plain(name: str) -> str:
    """Lower-cased ASCII with diacritics and punctuation removed: a strict key."""
    return " ".join(_NOT_LETTER.sub(" ", anyascii(name).lower()).split())
