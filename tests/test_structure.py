"""Structure: paragraphs, headings, sentences, quotations."""

from __future__ import annotations

from claimgraph.analyse.structure import is_heading, paragraphs, quotes


def quote_texts(text: str) -> list[tuple[str, bool]]:
    return [(q.text, q.closed) for q in quotes(text, paragraphs(text))]


def test_short_title_lines_are_headings():
    assert is_heading("Background of the Withdrawal")
    assert is_heading("Talks Stall as Port Attack Disputed")
    assert is_heading("Why the Ceasefire Failed")


def test_prose_lines_are_not_headings():
    assert not is_heading("The withdrawal follows a series of critical developments in the region.")
    assert not is_heading("She said no.")
    assert not is_heading("“We will stay,” he said")
    assert not is_heading("- a bullet point about Things")


def test_last_line_is_never_a_heading():
    paras = paragraphs("Port Reopens\nShips Return")
    assert [p.heading for p in paras] == [True, False]


def test_heading_is_not_a_sentence_and_holds_no_claim(analyse):
    text = "Officials Say Port Closed\nThe mayor said the port would reopen on Monday."
    analysis = analyse(text)
    assert [h.text for h in analysis.headings] == ["Officials Say Port Closed"]
    assert all(not s.text.startswith("Officials Say") for s in analysis.sentences)
    assert all(c.content.start > analysis.headings[0].end for c in analysis.claims)
    assert len(analysis.claims) == 1


def test_sentences_never_cross_a_line_break(analyse):
    analysis = analyse("Harbour Update\nThe port is closed. Ships wait offshore.")
    assert [s.text for s in analysis.sentences] == ["The port is closed.", "Ships wait offshore."]
    assert all(s.paragraph == 1 for s in analysis.sentences)


def test_curly_and_straight_quotes_pair():
    assert quote_texts('He said “yes” and she said "no".') == [("“yes”", True), ('"no"', True)]


def test_doubled_apostrophes_are_quote_marks():
    assert quote_texts("''It is a tax,'' said the economist.") == [("''It is a tax,''", True)]


def test_unclosed_quote_ends_with_its_paragraph():
    assert quote_texts("She said “we stay\nNext paragraph.") == [("“we stay", False)]


def test_quote_running_over_paragraphs_is_one_quote():
    text = "He said: “We will stay.\n“And we will fight,” he added.\nThen he left."
    assert quote_texts(text) == [("“We will stay.\n“And we will fight,”", True)]


def test_stray_closing_mark_opens_nothing():
    assert quote_texts("It was 6” long. Then “a quote” came.") == [("“a quote”", True)]
