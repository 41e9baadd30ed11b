"""Times of day: clock times and the parts of a day, as patterns for ``dates``.

News places events within a day as often as on it: "الساعة الثالثة فجراً",
"عند العاشرة والنصف صباحاً", "10:45 م", "صباح الثلاثاء", "مساء أمس",
"فجر اليوم", and in speech "الساعة تسعة بالليل", "النهارده الصبح". The
guidelines keep nouns that narrow a time inside its DATE span (1.6, 4.8), so a
part of the day joins the day it narrows ("مساء أمس الأربعاء" is one span),
and a clock time joins the day it is on ("الساعة العاشرة من صباح الخميس").

Three pieces, all regular expressions over the analysis form (Arabic folds,
ASCII digits; see ``numbers.analysis_form``):

- ``PART_OF_DAY_NOUN``: a part of the day in the construct state, written
  before the day it belongs to (صباح، مساء، ظهر، عصر، فجر، ليلة، منتصف ليل ...);
- ``PART_OF_DAY_AFTER``: the same written after a clock time or a day, as an
  adverb (صباحاً، مساءً، ظهراً، ليلاً) or in speech (الصبح، بالليل، ديال الصباح);
- ``CLOCK``: a clock time: ``الساعة`` + an hour (feminine ordinal, cardinal
  or digits, minutes allowed) + a fraction (والنصف، إلا ربعاً), or digits
  ``HH:MM``, or an hour ordinal followed by a part of the day
  ("الثانية ظهراً"). ``CLOCK_WITH_PART`` adds the part of the day after it.

A clock time has no ISO value of its own (values are dates); it takes the
value of the day it is joined to.
"""

from __future__ import annotations

import re

from harness.text.numbers import NUMBER_WORDS, analysis_form
from harness.text.ordinals import HOUR_ORDINAL


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _alternation(phrases) -> str:
    escaped = {r"\s+".join(re.escape(word) for word in _n(p).split()) for p in phrases}
    return "(?:" + "|".join(sorted(escaped, key=len, reverse=True)) + ")"


_NO_LETTER_AFTER = r"(?![^\W\d_])"

#: Parts of the day before the day they narrow ("صباح الثلاثاء", "فجر اليوم").
PART_OF_DAY_NOUN = _alternation(
    [
        "صباح", "مساء", "ظهر", "ظهيرة", "بعد ظهر", "عصر", "فجر", "ليلة", "ليل",
        "منتصف ليل", "منتصف ليلة", "منتصف نهار", "ضحى", "صبيحة", "عشية", "غروب", "فجر يوم",
    ]
)

#: Parts of the day after a clock time or a day ("صباحاً", "بالليل", "الصبح").
PART_OF_DAY_AFTER = _alternation(
    [
        "صباحاً", "صباحا", "مساءً", "مساء", "مساءا", "ظهراً", "ظهرا", "عصراً", "عصرا",
        "فجراً", "فجرا", "ليلاً", "ليلا", "ضحى", "بعد الظهر", "بعد الظهيرة", "بعد منتصف الليل",
        # speech: Levantine, Egyptian, Gulf, Maghrebi
        "الصبح", "الصباح", "بالليل", "الليل", "المسا", "بالمسا", "الضهر", "العصر", "الفجر",
        "ديال الصباح", "ديال الليل", "ديال العشية", "في الصباح", "في المساء", "في الليل",
    ]
) + _NO_LETTER_AFTER

#: Hours written as cardinals (speech and some news): one to twelve.
_HOUR_CARDINALS = sorted(
    (word for word, (kind, value) in NUMBER_WORDS.items() if kind in ("unit", "ten", "teen_word") and value <= 12),
    key=len,
    reverse=True,
)
_HOUR_CARDINAL = "(?:" + "|".join(re.escape(w) for w in _HOUR_CARDINALS) + ")"
_MINUTES_WORDS = _alternation(["النصف", "نص", "الربع", "ربع", "ربعا", "الثلث", "ثلث", "ثلثا"])
_MINUTES = rf"(?:\s+(?:و\s*|الا\s+)(?:{_MINUTES_WORDS}|\d{{1,2}}\s+{_n('دقيقة')}|{_n('دقيقة')}){_NO_LETTER_AFTER})"
_DIGIT_TIME = r"(?<![\d:.,])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d:])"
_SA3A = _n("الساعة")

#: A clock time, without a part of the day after it.
CLOCK = (
    rf"(?:{_SA3A}\s+(?:{_DIGIT_TIME}|(?<!\d)(?:[01]?\d|2[0-3])(?![\d:.,])|{HOUR_ORDINAL}|{_HOUR_CARDINAL})"
    rf"{_NO_LETTER_AFTER}{_MINUTES}?"
    rf"|{_DIGIT_TIME}"
    rf"|{HOUR_ORDINAL}{_MINUTES}?(?=\s+{PART_OF_DAY_AFTER}))"
)
#: A digital time may carry ص (a.m.) or م (p.m.).
_AM_PM = r"(?:\s*[صم](?![^\W\d_]))"
#: A clock time with its part of the day, when one follows.
CLOCK_WITH_PART = rf"{CLOCK}(?:\s+{PART_OF_DAY_AFTER}|(?<=\d){_AM_PM})?"
