"""The verdict a model judge is asked for, and how its answer is read.

The model answers one JSON object::

    {"verdict": "same" | "different", "reason": "one line"}

Backends that can constrain decoding to a JSON schema are given
:data:`VERDICT_SCHEMA` (see :mod:`harness.judging.constrained`); the answer is
read the same way either way, strictly:

* the first ``{`` to the last ``}`` of the answer (so code fences or a
  sentence around the object are tolerated) must be one JSON object, else the
  item is **unparseable**;
* its ``verdict`` must be ``same`` or ``different`` (case and spaces
  ignored); any other value (``unsure``, ``cannot judge``, a missing
  verdict) is a **refusal**.

No repair beyond that, and no guess: an unparseable or refused answer is
unjudged (verdict None) and keeps its raw text; it is never scored as same or
different.
"""

from __future__ import annotations

import json
from typing import Any

from harness.judging.items import JUDGED, REFUSED, UNPARSEABLE, Judgement

VERDICTS = {"same": True, "different": False}

#: The JSON schema of an answer; ``maxLength`` keeps the reason to one line's worth.
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["same", "different"]},
        "reason": {"type": "string", "maxLength": 200},
    },
    "required": ["verdict", "reason"],
    "additionalProperties": False,
}


def read_answer(text: str, cached: bool = False) -> Judgement:
    """A model's answer as a judgement (see the module docstring)."""
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end < start:
        return Judgement(None, "no JSON object in the answer", UNPARSEABLE, raw=text, cached=cached)
    try:
        data = json.loads(text[start : end + 1])
    except ValueError as err:
        return Judgement(None, f"the answer is not valid JSON: {err}", UNPARSEABLE, raw=text, cached=cached)
    if not isinstance(data, dict):
        return Judgement(None, f"the answer is JSON but not an object ({type(data).__name__})", UNPARSEABLE, raw=text, cached=cached)
    verdict = data.get("verdict")
    reason = data.get("reason")
    reason_text = " ".join(reason.split()) if isinstance(reason, str) else ""
    key = verdict.strip().casefold() if isinstance(verdict, str) else None
    if key not in VERDICTS:
        return Judgement(None, f"no same/different verdict (verdict {verdict!r}) {reason_text}".strip(), REFUSED, raw=text, cached=cached)
    return Judgement(VERDICTS[key], reason_text or "(no reason given)", JUDGED, raw=text, cached=cached)
