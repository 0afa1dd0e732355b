"""Small real files for upload tests: what each type's bytes look like, whatever the file is called."""

import struct
import uuid
import zlib


def png(note: str = "") -> bytes:
    """A 1×1 PNG; ``note`` (a tEXt chunk) makes distinct files with distinct digests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    text = chunk(b"tEXt", b"Comment\x00" + note.encode()) if note else b""
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return (
        b"\x89PNG\r\n\x1a\n" + header + text + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")
    )


def pdf(note: str = "") -> bytes:
    body = f"1 0 obj << /Type /Catalog >> endobj % {note}\n".encode()
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg(note: str = "") -> bytes:
    comment = note.encode()
    return b"\xff\xd8\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + b"\xff\xd9"


def unique_pdf() -> bytes:
    return pdf(uuid.uuid4().hex)


def unique_png() -> bytes:
    return png(uuid.uuid4().hex)
