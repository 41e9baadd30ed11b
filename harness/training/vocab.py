"""Which sentencepiece pieces a pruned model keeps.

The embedding matrix is most of the encoder; a model for Arabic news needs
only a small part of a 250k-piece multilingual vocabulary. We keep, in this
order, until ``budget`` pieces are reached:

1. the special pieces (``<s>``, ``<pad>``, ``</s>``, ``<unk>``, ``<mask>``);
2. every piece the training text uses (so training sees no new unknowns);
3. every single-character piece of the kept scripts, so any Arabic or Latin
   word can still be spelt out piece by piece rather than fall to ``<unk>``;
4. further pieces made only of Arabic letters, digits and punctuation (with
   or without the word-start marker), most probable first (the
   sentencepiece score is a log probability), so unseen words keep longer
   pieces too; then Latin ones the same way if the budget allows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

META = "\u2581"
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def _is_arabic(ch: str) -> bool:
    cp = ord(ch)
    return 0x0600 <= cp <= 0x06FF or 0x0750 <= cp <= 0x077F or 0x08A0 <= cp <= 0x08FF


def _is_common(ch: str) -> bool:
    """Digits, punctuation and symbols any script's text uses."""
    return ch.isdigit() or unicodedata.category(ch)[0] in "PS"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isprintable() or ("LATIN" in unicodedata.name(ch, "") and ch.isalpha())


def piece_script(piece: str) -> str | None:
    """"arabic", "latin" or "common" for a piece written only in that script, else None."""
    body = piece[1:] if piece.startswith(META) else piece
    if not body:
        return "common"
    if all(_is_common(c) for c in body):
        return "common"
    if all(_is_arabic(c) or _is_common(c) for c in body):
        return "arabic"
    if all(_is_latin(c) or _is_common(c) for c in body):
        return "latin"
    return None


def select_pieces(
    pieces: Sequence[str],
    scores: Sequence[float],
    used_ids: Iterable[int],
    budget: int,
) -> list[int]:
    """Ids of the kept pieces, sorted (so the specials stay at the front)."""
    kept: set[int] = {i for i, p in enumerate(pieces) if p in SPECIALS}
    kept.update(used_ids)
    in_script = [i for i, p in enumerate(pieces) if i not in kept and piece_script(p) is not None]
    singles = [i for i in in_script if len(pieces[i].lstrip(META)) <= 1]
    tier = {"arabic": 0, "common": 0, "latin": 1}
    longer = sorted(
        (i for i in in_script if len(pieces[i].lstrip(META)) > 1),
        key=lambda i: (tier[piece_script(pieces[i]) or "latin"], -scores[i]),
    )
    for i in singles + longer:
        if len(kept) >= budget:
            break
        kept.add(i)
    return sorted(kept)
