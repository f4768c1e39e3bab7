"""Text keys that every layer shares: transliteration-aware name keys,
article identity (canonical URLs, content hashes) and MinHash signatures.
Pure functions of strings; nothing here imports another claimgraph package."""
