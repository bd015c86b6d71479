"""A draft without the loops of a small model: the 1.5B writer sometimes writes a paragraph, then the same paragraph
again until its token budget runs out, ending in half a sentence (21 of 1,324 recorded held-out answers repeat a
sentence; held-out v17's first kennels answer holds one paragraph five times). Whoever reads it sees a broken tool.
A paragraph or a sentence said a second time word for word is dropped, and so is an unfinished last piece that only
begins one of them again. Short pieces (a list line, "Thanks,") may repeat on purpose and are kept.

    >>> without_repeats("Dear Ann,\\n\\nMoss is eating well and has settled in.\\n\\nMoss is eating well and has "
    ...                 "settled in.\\n\\nMoss is eat")
    ('Dear Ann,\\n\\nMoss is eating well and has settled in.', 2)
    >>> without_repeats("Total: 12.\\n- 4 dogs\\n- 4 dogs")
    ('Total: 12.\\n- 4 dogs\\n- 4 dogs', 0)
"""

from __future__ import annotations

import re

__all__ = ["without_repeats"]

_LONG = 30  # characters: a shorter piece may repeat on purpose
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ENDED = re.compile(r"[.!?:)\]\"'”]\s*$")


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def _restarts(piece: str, earlier: list[str]) -> bool:
    """Whether `piece` is unfinished and only begins a piece said before (`earlier`, as `_key` gives them): a loop
    that the token budget cut."""
    said = _key(piece)
    return not _ENDED.search(piece) and any(known.startswith(said) and known != said for known in earlier)


def without_repeats(answer: str) -> tuple[str, int]:
    r"""The answer without a long paragraph said again word for word, a long sentence said twice in a row, and an
    unfinished last piece that repeats the start of an earlier paragraph or sentence; and how many pieces were
    dropped. A sentence repeated further on is kept: parallel paragraphs ("In May ... The total was 45. In June ...
    The total was 45.") say it on purpose.

        >>> without_repeats("We open at 9. We close at 5 on every weekday. We close at 5 on every weekday. Call us.")
        ('We open at 9. We close at 5 on every weekday. Call us.', 1)
        >>> without_repeats("In May we did two full services. The total was EUR 45.00 for them.\n\n"
        ...                 "In June we did two full services. The total was EUR 45.00 for them.")[1]
        0
    """
    paragraphs = re.split(r"\n\s*\n", answer.strip())
    seen_paragraphs: list[str] = []
    seen_sentences: list[str] = []
    kept: list[str] = []
    dropped = 0
    for p_index, paragraph in enumerate(paragraphs):
        key = _key(paragraph)
        last_paragraph = p_index == len(paragraphs) - 1
        if len(key) >= _LONG and (key in seen_paragraphs or last_paragraph and _restarts(paragraph, seen_paragraphs)):
            dropped += 1
            continue
        lines = []
        paragraph_lines = paragraph.split("\n")
        for l_index, line in enumerate(paragraph_lines):
            sentences: list[str] = []
            pieces = _SENTENCE.split(line)
            for s_index, sentence in enumerate(pieces):
                said = _key(sentence)
                if len(said) >= _LONG and sentences and _key(sentences[-1]) == said:
                    dropped += 1
                    continue
                last = last_paragraph and (l_index, s_index) == (len(paragraph_lines) - 1, len(pieces) - 1)
                if last and len(said) >= 8 and _restarts(sentence, seen_paragraphs + seen_sentences):
                    dropped += 1
                    continue
                seen_sentences.append(said)
                sentences.append(sentence)
            if sentences or not line.strip():
                lines.append(" ".join(sentences))
        text = "\n".join(lines).strip()
        if text:
            seen_paragraphs.append(key)
            kept.append(text)
    if not dropped:
        return answer, 0
    return "\n\n".join(kept), dropped
