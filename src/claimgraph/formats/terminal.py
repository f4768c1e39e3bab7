"""Text that is safe to print on a terminal.

Articles are written by strangers: a title or a claim may carry escape
sequences that set the window title, clear the screen or rewrite what was
printed before. Every printer of pretty, Markdown and table output passes what
it prints through `printable`, which drops them and every other control
character but newline and tab.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Whole sequences, so that no parameters are left behind as text: CSI (ESC [ or
# U+009B ... final byte); OSC, DCS, SOS, PM, APC (up to BEL, ST or the end of the
# line); and two-byte escapes (ESC and a final byte, intermediates between).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|(?=\n)|$)"
    r"|\x1b[ -/]*[0-~]",
    re.DOTALL,
)


def printable(text: str) -> str:
    """`text` without terminal escape sequences and control characters (newline and tab stay)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub("", _SEQUENCE.sub("", text))
