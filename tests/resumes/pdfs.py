"""Tiny PDF writer for tests (neither reportlab nor fpdf2 is installed): real, valid PDFs by hand."""

from __future__ import annotations

import io

LINES_PER_PAGE = 60


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _document(contents: list[bytes]) -> bytes:
    """A PDF with one page per content stream, Helvetica as font F1."""
    count = len(contents)
    font_id = 3 + 2 * count
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(f"{3 + 2 * i} 0 R".encode() for i in range(count))
        + b"] /Count " + str(count).encode() + b" >>",
    ]
    for i, stream in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    """A PDF whose pages show `text` line by line (characters of Windows-1252, e.g. – and ’)."""
    lines = text.splitlines() or [""]
    pages = []
    for start in range(0, len(lines), LINES_PER_PAGE):
        ops = ["BT", "/F1 10 Tf", "12 TL", "50 750 Td"]
        for line in lines[start : start + LINES_PER_PAGE]:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        pages.append("\n".join(ops).encode("cp1252", errors="replace"))  # WinAnsiEncoding ≈ cp1252
    return _document(pages)


def image_only_pdf() -> bytes:
    """A valid PDF whose page only draws shapes (what a scanned resume looks like to a text extractor)."""
    return _document([b"0.2 0.4 0.8 rg 72 500 468 220 re f 0 0 0 RG 72 480 m 540 480 l S"])


def encrypted_pdf(text: str = "Jane Doe\nExperience\nML engineer") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(text))))
    writer.encrypt(user_password="secret", owner_password="owner")  # RC4: no `cryptography` needed
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
