"""Bytes to text: UTF-8 first, then charset detection for everything else."""

from __future__ import annotations

import charset_normalizer

from claimgraph.errors import InputError

# Control characters that never occur in prose; many of them mean a binary file.
_BINARY_BYTES = set(range(0, 9)) | {
    11,
    14,
    15,
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    26,
    27,
    28,
    29,
    30,
    31,
}


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    odd = sum(1 for b in sample if b in _BINARY_BYTES)
    return odd > max(4, len(sample) // 100)


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode `data` as text, detecting its encoding; raise InputError for
    binary data or bytes no common encoding explains."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: undecodable UTF-16 text ({exc.reason})") from None
    if looks_binary(data):
        raise InputError(f"{name}: binary data, not text")
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: undecodable bytes in no common text encoding")
    return str(best)
