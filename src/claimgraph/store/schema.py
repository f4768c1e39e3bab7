"""The ledger's tables, as SQLAlchemy Core metadata.

This is what the code queries against; the Alembic migrations under
`migrations/versions` create the same tables (a test compares the two).
Full-text search is not declared here because it differs per back end:
SQLite gets an FTS5 table `claims_fts` kept in step by triggers, PostgreSQL a
generated `tsvector` column `claims.tsv` with a GIN index (both made by the
migration).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
)

metadata = MetaData()

# One row per distinct article. `key` is the canonical URL when known, else
# the content hash: the identity that makes re-ingest idempotent.
articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(2048), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("ext_id", String(512)),
    Column("url", String(2048)),
    Column("title", Text),
    Column("author", Text),
    Column("publisher", String(512)),
    Column("language", String(16)),
    Column("published", Date),
    Column("origin", Text, doc="where it was read: a path, URL, WARC record"),
    # Near-duplicate group (syndicated copies): the id of the group's first article.
    Column("group_id", Integer, nullable=False, index=True),
    Column("minhash", LargeBinary, doc="MinHash signature of the text, for near-duplicate search"),
    Column("ingested_at", String(32), nullable=False),
    # An article updated at the same URL: the old version stays, with its key
    # suffixed "#rev<N>", and points at the version that replaced it.
    Column("revision", Integer, nullable=False, server_default="1"),
    Column("superseded_by", Integer, index=True),
    # The story (articles of several outlets on one story, link/stories.py): its first article's id.
    Column("story_id", Integer, index=True),
    Index("ix_articles_published", "published"),
)

# The analysis JSON, whole, for provenance: every other row can be rebuilt from it.
analyses = Table(
    "analyses",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("schema", String(64), nullable=False),
    Column("model", String(128), nullable=False),
    Column("json", Text, nullable=False),
)

# LSH buckets of article signatures: a lookup, not a pairwise comparison.
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band", BigInteger, nullable=False, index=True),  # band number and hash in one integer
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("local_id", String(32), nullable=False),
    Column("type", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("key", String(512), nullable=False, index=True),
    Column("gazetteer_id", String(128)),
    Column("lat", Float),
    Column("lon", Float),
    # The cross-article entity this one is (filled by the linker).
    Column("xentity_id", Integer),
    # Why it joined that xentity: the earlier entity it matched and the evidence (link/evidence.py).
    Column("xentity_reason", Text),
    # covers what a cross-article entity's row is aggregated from (link/entities.py `_xentity_rows`)
    Index("ix_entities_xentity", "xentity_id", "name", "type", "gazetteer_id", "article_id"),
)

# Every key an entity answers to (its name and aliases under the alias rules).
entity_keys = Table(
    "entity_keys",
    metadata,
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key", String(512), nullable=False),
    Index("ix_entity_keys_key_entity", "key", "entity_id"),  # covering: the linker reads entities by key
)

# Entities unified across articles.
xentities = Table(
    "xentities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(32), nullable=False),
    Column("key", String(512), nullable=False, index=True),
    Column("gazetteer_id", String(128)),
    Column("articles", Integer, nullable=False),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("local_id", String(32), nullable=False),
    Column("content", Text, nullable=False),
    Column("source_text", Text, nullable=False),
    Column("source_key", String(512), index=True),
    Column("source_entity", String(32)),
    Column("cue", Text),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("hedged", Boolean, nullable=False),
    Column("sentence", Integer, nullable=False),
    # Copied from the article so that date filters need no join.
    Column("published", Date, index=True),
    Column("cluster_id", Integer, index=True),
)

# Which entities a claim mentions (in its content or source span).
claim_entities = Table(
    "claim_entities",
    metadata,
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("key", String(512), nullable=False, index=True),
    Column("place", Boolean, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("local_id", String(32), nullable=False),
    Column("type", String(16), nullable=False, index=True),
    Column("trigger", Text, nullable=False),
    Column("actor", String(32)),
    Column("target", String(32)),
    Column("location", String(32)),
    Column("time", String(64)),
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), index=True),
    Column("status", String(16), nullable=False),
    Column("negated", Boolean, nullable=False),
    Column("lat", Float),
    Column("lon", Float),
)

# Relations found inside one article by the analyser.
relations = Table(
    "relations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("type", String(16), nullable=False),
    Column("a", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("b", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
)

# LSH buckets of linked claims (content-word MinHash bands, plus one key per
# source): what lets the linker place new claims without rereading the ledger.
claim_bands = Table(
    "claim_bands",
    metadata,
    Column("band", BigInteger, primary_key=True, autoincrement=False),
    Column("claim_id", Integer, ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    sqlite_with_rowid=False,
)

# Each placed article's story vector (its heaviest terms and "e:<name>" entity
# terms, link/stories.py): the index a new article finds its candidates in.
story_terms = Table(
    "story_terms",
    metadata,
    Column("term", String(512), nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("weight", Float, nullable=False),
    Index("ix_story_terms_postings", "term", "article_id", "weight"),  # covering: a term's postings
)

# How many placed articles hold each term: the IDF a new article is weighed with.
story_df = Table(
    "story_df",
    metadata,
    Column("term", String(512), primary_key=True),
    Column("df", Integer, nullable=False),
)

# Claim clusters: the same claim across articles.
clusters = Table(
    "clusters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("first_claim", Integer, nullable=False),
    Column("first_published", Date),
    Column("content", Text, nullable=False),
    Column("claims", Integer, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("sources", Integer, nullable=False),
    Column("independent", Integer, nullable=False, doc="articles counted once per syndication group"),
    Column("contradicted", Boolean, nullable=False),
)

# Relations between claims of different articles (the linker's output).
links = Table(
    "links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("type", String(16), nullable=False, index=True),
    Column("a", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("b", Integer, ForeignKey("claims.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("reason", Text, nullable=False),
    Column("by", String(64), nullable=False, doc="the relation function that found it"),
)

# Inputs that failed, with the reason: the run goes on and the summary counts them.
failures = Table(
    "failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("origin", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", String(32), nullable=False),
)

# Feed polling state for conditional GET.
feeds = Table(
    "feeds",
    metadata,
    Column("url", String(2048), primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("polled_at", String(32)),
)


def superseded_articles():
    """The ids of old versions of updated articles: a short list, so
    `x NOT IN (...)` on it is cheaper than a join that filters for the rest."""
    return select(articles.c.id).where(articles.c.superseded_by.is_not(None))
