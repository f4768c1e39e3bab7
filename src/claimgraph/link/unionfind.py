"""Union-find whose roots are the smallest member: a group's id is its earliest row."""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        up = parent.get(x, x)
        if up == x or parent.get(up, up) == up:  # a root or a root's child: most calls, at no cost
            return up
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def merged(self, roots: Iterable[int]) -> list[tuple[int, int]]:
        """(old, new) for each of these former roots that now hangs under another root, in order of old."""
        return [(old, self.find(old)) for old in sorted(roots) if self.find(old) != old]
