"""Dates in Arabic news text, as ISO-8601 values that may be partial.

A claim's time is compared by value: "23 آذار/مارس 2019", "23 مارس 2019" and
"March 23, 2019" are all ``2019-03-23``. Values are as precise as the text:
``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, and ``--MM`` / ``--MM-DD`` (ISO 8601
without a year) when the year is not stated. ``None`` means the text names
a time that cannot be placed (a duration, "الشهر الماضي" with no anchor).

Recognised (spans follow the gold guidelines: prepositions such as في، خلال،
منذ، قبل outside; narrowing nouns such as مطلع، شهر، عام and relative
modifiers such as الماضي، الجاري inside):
- day + month (+ year or modifier): "23 آذار/مارس 2019", "في 23 من آذار
  2018", "26 تشرين الأول/أكتوبر الماضي", "الأربعاء 24 آذار";
- month (+ year or modifier): "أيلول 2018", "شهر آذار/مارس الجاري",
  "مطلع شباط/فبراير الماضي". Month names: the standard ones (يناير ...
  ديسمبر, with Maghreb variants جانفي، فيفري، أفريل، ماي، جوان، جويلية، أوت،
  يوليوز، غشت، شتنبر، نونبر، دجنبر) and the Levantine ones (كانون الثاني،
  شباط، آذار، نيسان، أيار، حزيران، تموز، آب، أيلول، تشرين الأول، تشرين
  الثاني، كانون الأول), alone or paired ("آذار/مارس", "آذار (مارس)");
- English: "March 24, 2021", "24 March 2021", "March 2021";
- numeric: "23/3/2019", "23-03-2019", "2019-03-23";
- years 1900-2099: "في 2014", "عام 2014", unless the number counts
  something ("2000 جندي");
- relative days: "أمس", "أمس الأول", "أمس الأربعاء", "اليوم الإثنين",
  "غداً", and day names ("الإثنين");
- relative periods: "العام الماضي", "الشهر الجاري", "هذا العام", "الـ 12 من
  الشهر";
- durations: "عامين", "أربع سنوات", "العامين الماضيين", and a bare "عام"
  after مرور، بعد، قبل، منذ، خلال or before على ("عام على هزيمة داعش").

Relative expressions resolve against ``anchor`` (the article's date, ISO
``YYYY-MM-DD``) only when one is given; otherwise the value stays partial
("آذار/مارس الجاري" -> ``--03``) or None ("العام الماضي"). Rules:
- "<month> الماضي" is the last such month before the anchor's month (the
  year before when it is the same month), "الجاري/الحالي" the anchor's year,
  "المقبل/القادم" the next such month after the anchor's month;
- "أمس" is the day before the anchor, "أمس الأول" two days before;
- a day name alone is the latest such day on or before the anchor;
- a duration after قبل or منذ ("قبل عامين") counts back from the anchor;
  other durations have no date (None);
- "الشهر ذاته/نفسه" and "العام ذاته/نفسه" take the month or year of the
  previous date in the same text; "الـ 12 من الشهر" takes the previous
  date's month, else the anchor's.
Ambiguous month names that are also common words (آب "father", مارس "he
practised", نيسان, تموز, ماي, جوان) need a day, a year, a modifier, a pair,
شهر or a preposition before them to count as months.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from harness.text.numbers import NumberHit, analysis_form, scan_numbers
from harness.text.offsets import MappedText
from harness.text.quantities import QuantityHit, scan_quantities


@dataclass(frozen=True)
class DateMatch:
    """A date or time expression found in a text, with raw offsets."""

    start: int
    end: int
    #: ISO-8601, possibly partial (YYYY, YYYY-MM, YYYY-MM-DD, --MM, --MM-DD), or None.
    value: str | None
    text: str


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _alternation(phrases) -> str:
    escaped = {r"\s+".join(re.escape(word) for word in p.split()) for p in phrases}
    return "|".join(sorted(escaped, key=len, reverse=True))


def _key(phrase: str) -> str:
    return " ".join(phrase.split())


_ARABIC_MONTHS_RAW: dict[str, int] = {
    "يناير": 1, "جانفي": 1, "فبراير": 2, "فيفري": 2, "مارس": 3,
    "أبريل": 4, "إبريل": 4, "أفريل": 4, "مايو": 5, "ماي": 5,
    "يونيو": 6, "يونيه": 6, "جوان": 6, "يوليو": 7, "يوليه": 7, "جويلية": 7, "يوليوز": 7,
    "أغسطس": 8, "أوت": 8, "غشت": 8, "سبتمبر": 9, "شتنبر": 9, "أكتوبر": 10,
    "نوفمبر": 11, "نونبر": 11, "ديسمبر": 12, "دجنبر": 12,
    "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4,
    "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9,
    "تشرين الأول": 10, "تشرين أول": 10, "تشرين الثاني": 11, "تشرين ثاني": 11,
    "كانون الأول": 12, "كانون أول": 12,
}
ARABIC_MONTHS: dict[str, int] = {_n(name): number for name, number in _ARABIC_MONTHS_RAW.items()}
_AMBIGUOUS_MONTHS = frozenset(_n(w) for w in ("آب", "مارس", "نيسان", "تموز", "ماي", "جوان"))

ENGLISH_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name[1:], 1):
    ENGLISH_MONTHS[_name.lower()] = _number
    ENGLISH_MONTHS[_name[:3].lower()] = _number
ENGLISH_MONTHS["sept"] = 9

_WEEKDAYS_RAW = {
    "الإثنين": 0, "الاثنين": 0, "الثلاثاء": 1, "الأربعاء": 2,
    "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6,
}
WEEKDAYS: dict[str, int] = {_n(name): number for name, number in _WEEKDAYS_RAW.items()}


def _words(*words: str) -> set[str]:
    return {_n(w) for w in words}


_PAST = _words("الماضي", "الماضية", "المنصرم", "المنصرمة", "الفائت", "الفائتة", "السابق")
_CURRENT = _words("الجاري", "الجارية", "الحالي", "الحالية")
_NEXT = _words("المقبل", "المقبلة", "القادم", "القادمة")
_SAME = _words("ذاته", "ذاتها", "نفسه", "نفسها")

# --- patterns, over the analysis form (Arabic folds, ASCII digits) ------------

_L = r"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وفبل]))"  # word start, a glued clitic allowed
_R = r"(?![^\W\d_])"  # no letter right after
_SEPARATORS = r"[.,\u066b\u066c]"

_MONTH = "(?:" + _alternation(ARABIC_MONTHS) + ")"
_MONTH_PAIR = rf"(?P<m1>{_MONTH})(?:\s*/\s*(?P<m2>{_MONTH})|\s*\(\s*(?P<m3>{_MONTH})\s*\))?{_R}"
_DAY = rf"(?<!\d)(?P<day>0?[1-9]|[12]\d|3[01])(?!{_SEPARATORS}\d)(?!\d)"
_YEAR_DIGITS = rf"(?<![\d.,\u066b\u066c])(?P<year>(?:19|20)\d\d)(?!\d)(?!{_SEPARATORS}\d)"
_YEAR_WORD = "(?:ال)?(?:" + _alternation(_words("عام", "سنة")) + ")"
_YEAR_PART = rf"(?:\s*[،,]?\s*(?:{_YEAR_WORD}\s+)?{_YEAR_DIGITS}(?:\s*م{_R})?)"
_REL_WORDS = "(?:" + _alternation(_PAST | _CURRENT | _NEXT) + ")"
_REL = rf"(?:\s+(?P<rel>{_REL_WORDS}){_R})"
_PREFIX_WORDS = _alternation(
    _words("مطلع", "بداية", "أوائل", "منتصف", "أواسط", "أواخر", "نهاية", "مستهل", "آخر", "غرة")
)
_PREFIX = rf"(?:(?P<prefix>{_PREFIX_WORDS})\s+)"
_SHAHR = rf"(?:(?P<shahr>{_n('شهر')})\s+)"
_WEEKDAY_ALT = "(?:" + _alternation(WEEKDAYS) + ")"
_WEEKDAY_BEFORE = rf"(?:(?:{_n('يوم')}\s+)?(?P<wd>{_WEEKDAY_ALT})\s*[،,]?\s*)"
_DAY_ARTICLE = r"(?:ال\s*)?"
_MIN = _n("من")


def _ends_with_one_of(*words: str) -> re.Pattern:
    """Matches when a searched window ends with one of ``words`` (then whitespace)."""
    return re.compile(r"(?:^|[^\w])(?:" + _alternation(_words(*words)) + r")\s*$")


_TEMPORAL_PREPOSITION_BEFORE = _ends_with_one_of("في", "خلال", "منذ", "حتى", "قبل", "بعد", "من", "إلى", "مع")

_DAY_MONTH = re.compile(
    rf"{_L}{_WEEKDAY_BEFORE}?{_DAY_ARTICLE}{_DAY}\s+(?:{_MIN}\s+)?{_SHAHR}?{_MONTH_PAIR}"
    rf"(?:{_YEAR_PART}|{_REL})?"
)
_MONTH_ONLY = re.compile(rf"{_L}{_PREFIX}?{_SHAHR}?{_MONTH_PAIR}(?:{_YEAR_PART}|{_REL})?")

_EN_MONTH = "(?P<mon>" + "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_EN_DAY = r"(?P<day>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?!\d)"
_ENGLISH = [
    re.compile(rf"\b{_EN_MONTH}\s+{_EN_DAY}(?:\s*,\s*|\s+){_EN_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_EN_DAY}\s+(?:of\s+)?{_EN_MONTH}(?:\s*,?\s+{_EN_YEAR})?\b", re.IGNORECASE),
    re.compile(rf"\b{_EN_MONTH}\s+{_EN_DAY}\b", re.IGNORECASE),
    re.compile(rf"\b{_EN_MONTH}\s*,?\s+{_EN_YEAR}", re.IGNORECASE),
]
_NUMERIC = [
    re.compile(  # day/month/year, as Arabic news writes it
        r"(?<![\d/.\-])(?P<day>0?[1-9]|[12]\d|3[01])(?P<sep>[/.\-])(?P<month>0?[1-9]|1[0-2])(?P=sep)"
        r"(?P<year>(?:19|20)\d\d)(?![\d/.\-]\d|\d)"
    ),
    re.compile(  # ISO year-month-day
        r"(?<![\d/.\-])(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])"
        r"(?![\d\-])"
    ),
]
_YEAR_ONLY = re.compile(rf"{_L}{_PREFIX}?(?:{_YEAR_WORD}\s+)?{_YEAR_DIGITS}(?:\s*م{_R})?")

_DAY_SHIFTS = {
    _n("أمس الأول"): -2, _n("أمس"): -1, _n("البارحة"): -1, _n("اليوم"): 0,
    _n("غداً"): 1, _n("بعد غد"): 2,
}
_RELATIVE_DAY = re.compile(
    rf"{_L}(?P<relday>{_alternation(_words('أمس الأول', 'بعد غد', 'البارحة', 'غداً'))}"
    rf"|{_n('أمس')}(?!\s+{_n('الحاجة')})"  # not "في أمس الحاجة" (in dire need)
    rf"|{_n('اليوم')}(?=\s+{_WEEKDAY_ALT}{_R}))"  # bare "اليوم" is too often generic
    rf"(?:\s*[،,]?\s*(?P<wd>{_WEEKDAY_ALT}))?{_R}"
)
_WEEKDAY_ONLY = re.compile(rf"{_L}(?:{_n('يوم')}\s+)?(?P<wd>{_WEEKDAY_ALT}){_R}")

_PERIOD_WORDS = {_n("العام"): "year", _n("السنة"): "year", _n("الشهر"): "month", _n("الأسبوع"): "week"}
_THIS_WORDS = {
    _n("هذا العام"): "year", _n("هذه السنة"): "year", _n("هذا الشهر"): "month", _n("هذا الأسبوع"): "week",
}
_PERIOD = re.compile(
    rf"{_L}{_PREFIX}?(?:(?P<this>{_alternation(_THIS_WORDS)})|(?P<period>{_alternation(_PERIOD_WORDS)})"
    rf"\s+(?P<prel>{_alternation(_PAST | _CURRENT | _NEXT | _SAME)})){_R}"
)
_DAY_OF_MONTH = re.compile(
    rf"{_L}{_DAY_ARTICLE}{_DAY}\s+{_MIN}\s+(?:{_n('هذا')}\s+)?{_n('الشهر')}"
    rf"(?:\s+(?P<rel>{_REL_WORDS}))?{_R}"
)
_SAME_AFTER = re.compile(r"\s+(?:" + _alternation(_SAME) + ")" + _R)

_DURATION_UNITS = frozenset({"years", "months", "weeks", "days"})
_DURATION_TAIL = re.compile(
    r"\s+(?:"
    + _alternation(
        _words("الماضيين", "الأخيرين", "المقبلين", "القادمين", "الماضية", "الأخيرة", "المقبلة", "القادمة")
    )
    + ")"
    + _R
)
_BARE_UNITS = {
    _n("عام"): "years", _n("سنة"): "years", _n("شهر"): "months", _n("أسبوع"): "weeks", _n("يوم"): "days",
}
_BARE_DURATION = re.compile(_L + "(?P<unit>" + _alternation(_BARE_UNITS) + ")" + _R)
_BARE_CONTEXT_BEFORE = _ends_with_one_of("مرور", "بعد", "قبل", "منذ", "خلال")
_BARE_CONTEXT_AFTER = re.compile(r"\s+" + _n("على") + _R)
_COUNT_BACK_BEFORE = _ends_with_one_of("قبل", "منذ")


# --- candidates ---------------------------------------------------------------


@dataclass
class _Context:
    """What resolution may look at: the anchor and the previous dates of the text."""

    anchor: date | None
    year: int | None = None
    month: tuple[int | None, int] | None = None


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    resolve: Callable[[_Context], str | None]


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    if year is None and month is None:
        return None
    if year is None:
        return f"--{month:02d}" if day is None else f"--{month:02d}-{day:02d}"
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _valid_day(year: int | None, month: int, day: int | None) -> bool:
    if day is None:
        return True
    days = calendar.monthrange(year if year is not None else 2000, month)[1]
    return 1 <= day <= days


def _month_year(month: int, rel: str | None, anchor: date | None) -> int | None:
    """The year of "<month> <rel>" seen from the anchor."""
    if rel is None or anchor is None:
        return None
    if rel in _PAST:
        return anchor.year if month < anchor.month else anchor.year - 1
    if rel in _CURRENT:
        return anchor.year
    return anchor.year if month > anchor.month else anchor.year + 1


def _remember(context: _Context, year: int | None, month: int | None) -> None:
    if year is not None:
        context.year = year
    if month is not None:
        context.month = (year, month)


def _calendar_candidate(
    start: int, end: int, year: int | None, month: int, day: int | None, rel: str | None
) -> _Candidate | None:
    """A day/month/year date; None when the day does not exist in that month."""
    if not _valid_day(year, month, day):
        return None

    def resolve(context: _Context) -> str | None:
        resolved_year = year if year is not None else _month_year(month, rel, context.anchor)
        if day is not None and not _valid_day(resolved_year, month, day):
            return None
        _remember(context, resolved_year, month)
        return _iso(resolved_year, month, day)

    return _Candidate(start, end, resolve)


def _arabic_month(match: re.Match) -> int:
    return ARABIC_MONTHS[_key(match.group("m1"))]


def _month_is_clear(text: str, match: re.Match, has_day: bool) -> bool:
    """An ambiguous month name needs a sign that it is a month."""
    if _key(match.group("m1")) not in _AMBIGUOUS_MONTHS or has_day:
        return True
    if match.group("m2") or match.group("m3") or match.group("year") or match.group("rel"):
        return True
    if match.groupdict().get("shahr") or match.groupdict().get("prefix"):
        return True
    window_start = max(0, match.start() - 12)
    return _TEMPORAL_PREPOSITION_BEFORE.search(text, window_start, match.start()) is not None


def _arabic_calendar(text: str) -> list[_Candidate]:
    found = []
    for pattern, has_day in ((_DAY_MONTH, True), (_MONTH_ONLY, False)):
        for match in pattern.finditer(text):
            if not _month_is_clear(text, match, has_day):
                continue
            year = int(match.group("year")) if match.group("year") else None
            day = int(match.group("day")) if has_day else None
            month, rel = _arabic_month(match), match.group("rel")
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, rel)
            if candidate:
                found.append(candidate)
    return found


def _english_and_numeric(text: str) -> list[_Candidate]:
    found = []
    for pattern in _ENGLISH:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = ENGLISH_MONTHS[match.group("mon").lower()]
            year = int(groups["year"]) if groups.get("year") else None
            day = int(groups["day"]) if groups.get("day") else None
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, None)
            if candidate:
                found.append(candidate)
    for pattern in _NUMERIC:
        for match in pattern.finditer(text):
            year, month, day = (int(match.group(name)) for name in ("year", "month", "day"))
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, None)
            if candidate:
                found.append(candidate)
    return found


def _years(text: str, numbers: list[NumberHit], quantities: list[QuantityHit]) -> list[_Candidate]:
    """Bare years; not a number that counts something ("2000 جندي") or has a scale."""
    counted = {q.start for q in quantities}
    longer_numbers = {n.start: n.end for n in numbers}
    found = []
    for match in _YEAR_ONLY.finditer(text):
        digits_start, digits_end = match.span("year")
        if digits_start in counted or longer_numbers.get(digits_start, digits_end) > digits_end:
            continue
        year = int(match.group("year"))

        def resolve(context: _Context, year: int = year) -> str | None:
            _remember(context, year, None)
            return _iso(year)

        found.append(_Candidate(match.start(), match.end(), resolve))
    return found


def _latest_weekday(anchor: date, weekday: int) -> date:
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _relative_days(text: str) -> list[_Candidate]:
    found = []
    for match in _RELATIVE_DAY.finditer(text):
        shift = _DAY_SHIFTS[_key(match.group("relday"))]

        def resolve(context: _Context, shift: int = shift) -> str | None:
            if context.anchor is None:
                return None
            day = context.anchor + timedelta(days=shift)
            _remember(context, day.year, day.month)
            return day.isoformat()

        found.append(_Candidate(match.start(), match.end(), resolve))
    for match in _WEEKDAY_ONLY.finditer(text):
        weekday = WEEKDAYS[match.group("wd")]

        def resolve(context: _Context, weekday: int = weekday) -> str | None:
            if context.anchor is None:
                return None
            return _latest_weekday(context.anchor, weekday).isoformat()

        found.append(_Candidate(match.start(), match.end(), resolve))
    return found


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _periods(text: str) -> list[_Candidate]:
    found = []
    for match in _PERIOD.finditer(text):
        if match.group("this"):
            unit, rel = _THIS_WORDS[_key(match.group("this"))], _n("الجاري")
        else:
            unit, rel = _PERIOD_WORDS[match.group("period")], match.group("prel")

        def resolve(context: _Context, unit: str = unit, rel: str = rel) -> str | None:
            if rel in _SAME:
                if unit == "year" and context.year is not None:
                    return _iso(context.year)
                if unit == "month" and context.month is not None:
                    return _iso(*context.month)
                return None
            anchor = context.anchor
            if anchor is None or unit == "week":
                return None
            delta = -1 if rel in _PAST else 1 if rel in _NEXT else 0
            if unit == "year":
                _remember(context, anchor.year + delta, None)
                return _iso(anchor.year + delta)
            year, month = _shift_month(anchor.year, anchor.month, delta)
            _remember(context, year, month)
            return _iso(year, month)

        found.append(_Candidate(match.start(), match.end(), resolve))
    for match in _DAY_OF_MONTH.finditer(text):
        day, rel = int(match.group("day")), match.group("rel")
        same = _SAME_AFTER.match(text, match.end()) is not None

        def resolve(
            context: _Context, day: int = day, rel: str | None = rel, same: bool = same
        ) -> str | None:
            anchor = context.anchor
            if rel is not None:
                if anchor is None:
                    return None
                delta = -1 if rel in _PAST else 1 if rel in _NEXT else 0
                year, month = _shift_month(anchor.year, anchor.month, delta)
            elif context.month is not None:
                year, month = context.month
            elif anchor is not None and not same:
                year, month = anchor.year, anchor.month
            else:
                return None
            return _iso(year, month, day) if _valid_day(year, month, day) else None

        found.append(_Candidate(match.start(), match.end(), resolve))
    return found


def _count_back(anchor: date, amount: float, unit: str) -> str | None:
    """The time ``amount`` units before the anchor, as precise as the unit."""
    if amount != int(amount):
        return None
    n = int(amount)
    if unit == "years":
        return _iso(anchor.year - n) if anchor.year - n >= 1 else None
    if unit == "months":
        year, month = _shift_month(anchor.year, anchor.month, -n)
        return _iso(year, month) if year >= 1 else None
    days = n * 7 if unit == "weeks" else n
    return (anchor - timedelta(days=days)).isoformat()


def _duration_candidate(text: str, start: int, end: int, amount: float, unit: str) -> _Candidate:
    tail = _DURATION_TAIL.match(text, end)
    if tail is not None:
        end = tail.end()
    counts_back = _COUNT_BACK_BEFORE.search(text, max(0, start - 10), start) is not None

    def resolve(context: _Context) -> str | None:
        if not counts_back or context.anchor is None:
            return None
        return _count_back(context.anchor, amount, unit)

    return _Candidate(start, end, resolve)


def _durations(text: str, quantities: list[QuantityHit]) -> list[_Candidate]:
    """Counted time units ("عامين", "أربع سنوات") and a bare "عام" where it means one year."""
    found = []
    for hit in quantities:
        if hit.unit in _DURATION_UNITS:
            found.append(_duration_candidate(text, hit.start, hit.end, float(hit.value), hit.unit))
    for match in _BARE_DURATION.finditer(text):
        before = _BARE_CONTEXT_BEFORE.search(text, max(0, match.start() - 10), match.start())
        if before is None and _BARE_CONTEXT_AFTER.match(text, match.end()) is None:
            continue
        unit = _BARE_UNITS[match.group("unit")]
        found.append(_duration_candidate(text, match.start(), match.end(), 1, unit))
    return found


def _candidates(text: str) -> list[_Candidate]:
    """All date expressions; where they overlap the longest wins, then the earliest."""
    numbers = scan_numbers(text)
    quantities = scan_quantities(text, numbers)
    candidates = (
        _arabic_calendar(text)
        + _english_and_numeric(text)
        + _years(text, numbers, quantities)
        + _relative_days(text)
        + _periods(text)
        + _durations(text, quantities)
    )
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    chosen: list[_Candidate] = []
    for candidate in candidates:
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _parse_anchor(anchor: str | None) -> date | None:
    if anchor is None:
        return None
    if not isinstance(anchor, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", anchor):
        raise ValueError(f"anchor must be an ISO date 'YYYY-MM-DD', got {anchor!r}")
    try:
        return date.fromisoformat(anchor[:10])
    except ValueError as error:
        raise ValueError(f"anchor {anchor!r} is not a valid date: {error}") from None


def _scan(mapped: MappedText, anchor: date | None) -> list[DateMatch]:
    context = _Context(anchor)
    matches = []
    for candidate in _candidates(mapped.text):
        try:
            value = candidate.resolve(context)
        except (OverflowError, ValueError):  # counted back or forward out of the calendar
            value = None
        start, end = mapped.to_raw(candidate.start, candidate.end)
        matches.append(DateMatch(start, end, value, mapped.raw[start:end]))
    return matches


def find_dates(text: str, anchor: str | None = None) -> list[DateMatch]:
    """Every date, relative date and duration in ``text``, in reading order.

    ``anchor`` is the ISO date (``YYYY-MM-DD``) relative expressions are
    resolved against, usually the article's date; without it they stay
    partial or None.
    """
    return _scan(analysis_form(text), _parse_anchor(anchor))


_ISO_VALUE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"|--(?P<month2>\d{2})(?:-(?P<day2>\d{2}))?"
)


def _iso_value(text: str) -> str | None:
    """An ISO value as the harness writes it, validated, else None."""
    match = _ISO_VALUE.fullmatch(text)
    if match is None:
        return None
    year = int(match.group("year")) if match.group("year") else None
    month_text = match.group("month") or match.group("month2")
    day_text = match.group("day") or match.group("day2")
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    if month is not None and not 1 <= month <= 12:
        return None
    if month is not None and not _valid_day(year, month, day):
        return None
    return _iso(year, month, day)


def parse_date(text: str, anchor: str | None = None) -> str | None:
    """The ISO value of the one date stated in ``text``, or None.

    An ISO value itself ("2019-03", "--03-12") parses to itself, an invalid
    one ("2019-02-30") to None. When the
    text holds several dates with different values the answer is None rather
    than an arbitrary one of them.
    """
    stripped = text.strip()
    if _ISO_VALUE.fullmatch(stripped):
        return _iso_value(stripped)
    values = {match.value for match in find_dates(text, anchor)}
    return values.pop() if len(values) == 1 else None
