"""One tokenizer on both back ends: PostgreSQL's search columns cut, fold and
stem text as SQLite's FTS5 table does (`porter unicode61`), with no stop
words, so that one query finds the same claims on either.

Revision ID: 0003
Revises: 0002

SQLite is unchanged: its FTS5 table is the reference. On PostgreSQL:

- `claimgraph_porter`: the original Porter stemmer (snowball's `porter`, the
  algorithm of FTS5's porter tokenizer) with no stop words ('english' dropped
  "not", "the", "us"...), and `claimgraph`, a configuration that stems every
  kind of token with it;
- `claimgraph_fold(text)`: the text made ready for that configuration to cut
  and stem it as FTS5 does: unicode61's separators, dropped marks and case and
  diacritic folding (read from SQLite itself when this migration runs), and
  each token rewritten where FTS5's porter and snowball part (SHORT, RARE_REWRITES);
- `claimgraph_tsvector(content, source)`: both in one tsvector with a token
  between them that no text gives, so that a phrase never runs from content
  into source (FTS5 keeps them in two columns); `claimgraph_tsquery(text)`: a
  query term as a phrase, through the same fold (store/search.py);
- `claims.tsv` and `claims.source_tsv` rebuilt with them.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DICTIONARY = "claimgraph_porter"
CONFIG = "claimgraph"
# The characters whose treatment is read from unicode61: ASCII, Latin, Greek,
# Cyrillic, Latin Extended Additional and Greek Extended, general punctuation
# and symbols, CJK punctuation, full-width forms. Others go by the server's parser.
PROBED = ((0x01, 0x530), (0x1E00, 0x2C00), (0x3000, 0x3040), (0xFF00, 0xFFF0))
# Between content and source: a token no text can give, as every token of 65 or more characters is marked
SEPARATOR = "x" * 65
START = "(^|[^a-z0-9])"
END = "(?=[^a-z0-9]|$)"
# Porter's m > 0 for the stem before a suffix: a vowel, then a consonant (y is a vowel after a consonant)
STEM = "([a-z0-9]*(?:[aeiou][b-df-hj-np-tv-z0-9]|[b-df-hj-np-tv-xz0-9]y[b-df-hj-np-tv-xz0-9])[a-z0-9]*)"
# Tokens rewritten so that snowball's stem of each is FTS5's. FTS5 leaves tokens under 3 bytes as they
# are, which snowball changes only when they are a letter or digit and s ("us") or a vowel and y ("ay"):
# "-ful" is added, which snowball takes off again where the stem has a vowel ("usful" -> "us").
SHORT = (f"{START}([a-rt-z0-9]s|[aeiou]y){END}", r"\1\2ful")
# The rarer ones, tried only when RARE finds one of them in the text:
RARE_REWRITES = (
    # FTS5 leaves tokens of 65 bytes and more as they are too: a final digit keeps snowball off them
    (f"{START}([a-z0-9]{{65,}}){END}", r"\1\20"),
    # Porter's C code, which FTS5 follows, not the published algorithm: "-bli" -> "-ble", "-logi" -> "-log"
    (f"{START}{STEM}bl(?:y|i){END}", r"\1\2ble"),
    (f"{START}{STEM}blies{END}", r"\1\2bles"),
    (f"{START}{STEM}log(?:y|i|ies){END}", r"\1\2log"),
    # FTS5 undoubles a final double consonant other than l, s, z before -ed/-ing; snowball only bb dd ff gg...
    (f"{START}([a-z0-9]*[aeiouy][a-z0-9]*)([chjkqvwx])\\3(?:ed|ing){END}", r"\1\2\3"),
)
RARE = "[a-z0-9]{65}|(bl(y|i|ies)|log(y|i|ies)|(cc|hh|jj|kk|qq|vv|ww|xx)(ed|ing))([^a-z0-9]|$)"


def _unicode61() -> tuple[str, str, str, str]:
    """What unicode61 does to each probed character: the separators and the
    dropped characters (as regular-expression brackets), and the folded ones
    (case, diacritics) as translate()'s two strings."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    codes = [c for lo, hi in PROBED for c in range(lo, hi)]
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", ((c, f"q{chr(c)}q") for c in codes))
    tokens: dict[int, list[str]] = defaultdict(list)
    for doc, term in db.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
        tokens[doc].append(term)
    db.close()
    folded: dict[str, str] = {}
    spaces: list[int] = []
    dropped: list[int] = []
    for c in codes:
        got = tokens[c]
        if got == ["q", "q"]:
            spaces.append(c)
        elif got == ["qq"]:
            dropped.append(c)
        elif len(got) == 1 and len(got[0]) == 3 and got[0][1] != chr(c):
            folded[chr(c)] = got[0][1]
    return _bracket(spaces), _bracket(dropped), "".join(folded), "".join(folded.values())


def _bracket(codes: list[int]) -> str:
    """A bracket expression of the code points, as ranges of \\u escapes."""
    runs: list[list[int]] = []
    for c in sorted(codes):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "[" + "".join(f"\\u{lo:04x}" + (f"-\\u{hi:04x}" if hi > lo else "") for lo, hi in runs) + "]"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _functions(schema: str) -> list[str]:
    """claimgraph_fold, claimgraph_tsvector and claimgraph_tsquery. The names
    they use are schema-qualified: a function body is resolved on the
    search_path of whoever calls it."""

    def own(name: str) -> str:
        return '"' + schema.replace('"', '""') + '".' + name

    spaces, dropped, source, target = _unicode61()

    def rewrite(rules: tuple[tuple[str, str], ...]) -> str:
        return " ".join(f"c := regexp_replace(c, {_literal(p)}, {_literal(r)}, 'g');" for p, r in rules)

    fold_body = (
        f"DECLARE c text := regexp_replace(regexp_replace(lower(t), {_literal(spaces)}, ' ', 'g'), "
        f"{_literal(dropped)}, '', 'g'); BEGIN "
        # translate() is slow: only for text left with a character beyond ASCII once the punctuation is gone
        f"IF octet_length(c) <> length(c) THEN c := translate(c, {_literal(source)}, {_literal(target)}); END IF; "
        f"{rewrite((SHORT,))} "
        f"IF c ~ {_literal(RARE)} THEN {rewrite(RARE_REWRITES)} END IF; "
        "RETURN c; END"
    )
    config = _literal(own(CONFIG)) + "::regconfig"
    fold = own("claimgraph_fold")
    sql = "LANGUAGE sql IMMUTABLE PARALLEL SAFE"
    return [
        f"CREATE TEXT SEARCH CONFIGURATION {own(CONFIG)} (COPY = pg_catalog.simple)",
        f"ALTER TEXT SEARCH CONFIGURATION {own(CONFIG)} ALTER MAPPING REPLACE simple WITH {own(DICTIONARY)}",
        f"CREATE FUNCTION {fold}(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$ {fold_body} $f$",
        f"CREATE FUNCTION {own('claimgraph_tsvector')}(content text, source text) RETURNS tsvector {sql} AS $f$ "
        f"SELECT to_tsvector({config}, {fold}(content) || ' {SEPARATOR} ' || {fold}(source)) $f$",
        f"CREATE FUNCTION {own('claimgraph_tsquery')}(t text) RETURNS tsquery {sql} AS $f$ "
        f"SELECT phraseto_tsquery({config}, {fold}(t)) $f$",
    ]


def _search_columns(both: str, source: str) -> list[str]:
    return [
        "DROP INDEX IF EXISTS ix_claims_source_tsv",
        "ALTER TABLE claims DROP COLUMN IF EXISTS source_tsv",
        "DROP INDEX IF EXISTS ix_claims_tsv",
        "ALTER TABLE claims DROP COLUMN IF EXISTS tsv",
        f"ALTER TABLE claims ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({both}) STORED",
        "CREATE INDEX ix_claims_tsv ON claims USING gin (tsv)",
        f"ALTER TABLE claims ADD COLUMN source_tsv tsvector GENERATED ALWAYS AS ({source}) STORED",
        "CREATE INDEX ix_claims_source_tsv ON claims USING gin (source_tsv)",
    ]


def _run(statements: list[str]) -> None:
    # straight to the driver, with no parameters: the strings hold ':' and '%', which text() and
    # SQLAlchemy's parameter passing would take for placeholders
    cursor = op.get_bind().connection.driver_connection.cursor()
    for sql in statements:
        cursor.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
    _run(
        [
            f"CREATE TEXT SEARCH DICTIONARY {DICTIONARY} (TEMPLATE = snowball, LANGUAGE = porter)",
            *_functions(schema),
            *_search_columns("claimgraph_tsvector(content, source_text)", "claimgraph_tsvector(source_text, '')"),
        ]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _run(
        [
            *_search_columns(
                "to_tsvector('english', content || ' ' || source_text)", "to_tsvector('english', source_text)"
            ),
            "DROP FUNCTION claimgraph_tsquery(text)",
            "DROP FUNCTION claimgraph_tsvector(text, text)",
            "DROP FUNCTION claimgraph_fold(text)",
            f"DROP TEXT SEARCH CONFIGURATION {CONFIG}",
            f"DROP TEXT SEARCH DICTIONARY {DICTIONARY}",
        ]
    )
