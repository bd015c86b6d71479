"""Passages: the sentences of a corpus document, each searched with the document's title.

A document vector is an average of everything it says; a request about one line of a price list
("what do we charge for spiral binding?") is far from it and near that line.

    >>> from memory.records import Document
    >>> document_passages(Document(id="p", title="Price list v3", text="Colour A4: EUR 0.35 a page. Wiro binding: EUR 3.50."))
    ['Price list v3. Colour A4: EUR 0.35 a page.', 'Price list v3. Wiro binding: EUR 3.50.']
"""

from __future__ import annotations

import re

from memory.records import Document

__all__ = ["document_passages"]

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z0-9\"'(])|\n+")


def document_passages(document: Document) -> list[str]:
    """The document's sentences, each after its title; none for a one-sentence document."""
    sentences = [part.strip() for part in _SENTENCE_END.split(document.text) if part and part.strip()]
    if len(sentences) < 2:
        return []
    title = document.title.strip().rstrip(".")
    return [f"{title}. {sentence}" if title else sentence for sentence in sentences]
