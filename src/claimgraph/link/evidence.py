"""When two entities of different articles are the same entity, and why.

A shared name key (the consonant skeleton of `translit.name_key`) only says
"could be the same name": Khmeimim and Hmeimim share one, and so do WeWork,
Iraqi and York. So a key is never enough alone. Two entities are one when

- they carry the same gazetteer id (different ids: never one), their types
  agree and so do their names (a shared word, one abbreviates the other:
  "UAE", "Calif.", or one is a description: "the Ukrainian capital", with a
  word of `lexicons/place_descriptions.tsv`), or
- they share a key, their types agree (places as one type) and either
  - the words of one name, folded to ASCII and without Arabic articles, are
    all words of the other ("Bashar Assad" / "Bashar al-Assad", "Ţarţūs" /
    "Tartus") and the longer adds no qualifier ("New York" is not York:
    `lexicons/name_qualifiers.tsv`), or
  - the names differ in spelling only (a skeleton-only match, as many
    words) on a skeleton long enough to be specific (`MIN_SKELETON`
    letters), they start with
    the same sound ("Eastern" / "Western" do not), and the articles
    agree beyond the name: places within `NEAR_KM` of each other, or another
    named entity the two articles share (`context`).

A nationality is never its country ("Iraqi" / "Iraq", "Argentine" /
"Argentina", "German" / "Germany"), nor two one-word names that disagree
under one gazetteer id ("Women" read as Yemen). An abbreviation stands for
a whole name ("Fla." for Florida, not for "Florida State"); a description
is written as one ("the Ukrainian capital", not the name "United Kingdom");
a respelling keeps the number of words ("Militants" is not "militant
group"), and a common noun ("militant group") joins only a name with its
head word. Each verdict is a one-line reason, kept with the merge.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from claimgraph.lexicons import load_table
from claimgraph.model import PLACE_TYPES
from claimgraph.text.translit import plain

MIN_SKELETON = 4  # consonants: 3 ("ark", "srn") are shared by too many unrelated names
NEAR_KM = 50.0  # two readings of one place name this close are one place
MIN_CONTEXT = 4  # letters of a shared context name: "US", "UN" say nothing about a story
_DEMONYM_ENDINGS = frozenset(
    ["i", "is", "n", "ns", "an", "ans", "ian", "ians", "ese", "ish", "e", "ine", "ean", "eans", "ic", "ics"]
)
# what a country's name ends in where its demonym takes another ending: Argentin-a / Argentin-e,
# Russ-ia / Russ-ian, Chin-a / Chin-ese, Mexic-o / Mexic-an, Turk-ey / Turk-ish; German-y / German
_COUNTRY_ENDINGS = ("a", "ia", "e", "o", "y", "ey")
_BARE_STEM = ("y", "ia")  # endings whose stem alone is the nationality: German-y, Serb-ia ("Sana" is not "Sanaa"'s)
MIN_STEM = 3  # letters the two forms share before their endings: "Ira" + "q" is no stem to go by
_GLUE = frozenset(["of", "the", "and"])
_ARTICLES = frozenset(["al", "el", "an", "ar", "as", "ad", "at", "az", "ash", "esh", "ul"])


@dataclass(slots=True)
class Ent:
    id: int
    article: int
    name: str
    type: str
    gazetteer: str | None
    lat: float | None
    lon: float | None
    words: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.words:
            self.words = name_words(self.name)

    @property
    def kind(self) -> str:
        return "PLACE" if self.type in PLACE_TYPES else self.type

    @property
    def signature(self) -> tuple:
        """What a verdict on the names alone depends on (entities alike in it are alike in every verdict)."""
        return (self.name, self.kind, self.gazetteer)


@lru_cache(maxsize=65536)
def name_words(name: str) -> frozenset[str]:
    """The name's words folded to ASCII, without Arabic articles ("al-Assad" -> "assad");
    initials are one word ("U.S." -> "us")."""
    words = plain(name).split()
    if len(words) > 1 and all(len(w) == 1 for w in words):
        return frozenset(["".join(words)])
    return frozenset(w for w in words if w not in _ARTICLES)


def folded(e: Ent) -> str:
    """The entity's name as a context set holds it."""
    return " ".join(sorted(e.words))


def _skeleton_letters(key: str) -> int:
    return len(key.replace(" ", ""))


def abbreviates(short: Ent, long: Ent) -> bool:
    """Whether the one-word name `short` is the plural-less `long` ("Russian"),
    or an abbreviation of it, written as one (capitals: "UAE", "MD"; a full
    stop: "Calif.") that stands for the whole of `long`: letters in order of
    a one-word name ("Calif.", "MD" for Maryland), or the start of every word
    of a longer one ("UAE", "US"), so that "Fla." is Florida, not "Florida
    State". A demonym is not a shortened country: "Iraq" does not abbreviate "Iraqi"."""
    if len(short.words) != 1:
        return False
    s = next(iter(short.words))
    words = [w for w in plain(long.name).split() if w not in _ARTICLES and w not in _GLUE]
    whole = "".join(words)
    if len(s) < 2 or len(s) >= len(whole) or not words:
        return False
    if whole == s + "s":
        return True
    written = short.name.rstrip().endswith(".") or (short.name.isupper() and len(s) <= 5)
    if not written:
        return False
    if len(words) > 1:
        return _word_starts(s, tuple(words))
    it = iter(whole)
    return s[0] == whole[0] and all(ch in it for ch in s)


@lru_cache(maxsize=65536)
def _word_starts(s: str, words: tuple[str, ...]) -> bool:
    """Whether `s` is a start of each of `words` in turn, every word used: "uae", "usa", "us" for "united states"."""
    if not words:
        return not s
    head, rest = words[0], words[1:]
    return any(s[:k] == head[:k] and _word_starts(s[k:], rest) for k in range(1, min(len(s), len(head)) + 1))


def _initial(e: Ent) -> str:
    return _first_sound(e.name)


@lru_cache(maxsize=65536)
def _first_sound(name: str) -> str:
    """The name's first sound: "Eastern" and "Western" share a skeleton, not this ("Khmeimim", "Hmeimim" do)."""
    folded = plain(name)
    return folded[1:2] if folded.startswith("kh") else folded[:1]


def _demonym(a: Ent, b: Ent) -> bool:
    """Whether one one-word name is a nationality of the other: the other with
    a nationality ending ("Iraq", "Iraqi"), or both the same stem, one with a
    country's ending, the other with a nationality's ("Argentin-a",
    "Argentin-e"; "Russ-ia", "Russ-ian"; "German-y", "German")."""
    if len(a.words) != 1 or len(b.words) != 1:
        return False
    x, y = next(iter(a.words)), next(iter(b.words))
    return x != y and (_nationality_of(x, y) or _nationality_of(y, x))


@lru_cache(maxsize=65536)
def _nationality_of(nationality: str, country: str) -> bool:
    if nationality.startswith(country) and nationality[len(country) :] in _DEMONYM_ENDINGS:
        return True
    for ending in _COUNTRY_ENDINGS:
        stem = country[: -len(ending)]
        if country.endswith(ending) and len(stem) >= MIN_STEM and nationality.startswith(stem):
            rest = nationality[len(stem) :]
            if rest in _DEMONYM_ENDINGS or (not rest and ending in _BARE_STEM):
                return True
    return False


@cache
def _qualifiers() -> frozenset[str]:
    return frozenset(row["word"] for row in load_table("name_qualifiers.tsv"))


@cache
def _descriptions() -> frozenset[str]:
    return frozenset(row["word"] for row in load_table("place_descriptions.tsv"))


def name_verdict(a: Ent, b: Ent, key: str) -> str | None:
    """What the names, types and gazetteer ids alone say: a reason to merge,
    "context" (the same only if the articles agree), or None (never the same).
    `key` is the name key they share, or "geo:<id>" for a shared gazetteer id."""
    if a.gazetteer and b.gazetteer and a.gazetteer != b.gazetteer:
        return None
    if a.kind != b.kind or not a.words or not b.words or _demonym(a, b):
        return None  # a nationality is not its country, a person not a place
    if key.startswith("geo:"):
        # a gazetteer id is a choice the places stage made: the names must agree as well
        # (it has read "Women" as Yemen and "Brent" as England)
        same = f"same gazetteer id {a.gazetteer}"
        if a.words & b.words and not (a.words ^ b.words) & _qualifiers():
            return f"{same}, a shared word"
        short, long = (a, b) if len(a.name) <= len(b.name) else (b, a)
        if abbreviates(short, long):
            return f"{same}, {short.name!r} is short for {long.name!r}"
        if len(long.words) > 1 and _described(long.name):
            return f"{same}, the description {long.name!r} was resolved to it"  # "the Ukrainian capital"
        return None  # two one-word names that disagree, or two names ("Britain", "United Kingdom")
    respelled = len(a.words) == len(b.words)  # a respelling keeps the words: "Militants" is not "militant group"
    if (
        a.gazetteer == b.gazetteer
        and a.gazetteer
        and respelled
        and _skeleton_letters(key) >= MIN_SKELETON
        and _initial(a) == _initial(b)
    ):
        return f"same gazetteer id {a.gazetteer} and name key {key!r}"
    if (a.words <= b.words or b.words <= a.words) and not (a.words ^ b.words) & _qualifiers():
        if a.words == b.words:
            return f"same name after ASCII folding ({' '.join(sorted(a.words))!r}), same type"
        if (_common(a.name) or _common(b.name)) and _head(a.name) != _head(b.name):
            return None  # "militant" is not "militant group": a common noun is its head word
        shorter = a if len(a.words) < len(b.words) else b
        return f"name {' '.join(sorted(shorter.words))!r} is part of the other, same type"
    if a.words & b.words or not respelled or _skeleton_letters(key) < MIN_SKELETON or _initial(a) != _initial(b):
        return None  # different names that share a word ("Hafez Assad"), other words, a short skeleton, other sounds
    return "context"


def _common(name: str) -> bool:
    """A common noun phrase ("militant group", "anesthesia"), not a proper name: no capital letter."""
    return not any(ch.isupper() for ch in name)


@lru_cache(maxsize=65536)
def _head(name: str) -> str:
    """The last word, folded: what an English noun phrase is about."""
    words = [w for w in plain(name).split() if w not in _ARTICLES]
    return words[-1] if words else ""


@lru_cache(maxsize=65536)
def _described(name: str) -> bool:
    """Whether the name is a description of a place: a word of `place_descriptions.tsv`
    written in lower case ("the Ukrainian capital"), not a proper name ("United Kingdom")."""
    return any(w.islower() and plain(w) in _descriptions() for w in name.split())


def km(a: Ent, b: Ent) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))  # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def context_verdict(a: Ent, b: Ent, key: str, context: Callable[[int], frozenset[str]]) -> str | None:
    """For a skeleton-only match: whether the articles agree beyond the name."""
    spelled = f"spellings of skeleton {key!r}"
    if a.kind == "PLACE" and not (a.gazetteer and a.gazetteer == b.gazetteer):  # one id: one point, no evidence
        d = km(a, b)
        if d is not None:
            return f"{spelled}, places {d:.0f} km apart" if d <= NEAR_KM else None
    own = {folded(a), folded(b)}
    shared = (context(a.article) & context(b.article)) - own
    shared = {n for n in shared if len(n.replace(" ", "")) >= MIN_CONTEXT}
    if shared:
        return f"{spelled}, same type, both articles name {min(shared)!r}"
    return None
