"""Reads a model's answer as JSON, repairing the faults small models commonly make.

Repairs, tried in this order, each noted in the result:
- ``fences``: the JSON wrapped in Markdown code fences, or text around it;
- ``trailing_commas``: a comma before ``]`` or ``}``;
- ``typographic_close``: a string closed by the typographic quote it copied
  (``”``) and a comma, often the full-width ``，``, before the next key
  (``"...المزعومة”， "kind": ...``): the missing ASCII quote is added;
- ``inner_quotes``: a double quote copied from the text into a string
  without its backslash (``"text": "قال "نعم" أمس"``): a quote that does not
  stand before ``,`` ``:`` ``}`` or ``]`` cannot end the string, so it is
  escaped;
- ``truncated``: the answer cut off by the token limit; the complete items
  are kept and the open lists and objects closed;
- ``list_only``: a bare list of claims instead of ``{"claims": [...]}``.

Nothing here interprets the content: the validator (``schema``) decides what
an item may hold, and the grounding decides what it points at. Parsing is a
pure function of the text, so the cached raw output can be re-parsed after
the parser improves without generating again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: The answer parsed as it stands.
OK = "ok"
#: Parsed after one or more repairs (see ``repairs``).
REPAIRED = "repaired"
#: Cut by the token limit; the complete items were kept.
TRUNCATED = "truncated"
#: Nothing but whitespace.
EMPTY = "empty"
#: No JSON could be read.
FAILED = "failed"

_KEYS = "text|kind|speaker|quantity|date|place|label|claims|entities"
_TYPOGRAPHIC_CLOSE = re.compile(r'([\u201d\u00bb])\s*[,\uff0c]\s*"(' + _KEYS + r')"\s*:')
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)(?:```|$)", re.DOTALL)


@dataclass(frozen=True)
class ParseResult:
    status: str
    data: Any = None
    repairs: tuple[str, ...] = ()
    error: str | None = None


def _strip_fences(text: str) -> tuple[str, bool]:
    match = _FENCE.search(text)
    if match and match.group(1).strip():
        return match.group(1), True
    return text, False


def _start_of_json(text: str) -> int:
    positions = [p for p in (text.find("{"), text.find("[")) if p != -1]
    return min(positions) if positions else -1


def _outside_strings(text: str) -> Iterator[tuple[int, str]]:
    """``(index, char)`` of every character outside JSON strings; an opening quote is
    yielded, the string's content and closing quote are not."""
    in_string = escaped = False
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        in_string = char == '"'
        yield i, char


def _remove_trailing_commas(text: str) -> str:
    """Drop commas that stand before a closing bracket, outside strings."""
    dropped = {i for i, char in _outside_strings(text) if char == "," and text[i + 1 :].lstrip()[:1] in ("]", "}")}
    return "".join(char for i, char in enumerate(text) if i not in dropped)


def _escape_inner_quotes(text: str) -> str:
    """Escape quotes inside strings that cannot be closing quotes (see the module doc)."""
    out: list[str] = []
    in_string = escaped = False
    for i, char in enumerate(text):
        if not in_string:
            out.append(char)
            in_string = char == '"'
            continue
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            rest = text[i + 1 :].lstrip()
            if rest and rest[0] not in ",:}]":
                out.append('\\"')
                continue
            in_string = False
        out.append(char)
    return "".join(out)


def _complete_prefixes(text: str) -> list[str]:
    """Closed-off prefixes of a cut JSON text, longest first.

    A prefix ends right after an item of a list of the top-level object (or
    of a top-level list) closed by the model itself; the brackets still open
    at that point are closed. An item cut in the middle is never kept, not
    even with the fields it had so far.
    """
    stack: list[str] = []
    cuts: list[tuple[int, str]] = []
    for i, char in _outside_strings(text):
        if char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if not stack:
                break
            stack.pop()
            if 0 < len(stack) <= 2:  # an item of a top-level list closed: a safe cut
                cuts.append((i + 1, "".join(reversed(stack))))
            elif not stack:
                cuts.append((i + 1, ""))
                break
    return [text[:end] + closing for end, closing in reversed(cuts)]


def _loads(text: str) -> Any:
    """The first JSON value of ``text`` (text after it is ignored)."""
    value, _ = json.JSONDecoder(strict=False).raw_decode(text)
    return value


def parse_output(text: str, *, cut_by_limit: bool = False) -> ParseResult:
    """The JSON of a model's answer; ``cut_by_limit`` when generation hit max_new_tokens."""
    if not text or not text.strip():
        return ParseResult(EMPTY, error="empty output")
    repairs: list[str] = []
    body, fenced = _strip_fences(text)
    start = _start_of_json(body)
    if start == -1:
        return ParseResult(FAILED, error="no JSON object or list in the output")
    if fenced or body[:start].strip():
        repairs.append("fences")
    body = body[start:]
    # Each attempt is the text after one more repair, with the repairs it took.
    attempts: list[tuple[tuple[str, ...], str]] = [((), body)]
    commas = _remove_trailing_commas(body)
    if commas != body:
        attempts.append((("trailing_commas",), commas))
    closed = _TYPOGRAPHIC_CLOSE.sub(r'\1", "\2":', commas)
    if closed != commas:
        attempts.append((attempts[-1][0] + ("typographic_close",), closed))
    quotes = _escape_inner_quotes(closed)
    if quotes != closed:
        attempts.append((attempts[-1][0] + ("inner_quotes",), quotes))
    data: Any = None
    error: ValueError | RecursionError | None = None
    for done, candidate in attempts:
        try:
            data = _loads(candidate)
        except (ValueError, RecursionError) as err:  # RecursionError: nested deeper than json reads
            error = error or err
            continue
        repairs.extend(done)
        break
    else:
        done, most_repaired = attempts[-1]
        for prefix in _complete_prefixes(most_repaired):
            try:
                data = _loads(_remove_trailing_commas(prefix))
            except (ValueError, RecursionError):
                continue
            repairs.extend(done + ("truncated",))
            break
        else:
            reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
            return ParseResult(FAILED, repairs=tuple(repairs), error=f"not JSON: {reason}")
    if isinstance(data, list):
        data = {"claims": data}
        repairs.append("list_only")
    if "truncated" in repairs or (cut_by_limit and repairs):
        status = TRUNCATED
    else:
        status = REPAIRED if repairs else OK
    return ParseResult(status, data, tuple(repairs))
