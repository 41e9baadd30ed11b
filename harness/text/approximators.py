"""Words that make an amount approximate or a bound: حوالي، أكثر من، ونيف ...

The guidelines keep them outside QUANTITY spans (1.7) and record them as
``approx: true`` on claims (2.5), so ``quantities`` needs to know whether
one stands right before or after an amount. The forms:

- before: حوالي، نحو، قرابة، زهاء، ما يقارب، ما يناهز، أكثر من، أزيد من، ما
  يزيد على، ما يربو على، ما يفوق، ما يتجاوز، أقل من، ما دون، ما لا يقل عن، في
  حدود، بحدود ... The verbs come with both agreement prefixes (يقارب /
  تقارب, يزيد / تزيد), since the subject may be feminine ("بزيادة تناهز").
  Speech: أكتر من، شي (Levantine "about").
- after: تقريباً، ونيف، أو أكثر، أو يزيد، على الأقل، على الأكثر، وأكثر.

Matched in the analysis form; a glued و/ف/ب/ل before the word is allowed.
"""

from __future__ import annotations

import re

from harness.text.numbers import analysis_form


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _alternation(phrases) -> str:
    escaped = {r"\s+".join(re.escape(word) for word in _n(p).split()) for p in phrases}
    return "|".join(sorted(escaped, key=len, reverse=True))


#: Verbs of approximation and bounds, without their agreement prefix.
_VERB_STEMS = ("قارب", "قرب من", "ناهز", "زيد عن", "زيد على", "ربو على", "ربو عن", "فوق", "تجاوز", "نيف على", "قل عن")
_VERBS = [prefix + stem for stem in _VERB_STEMS for prefix in ("ي", "ت")]

APPROX_BEFORE_WORDS: tuple[str, ...] = (
    "حوالي", "حوالى", "نحو", "نحوا من", "قرابة", "زهاء", "تقريبا", "أكثر من", "أزيد من", "أقل من",
    "ما دون", "دون", "في حدود", "بحدود", "فوق", "أكتر من", "شي",
    *_VERBS,
    *("ما " + verb for verb in _VERBS),
    *("لا " + verb for verb in _VERBS if "قل" in verb),
    *("ما لا " + verb for verb in _VERBS if "قل" in verb),
)
APPROX_AFTER_WORDS: tuple[str, ...] = (
    "تقريبا", "ونيف", "أو أكثر", "أو يزيد", "أو أقل", "على الأقل", "على الأكثر", "وأكثر", "بالتقريب",
)

_LETTER_BEFORE = r"(?<![^\W\d_])"
_WORD_AFTER = r"(?![^\W_])"
_BEFORE = re.compile(_LETTER_BEFORE + r"[وفبل]?(?:" + _alternation(APPROX_BEFORE_WORDS) + r")\s*$")
_AFTER = re.compile(r"\s*(?:" + _alternation(APPROX_AFTER_WORDS) + ")" + _WORD_AFTER)
#: How far before an amount an approximator may start.
_WINDOW = 40


def is_approx(text: str, start: int, end: int) -> bool:
    """True when an approximator stands right before ``start`` or right after ``end``.

    ``text`` is in the analysis form; ``start``/``end`` delimit the amount.
    """
    before = _BEFORE.search(text, max(0, start - _WINDOW), start)
    return before is not None or _AFTER.match(text, end) is not None
