"""Linking across articles: claim clusters, unified entities, and relations
between claims of different articles.

`claims.link` is the entry point; `similarity` says when two claims are the
same, `clusters` places claims in clusters (all, or just the new ones),
`relators` makes the links between a cluster's articles, `entities` unifies
entities, `records` reads the claims these work on, and `unionfind` is the
grouping they share."""
