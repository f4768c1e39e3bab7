"""The analysis contract: the typed model behind claimgraph's JSON output.

Every stage fills part of one `Analysis`. All offsets are character offsets
(Python string indices) into `Analysis.text`. The JSON Schema in
`schema/analysis.schema.json` is generated from these classes
(`claimgraph schema`), so this file is the single source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID = "claimgraph/analysis@1"


@dataclass(frozen=True)
class Article:
    """One article to analyse: its text plus what is known about it."""

    text: str
    id: str | None = None
    published: date | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class BadItem:
    """An input that could not become an article; the batch goes on without it."""

    where: str
    error: str


ClaimKind = Literal["direct", "indirect", "mixed", "unattributed"]
ClaimStatus = Literal["asserted", "reported", "speculated", "denied"]
EventStatus = Literal["asserted", "reported", "speculated", "denied", "hypothetical"]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
RelationType = Literal["contradicts", "supports", "elaborates"]
MentionKind = Literal["name", "acronym", "short", "variant", "pronoun", "description", "demonym"]
PlaceRole = Literal["place", "metonym"]
# the entity types that name a place (spaCy's labels): what the places stage geocodes
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
PloverType = Literal[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
    "OTHER",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """A stretch of `text`: `text[start:end] == span.text`."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Paragraph(Span):
    heading: bool = Field(False, description="a short title-like line, not prose")


class Sentence(Span):
    paragraph: int = Field(description="index into `paragraphs`")


class Quote(Span):
    """A quotation, marks included. `closed` is false when no closing mark was
    found and the quote was ended at a paragraph that does not continue it."""

    closed: bool = True


class Mention(Span):
    kind: MentionKind = "name"


class Geo(_Model):
    """Where a place entity is. Filled by the places stage."""

    lat: float
    lon: float
    kind: str = Field(description="country, region, city, town, airbase, port, water, area, ...")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code")
    gazetteer_id: str | None = Field(None, description="stable id, e.g. 'geonames:170654'")
    score: float | None = Field(None, description="confidence of the choice, 0..1")
    role: PlaceRole = Field("place", description="'metonym' when the name stands for a government")
    evidence: list[str] = Field(default_factory=list, description="why this place was chosen")


class Entity(_Model):
    id: str
    type: str = Field(description="spaCy label: PERSON, ORG, GPE, LOC, FAC, NORP, ...")
    name: str = Field(description="the fullest name seen")
    aliases: list[str] = Field(default_factory=list, description="other surface forms")
    key: str = Field(description="transliteration-aware matching key")
    mentions: list[Mention]
    geo: Geo | None = None


class Source(Span):
    """Who makes a claim. `entity` is null when nobody is named ("sources said")."""

    entity: str | None = None


class Claim(_Model):
    id: str
    content: Span
    source: Source | None = None
    cue: Span | None = None
    kind: ClaimKind
    status: ClaimStatus
    hedges: list[Span] = Field(default_factory=list)
    sentence: int = Field(description="index into `sentences` of the claim's first sentence")
    pattern: str = Field(description="the attribution rule that found it, for auditing")


class Hedge(Span):
    claim: str | None = Field(None, description="the claim it governs, if any")


class Time(Span):
    """A TIMEX3 expression. Filled by the times stage."""

    id: str
    type: TimexType
    value: str | None = Field(None, description="TIMEX3 value, e.g. 2024-12-08, P3D, PAST_REF")
    mod: str | None = Field(None, description="TIMEX3 mod: EARLY, MID, LATE, APPROX, ...")
    anchor: Literal["publication", "text", "none"] | None = Field(
        None, description="what a relative value was resolved against"
    )
    underspecified: bool = Field(False, description="relative, but nothing to resolve it against")


class Event(_Model):
    """Who did what to whom, where and when. Filled by the events stage."""

    id: str
    type: PloverType
    mode: str | None = None
    trigger: Span
    actor: str | None = None
    target: str | None = None
    location: str | None = None
    time: str | None = Field(None, description="TIMEX3 value")
    inherited: list[Literal["location", "time"]] = Field(
        default_factory=list, description="arguments taken from the article or claim, not the clause"
    )
    claim: str | None = None
    status: EventStatus = "asserted"
    negated: bool = False


class Relation(_Model):
    id: str
    type: RelationType
    a: str = Field(description="claim id")
    b: str = Field(description="claim id")
    reason: str = Field(description="a sentence a person can check")
    cue: Span | None = None
    spans: list[Span] = Field(default_factory=list, description="the text the relation rests on")


class Analysis(_Model):
    schema_: Literal["claimgraph/analysis@1"] = Field(SCHEMA_ID, alias="schema")
    id: str | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: date | None = None
    model: str = Field(description="the spaCy pipeline used, name and version")
    text: str
    paragraphs: list[Paragraph] = Field(default_factory=list)
    headings: list[Span] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    hedges: list[Hedge] = Field(default_factory=list)
    times: list[Time] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = None) -> str:
        # U+0085, U+2028 and U+2029 are line breaks to str.splitlines(): escaped,
        # one analysis stays one line of JSON Lines for every reader.
        return escape_line_breaks(self.model_dump_json(by_alias=True, indent=indent))


_LINE_BREAKS_IN_STRINGS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def escape_line_breaks(json_text: str) -> str:
    """JSON text with U+0085, U+2028 and U+2029 escaped: they can only sit inside
    strings, where the escape means the same, and it keeps one record one line."""
    return json_text.translate(_LINE_BREAKS_IN_STRINGS)


def json_schema() -> dict:
    schema = Analysis.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
