"""Hostile files built on the spot: small to send, huge to decode."""

from __future__ import annotations

import struct
import zlib


def bomb_png(width: int, height: int) -> bytes:
    """A real RGB PNG of width × height black pixels: a few hundred KB, gigabytes to decode."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (3 * width)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))
