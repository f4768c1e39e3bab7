"""Stage: attribution, every source - cue - content triple.

Patterns over the dependency parse, each named in `Claim.pattern`:

- ``verb``: subject + cue verb + complement ("Officials said (that) ...",
  "..., officials said", "X urged Y to ...", "X called for ...");
- ``according-to``: "According to X, ..." and "..., according to X";
- ``noun``: a cue noun with a clause ("some speculation that ...",
  "HUR's claim that ...");
- ``colon``: a cue followed by a colon and the content ("noting: “...”");
- ``adverb``: "forces are reportedly advancing" (no source named);
- quotes: content inside a quotation is direct; a quote that runs on into
  the following sentences stays with its speaker.

Sources are resolved to entities: names through the entities stage,
pronouns ("They assert") to the source or person just before, and
descriptions ("Russian officials", "the ministry") to an entity of their
own or an earlier organisation of that kind. Generic sources ("reports",
"sources") stay unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import stage
from claimgraph.analyse.structure import index_at
from claimgraph.lexicons import Cue, Lexicons
from claimgraph.model import Claim, Entity, Source
from claimgraph.text.translit import plain

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Participles and coordinated verbs share the subject of the verb they hang on:
# "HUR's statement underscores this, noting: ...", "He said X and added Y".
SHARES_SUBJECT = frozenset({"advcl", "conj", "xcomp", "pcomp", "prep"})
PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_PLURAL = frozenset({"they", "them"})
RELATIVE = frozenset({"who", "which", "that"})
FIRST_SECOND_PERSON = frozenset({"i", "we", "you"})
WEAK_OBJECTS = frozenset({"this", "that", "it", "these", "those", "so", "what", "something", "nothing"})
GENERIC_DETERMINERS = frozenset({"some", "many", "several", "other", "most", "few", "a", "an", "no", "all"})
CONTENT_TRIM = frozenset({"that", "whether", "if", ",", ":", ";", "-", "—", "–", "and", "but"})


@dataclass
class Found:
    """A claim before its source is resolved."""

    content: tuple[int, int]  # character offsets
    cue: tuple[int, int]
    cue_sense: str
    pattern: str
    sentence: int
    source: tuple[int, int] | None = None  # token indices, inclusive
    source_head: Token | None = None
    negated: bool = False


@stage(
    "attribution",
    requires=["paragraphs", "sentences", "sents", "quotes", "entities", "token_entity"],
    assigns=["claims", "cue_sense", "negated_cues", "entities"],
)
def run(document: Document) -> None:
    lex = document.resources.lexicons
    found: list[Found] = []
    for i, sent in enumerate(document.sents):
        found += _sentence_claims(document, sent, i, lex)
    found += _layout_claims(document, found)
    found = _dedupe(found)
    _cut_nested(document, found)
    _extend_quotes(document, found)
    resolver = _SourceResolver(document, lex)
    for f in sorted(found, key=lambda f: (f.content[0], f.cue[0])):
        source = resolver.resolve(f)
        content = document.span(*f.content)
        document.claims.append(
            Claim(
                id=document.next_id("c", document.claims),
                content=content,
                source=source,
                cue=document.span(*f.cue),
                kind=_kind(document, f.content, f.pattern),
                status="reported",  # refined by the modality stage
                sentence=f.sentence,
                pattern=f.pattern,
            )
        )
        document.cue_sense[document.claims[-1].id] = f.cue_sense
        if f.negated:
            document.negated_cues.add(document.claims[-1].id)


# ------------------------------------------------------------------ patterns


def _sentence_claims(document: Document, sent: SpacySpan, index: int, lex: Lexicons) -> list[Found]:
    out: list[Found] = []
    covered_adverbs = []
    for tok in sent:
        lower = tok.lower_
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lex.cue_verbs and tok.dep_ != "amod":
            f = _verb_claim(document, sent, tok, lex.cue_verbs[tok.lemma_.lower()], index, lex)
            if f:
                out.append(f)
        elif lower == "according" and any(c.lower_ == "to" for c in tok.children):
            f = _according_to(document, sent, tok, index)
            if f:
                out.append(f)
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in lex.cue_nouns:
            f = _noun_claim(document, sent, tok, lex.cue_nouns[tok.lemma_.lower()], index)
            if f:
                out.append(f)
        elif lower in lex.cue_adverbs and tok.dep_ == "advmod":
            covered_adverbs.append((tok, lex.cue_adverbs[lower]))
    for tok, cue in covered_adverbs:
        if not any(f.content[0] <= tok.idx < f.content[1] for f in out):
            f = _adverb_claim(document, tok, cue, index)
            if f:
                out.append(f)
    return out


def _verb_claim(document: Document, sent: SpacySpan, verb: Token, cue: Cue, index: int, lex: Lexicons) -> Found | None:
    subject = _subject(verb)
    negated = any(
        (c.dep_ == "neg" or c.lower_ in lex.negations) and c.i < verb.i and not _in_quote(document, c.idx)
        for c in verb.children
    )
    cue_end = verb
    content: tuple[int, int] | None = None
    block: tuple[int, int] | None = None  # quotations beside the attribution
    children = list(verb.children)
    clause = next((c for c in children if c.dep_ in ("ccomp", "csubj") and (subject is None or c.i != subject.i)), None)
    if clause is None:
        clause = next((c for c in children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
    obj = next((c for c in children if c.dep_ in ("dobj", "attr", "oprd") and not _anaphoric(c)), None)
    prt = next((c for c in children if c.dep_ == "prt"), None)
    if prt is not None:
        cue_end = prt
    if clause is not None:
        exclude = {subject.i} if subject is not None and subject.head.i == clause.i else set()
        start = obj if obj is not None and obj.i < clause.i and cue.sense == "stance" else clause
        content = _subtree_chars(document, start, upto=clause, exclude=exclude)
    elif verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX") and subject is not None:
        # "Assad fled, officials said" or "perhaps, he said, it could help": the
        # cue hangs on the clause it reports, which runs round it.
        block = _quote_block(document, verb, subject, cue_end)
        if block is None:
            content = _subtree_chars(document, verb.head, exclude={verb.i})
            return _found(document, verb, cue_end, cue, content, subject, index, "parenthetical", negated)
    elif obj is not None and cue.takes_object:
        content = _subtree_chars(document, obj, upto=_last_complement(verb, obj))
        content = (content[0], max(content[1], _right_extent(document, verb, obj)))
    else:
        prep = next((c for c in children if c.dep_ == "prep" and c.i == verb.i + 1 + (prt is not None)), None)
        pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep else None
        if prep is not None and pobj is not None and cue.sense == "stance":
            cue_end = prep  # "called for", "pointed to"
            content = _subtree_chars(document, pobj)
        else:
            content = _after_colon(document, sent, verb)
            if content is not None:
                return _found(document, verb, verb, cue, content, subject, index, "colon", negated)
    if subject is None and not _impersonal(verb):
        return None
    if (
        subject is not None
        and subject.lower_ in FIRST_SECOND_PERSON
        and (cue.sense == "cognition" or _in_quote(document, verb.idx))
    ):
        return None  # "I think", or a quoted speaker's own report: part of what they say
    if block is None:
        block = _quote_block(document, verb, subject, cue_end)
    if block is not None and (content is None or not _reaches_beyond(content, block)):
        return _found(document, verb, cue_end, cue, block, subject, index, "quote", negated)
    if content is None and cue.sense == "speech" and subject is not None and _set_off(document, sent, verb, subject):
        # "But to prevent problems, he said, officials should be vigilant"
        content = (sent.start_char, sent.end_char)
        return _found(document, verb, cue_end, cue, content, subject, index, "parenthetical", negated)
    if content is None:
        return None
    return _found(document, verb, cue_end, cue, content, subject, index, "verb", negated)


def _reaches_beyond(content: tuple[int, int], block: tuple[int, int]) -> bool:
    """Whether the parse's content is more than the quotation: '“Trump exaggerates”
    the level of unemployment' quotes a fragment of an indirect claim."""
    return content[0] < block[0] - 3 or content[1] > block[1] + 3


def _right_extent(document: Document, verb: Token, start: Token) -> int:
    """End of the verb's dependents after `start` that belong to the content:
    'accused X [of attempting ...]', 'cited X [as examples]'. A comma-set
    participle, a second predicate or a new clause ends it."""
    doc = document.doc
    end = start.right_edge
    for child in verb.rights:
        if child.i <= start.i:
            continue
        if child.dep_ in ("conj", "cc", "punct", "parataxis", "ccomp", "dep"):
            break
        if child.left_edge.i > 0 and doc[child.left_edge.i - 1].text in (",", ";", "—", "–"):
            break
        if child.dep_ in ("prep", "advcl", "xcomp", "oprd", "acomp", "npadvmod", "advmod"):
            end = child.right_edge
    return end.idx + len(end)


def _chunk(document: Document, verb: Token, subject: Token | None, cue_end: Token) -> tuple[int, int]:
    """Where the attribution itself is written: 'Ms. Moore said Friday'.
    Words the parse hangs on the verb from inside a quotation are not part of it."""
    toks = [verb, cue_end, *(c for c in verb.children if c.dep_ in ("npadvmod", "neg", "aux", "advmod", "prt"))]
    if subject is not None and subject.head.i == verb.i:
        toks += [subject.left_edge, subject.right_edge]
    toks = [t for t in toks if t.i == verb.i or not _in_quote(document, t.idx)]
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def _quote_block(document: Document, verb: Token, subject: Token | None, cue_end: Token) -> tuple[int, int] | None:
    """The quotations an attribution sits between or beside: '“A,” she said,
    “B.” “C.”' gives the span from A to C. None when no quote is adjacent."""
    text = document.text
    start, end = _chunk(document, verb, subject, cue_end)
    if _in_quote(document, start) or _in_quote(document, end - 1):
        return None
    quotes = document.quotes
    left = next((q for q in reversed(quotes) if q.end <= start and _joins(text[q.end : start])), None)
    right = next((q for q in quotes if q.start >= end and _joins(text[end : q.start])), None)
    if left is None and right is None:
        return None
    last = right or left
    for q in quotes:  # quotations that run on right after, in the same paragraph
        if q.start >= last.end and _joins(text[last.end : q.start], bare=True):
            last = q
    return (left or right).start, last.end


def _joins(gap: str, bare: bool = False) -> bool:
    """Whether only punctuation and spaces (no line break) separate two pieces."""
    if len(gap) > 4 or "\n" in gap:
        return False
    return not gap.strip(" " if bare else " ,:;.—–―-")


def _in_quote(document: Document, offset: int) -> bool:
    return any(q.start < offset < q.end - 1 for q in document.quotes)


def _set_off(document: Document, sent: SpacySpan, verb: Token, subject: Token) -> bool:
    """An attribution between commas, or after one at the sentence end."""
    start, end = _chunk(document, verb, subject, verb)
    text = document.text
    before = text[sent.start_char : start].rstrip()
    after = text[end : sent.end_char].lstrip()
    return before.endswith(",") and (after[:1] in (",", ".", "") or not after)


def _found(
    document: Document,
    first: Token,
    last: Token,
    cue: Cue,
    content: tuple[int, int],
    subject: Token | None,
    index: int,
    pattern: str,
    negated: bool,
) -> Found | None:
    content = _trim(document, *content)
    if content[1] - content[0] < 2:
        return None
    cue_span = (first.idx, last.idx + len(last))
    inside_allowed = pattern in ("adverb", "quote", "parenthetical")
    if not inside_allowed and content[0] < cue_span[1] and cue_span[0] < content[1]:
        return None
    source = None if subject is None or subject.lower_ == "it" else _np_tokens(subject)
    return Found(
        content=content,
        cue=cue_span,
        cue_sense=cue.sense,
        pattern=pattern,
        sentence=index,
        source=source,
        source_head=subject if source else None,
        negated=negated,
    )


def _according_to(document: Document, sent: SpacySpan, tok: Token, index: int) -> Found | None:
    to = next(c for c in tok.children if c.lower_ == "to")
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    head = tok.head if tok.head.i != tok.i else None
    if head is None or head.i == tok.i:
        return None
    # The claim is the clause the phrase modifies, without the phrase itself.
    root = head
    while root.dep_ not in ("ROOT", "ccomp") and root.head.i != root.i and sent.start <= root.head.i < sent.end:
        if root.dep_ in ("conj",):
            break
        root = root.head
    content = _subtree_chars(document, root, exclude={tok.i})
    return _found(document, tok, to, Cue("according to", "speech"), content, pobj, index, "according-to", False)


def _noun_claim(document: Document, sent: SpacySpan, noun: Token, cue: Cue, index: int) -> Found | None:
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "relcl") and _has_mark(c)), None)
    if clause is None:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from", "of")), None)
        owner = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    content = _subtree_chars(document, clause)
    return _found(document, noun, noun, cue, content, owner, index, "noun", False)


def _adverb_claim(document: Document, adv: Token, cue: Cue, index: int) -> Found | None:
    """'Forces are reportedly advancing': the clause, without its comma-set adjuncts."""
    head = adv.head
    if head.i == adv.i:
        return None
    return _found(document, adv, adv, cue, _core_clause(document, head), None, index, "adverb", False)


def _core_clause(document: Document, verb: Token) -> tuple[int, int]:
    """The clause of `verb` without adjuncts set off by a comma at either
    edge: 'With X under control, [forces are advancing], threatening Y'."""
    doc = document.doc
    adjuncts = set()
    for child in verb.children:
        if child.dep_ not in ("prep", "advcl", "advmod", "npadvmod", "xcomp", "acl", "ccomp", "conj"):
            continue
        edge_l, edge_r = child.left_edge.i, child.right_edge.i
        before = doc[edge_l - 1] if edge_l > 0 else None
        after = doc[edge_r + 1] if edge_r + 1 < len(doc) else None
        after_comma = before is not None and (before.text == "," or (child.dep_ == "conj" and before.dep_ == "cc"))
        if (child.i > verb.i and after_comma) or (child.i < verb.i and after is not None and after.text == ","):
            adjuncts.add(child.i)
    return _subtree_chars(document, verb, exclude=adjuncts)


def _after_colon(document: Document, sent: SpacySpan, verb: Token) -> tuple[int, int] | None:
    """'X said: ...' where the parse did not attach the content to the verb."""
    nxt = verb.nbor(1) if verb.i + 1 < len(document.doc) else None
    if nxt is None or nxt.text != ":" or nxt.i + 1 >= sent.end:
        return None
    return (document.doc[nxt.i + 1].idx, sent.end_char)


# Attribution by layout rather than syntax: '“...” ― Carla Sanchez' under a
# quotation, and 'PENCE: ...' at the start of a transcript paragraph.
DASH_SOURCE = re.compile(r"[ \t\u00a0]*[―—–][ \t\u00a0]*([A-Z][\w.'’-]*(?:[ \u00a0]+[A-Z][\w.'’-]*){0,3})")
SPEAKER = re.compile(
    r"[\"“]?([A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,2}|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}):[ \t]+(?=\S)"
)


def _layout_claims(document: Document, found: list[Found]) -> list[Found]:
    text = document.text
    doc = document.doc
    out = []
    cues = {f.cue[0] for f in found}
    for q in document.quotes:
        m = DASH_SOURCE.match(text, q.end)
        source = doc.char_span(*m.span(1), alignment_mode="expand") if m else None
        if source is not None:
            dash = text.index(m.group(0).strip()[0], q.end)
            out.append(_layout_found(document, (q.start, q.end), (dash, dash + 1), source, "dash"))
    entity_starts = {m.start for e in document.entities if e.type in ("PERSON", "ORG") for m in e.mentions}
    for para in document.paragraphs:
        m = SPEAKER.match(text, para.start, para.end)
        if para.heading or m is None or m.start(1) in cues:
            continue
        name = m.group(1)
        if not (name.isupper() or m.start(1) in entity_starts):
            continue  # 'Update:', 'Note:' and the like name no speaker
        source = doc.char_span(*m.span(1), alignment_mode="expand")
        colon = m.end(1)
        if source is not None:
            out.append(_layout_found(document, (m.end(), para.end), (colon, colon + 1), source, "speaker"))
    return [f for f in out if f is not None]


def _layout_found(
    document: Document, content: tuple[int, int], cue: tuple[int, int], source: SpacySpan, pattern: str
) -> Found | None:
    start, end = _trim(document, *content)
    if end - start < 2:
        return None
    return Found(
        content=(start, end),
        cue=cue,
        cue_sense="speech",
        pattern=pattern,
        sentence=index_at([s.start for s in document.sentences], start),
        source=(source.start, source.end - 1),
        source_head=source.root,
    )


# ------------------------------------------------------------------ helpers


def _subject(verb: Token) -> Token | None:
    """The subject of `verb`, or of the verb it shares its subject with."""
    tok = verb
    for _ in range(4):
        subj = next((c for c in tok.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            if subj.lower_ in RELATIVE and tok.dep_ == "relcl":
                return tok.head  # "Obama, who said ...": the noun the clause is about
            return subj
        if tok.dep_ in SHARES_SUBJECT and tok.head.i != tok.i:
            tok = tok.head
        else:
            break
    return None


def _anaphoric(obj: Token) -> bool:
    """'this point', 'it': the content is elsewhere, not in the object."""
    if obj.lower_ in WEAK_OBJECTS:
        return True
    return any(c.dep_ == "det" and c.lower_ in ("this", "that", "these", "those") for c in obj.children)


def _impersonal(verb: Token) -> bool:
    """'It was reported that ...', 'It is believed that ...'."""
    return any(c.dep_ == "auxpass" for c in verb.children)


def _has_mark(clause: Token) -> bool:
    return any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in clause.children)


def _last_complement(verb: Token, obj: Token) -> Token:
    """For 'urged supporters to vote' or 'called the holiday a celebration',
    the content runs from the object to the end of its complement."""
    after = [c for c in verb.children if c.i > obj.i and c.dep_ in ("xcomp", "oprd", "ccomp")]
    return after[-1] if after else obj


def _subtree_chars(
    document: Document, tok: Token, upto: Token | None = None, exclude: set[int] | frozenset = frozenset()
) -> tuple[int, int]:
    """Character span of `tok`'s subtree (through `upto`'s subtree), leaving
    out the subtrees of `exclude` where they sit at either edge."""
    last = upto if upto is not None else tok
    first_i, last_i = tok.left_edge.i, last.right_edge.i
    if exclude:
        doc = document.doc
        skip = {t.i for i in exclude for t in doc[i].subtree}
        idx = [i for i in range(first_i, last_i + 1) if i not in skip and not (doc[i].is_punct or doc[i].is_space)]
        if not idx:
            return (tok.idx, tok.idx)
        first_i, last_i = idx[0], idx[-1]
    doc = document.doc
    return doc[first_i].idx, doc[last_i].idx + len(doc[last_i])


def _np_tokens(head: Token) -> tuple[int, int]:
    """The noun phrase of a source, without a trailing relative clause or apposition."""
    first = head.left_edge.i
    last = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nummod", "prep", "amod", "poss") and not any(
            t.is_punct for t in head.doc[last + 1 : child.i]
        ):
            last = child.right_edge.i if child.dep_ in ("prep", "amod") else child.i
        else:
            break
    return first, last


def _trim(document: Document, start: int, end: int) -> tuple[int, int]:
    """Drop a leading 'that' or comma and trailing punctuation, but keep the
    marks of a quotation that the content opens."""
    text = document.text
    changed = True
    while changed and start < end:
        changed = False
        head = text[start:end].split(None, 1)
        word = head[0].lower() if head else ""
        if word in CONTENT_TRIM:
            start += len(head[0])
            changed = True
        while start < end and text[start].isspace():
            start += 1
            changed = True
    opens_quote = start < end and text[start] in '“"‘«'
    while True:
        while end > start and (text[end - 1] in " \n\t,;:-—–" or (text[end - 1] in ".!?" and not opens_quote)):
            end -= 1
        tail = text[start:end].rsplit(None, 1)
        if len(tail) == 2 and tail[1].lower() in ("and", "but", "or"):
            end -= len(tail[1])
            continue
        return start, end


def _dedupe(found: list[Found]) -> list[Found]:
    """One claim per content span and cue; a verb claim beats an adverb claim."""
    seen: dict[tuple[int, int], Found] = {}
    for f in found:
        key = f.cue
        if key in seen:
            continue
        seen[key] = f
    out = list(seen.values())
    by_content: dict[tuple[int, int], Found] = {}
    for f in out:
        other = by_content.get(f.content)
        if other is None or (other.pattern == "adverb" and f.pattern != "adverb"):
            by_content[f.content] = f
    return list(by_content.values())


def _cut_nested(document: Document, found: list[Found]) -> None:
    """'Reports indicate that Assad fled, with some speculation that he died':
    a trailing adjunct that holds a claim of its own is not part of the first."""
    doc = document.doc
    for f in found:
        for g in found:
            if g is f or not (f.content[0] <= g.cue[0] and g.content[1] <= f.content[1]):
                continue
            tok = doc.char_span(g.cue[0], g.cue[1], alignment_mode="expand")
            if tok is None:
                continue
            # the cue's chain of heads inside the content: its last link is the
            # content's root, the one before it the constituent to cut
            lo, hi = f.content
            chain = list(takewhile(lambda t, lo=lo, hi=hi: lo <= t.idx < hi, [tok[0], *tok[0].ancestors]))
            if len(chain) < 2:
                continue
            root, path = chain[-1], chain[-2]
            if path.i > root.i and path.dep_ in ("prep", "advcl", "npadvmod", "parataxis"):
                f.content = _trim(document, f.content[0], path.left_edge.idx)


def _extend_quotes(document: Document, found: list[Found]) -> None:
    """Content that opens a quotation runs to its end, across sentences, and
    takes in quote-only sentences that follow with no attribution of their own."""
    quotes = document.quotes
    cues = sorted(f.cue[0] for f in found)
    for f in found:
        for q in quotes:
            start, end = f.content
            if q.start <= start < q.end and end < q.end:
                # content inside a quotation runs to its end, and takes in the
                # opening mark when it starts right after it
                f.content = (q.start if q.start >= start - 1 else start, q.end)
            elif start <= q.start < end < q.end:
                f.content = (start, q.end)
        # quote-only sentences right after, by the same speaker
        nxt = f.sentence + 1
        while nxt < len(document.sentences) and f.pattern != "adverb":
            s = document.sentences[nxt]
            if s.start < f.content[1]:
                nxt += 1
                continue
            if s.paragraph != document.sentences[f.sentence].paragraph:
                break
            q = next((q for q in quotes if q.start <= s.start and q.end >= s.end - 1), None)
            if q is None or any(s.start <= c < s.end for c in cues):
                break
            f.content = (f.content[0], s.end)
            nxt += 1


def _kind(document: Document, content: tuple[int, int], pattern: str) -> str:
    if pattern in ("quote", "dash", "speaker"):
        return "direct"  # quotations around or beside the attribution, transcript lines
    inside = 0
    for q in document.quotes:
        inside += max(0, min(q.end, content[1]) - max(q.start, content[0]))
    length = content[1] - content[0]
    if inside >= length - 2:
        return "direct"
    if inside > 0:
        return "mixed"
    # a cue with no source at all ("reportedly") leaves the claim unattributed
    return "unattributed" if pattern == "adverb" else "indirect"


# ------------------------------------------------------------------ sources


class _SourceResolver:
    """Turns a source noun phrase into a `Source`, resolving it to an entity."""

    def __init__(self, document: Document, lex: Lexicons):
        self.document = document
        self.lex = lex
        self.last_source: Source | None = None
        self.descriptions: dict[str, Entity] = {}

    def resolve(self, f: Found) -> Source | None:
        if f.source is None or f.source_head is None:
            return None
        doc = self.document.doc
        head = f.source_head
        first, last = f.source
        span = self.document.token_span(first, last)
        entity = self._entity_of(head, first, last)
        if entity is None and head.lower_ in PRONOUNS_PERSON | PRONOUNS_PLURAL | RELATIVE:
            entity = self._antecedent(head, f)
            if entity is not None:
                self.document.add_mention(entity, head.idx, head.idx + len(head), "pronoun")
        elif entity is None and head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in self.lex.source_nouns:
            entity = self._description(doc[first : last + 1], head)
        source = Source(start=span.start, end=span.end, text=span.text, entity=entity.id if entity else None)
        self.last_source = source
        return source

    def _entity_of(self, head: Token, first: int, last: int) -> Entity | None:
        te = self.document.token_entity
        doc = self.document.doc
        # "Its spokesman, Idris Kalen, said": the apposition names the source
        named = [c.i for c in head.children if c.dep_ == "appos" and c.i in te]
        candidates = [head.i, *named] + [c.i for c in head.children if c.dep_ == "poss"] + list(range(first, last + 1))
        for i in candidates:
            eid = te.get(i)
            if eid is not None:
                ent = self.document.entity(eid)
                # "Russian officials": the demonym describes the source, it is not it.
                demonym = ent is not None and ent.type == "NORP" and i != head.i and doc[i].dep_ == "amod"
                if (
                    ent is not None
                    and not demonym
                    and (i == head.i or doc[i].dep_ in ("poss", "compound", "appos") or i in (first, last))
                ):
                    return ent
        return None

    def _antecedent(self, pronoun: Token, f: Found) -> Entity | None:
        """He/she: the last person named; they: the last plural or collective source."""
        lower = pronoun.lower_
        if lower in RELATIVE and pronoun.dep_ in SUBJECTS and pronoun.head.dep_ == "relcl":
            return self._entity_of(pronoun.head.head, pronoun.head.head.i, pronoun.head.head.i)
        entities = {e.id: e for e in self.document.entities}
        last = self.last_source
        if last is not None and last.entity and last.end <= pronoun.idx:
            ent = entities.get(last.entity)
            if ent is not None and _agrees(lower, ent):
                return ent
        # otherwise the nearest preceding mention that agrees
        best: tuple[int, Entity] | None = None
        for ent in self.document.entities:
            if not _agrees(lower, ent):
                continue
            for m in ent.mentions:
                if m.end <= pronoun.idx and (best is None or m.start > best[0]):
                    best = (m.start, ent)
        return best[1] if best else None

    def _description(self, np: SpacySpan, head: Token) -> Entity | None:
        """'Russian officials', 'the ministry', 'a Pentagon spokesman'."""
        words = [t for t in np if t.dep_ not in ("det", "predet") and not t.is_punct]
        det = next((t.lower_ for t in np if t.dep_ in ("det", "predet")), None)
        modifiers = [t for t in words if t.i != head.i and t.dep_ in ("amod", "compound", "poss", "nmod")]
        specific = [t for t in modifiers if t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "GPE", "ORG") or t.is_title]
        if det in GENERIC_DETERMINERS or (not specific and det != "the"):
            return None  # generic: "sources", "some analysts", "reports"
        if not specific:
            # "the ministry": an earlier organisation of that kind
            lemma = head.lemma_.lower()
            for ent in reversed(self.document.entities):
                if ent.type in ("ORG", "GPE") and lemma in ent.name.lower():
                    self.document.add_mention(ent, np.start_char, np.end_char, "description")
                    return ent
            return None
        name = " ".join(t.text for t in words)
        key = plain(name)
        ent = self.descriptions.get(key)
        start = words[0].idx
        end = words[-1].idx + len(words[-1])
        if ent is None:
            ent = Entity(
                id=self.document.next_id("e", self.document.entities),
                type="PERSON" if head.tag_ == "NN" and head.lemma_.lower() not in _COLLECTIVE else "ORG",
                name=name,
                key=key,
                mentions=[],
            )
            self.document.add_entity(ent)
            self.descriptions[key] = ent
        self.document.add_mention(ent, start, end, "description")
        return ent


_COLLECTIVE = frozenset(
    {
        "ministry",
        "government",
        "administration",
        "department",
        "agency",
        "police",
        "military",
        "army",
        "campaign",
        "committee",
        "council",
        "office",
        "embassy",
        "media",
        "authority",
        "data",
        "study",
        "survey",
        "poll",
        "report",
        "statement",
        "document",
        "outlet",
        "newspaper",
        "channel",
    }
)


def _agrees(pronoun: str, ent: Entity) -> bool:
    if pronoun in PRONOUNS_PERSON:
        return ent.type == "PERSON"
    if pronoun in PRONOUNS_PLURAL:
        return ent.type in ("ORG", "NORP") or (ent.type == "PERSON" and ent.name.endswith("s"))
    return ent.type != "PERSON"
