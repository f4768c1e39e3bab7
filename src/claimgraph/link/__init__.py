"""Linking across articles: near-duplicate articles, claim clusters, unified
entities, and relations between claims of different articles."""
