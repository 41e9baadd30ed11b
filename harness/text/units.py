"""The table of counted nouns: which unit an Arabic noun stands for.

A quantity is a number and what it counts; "62 عنصرًا" and "20 إرهابيًا"
both count fighters. The nouns live in ``units.tsv`` next to this module (a
general list for Arabic news, one row per surface form), so the list can be
read and extended without touching code. Forms are stored normalised
(``normalize_arabic_str``) because that is how text is matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.text.arabic import normalize_arabic_str
from harness.text.digits import normalize_digits

TABLE_PATH: Path = Path(__file__).with_name("units.tsv")

GRAMMATICAL_NUMBERS: tuple[str, ...] = ("sg", "pl", "dual")

#: Clitics a noun may carry when it is compared on its own: conjunctions,
#: prepositions and the article (longest first).
_PREFIXES: tuple[str, ...] = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف")


@dataclass(frozen=True)
class UnitForm:
    """One normalised surface form of a counted noun."""

    form: str
    unit: str
    #: "sg", "pl" or "dual"; a dual means two of the unit on its own.
    number: str


def _accusative(form: str) -> str | None:
    """The form with the indefinite accusative alef (عنصرًا -> عنصرا), if it takes one."""
    words = form.split(" ")
    if any(not w[-1].isalpha() or w[-1] in "اهء" for w in words):
        return None
    return " ".join(w + "ا" for w in words)


def load_table(path: Path = TABLE_PATH) -> dict[str, UnitForm]:
    """Read the unit table; a malformed row raises naming the file and line."""
    forms: dict[str, UnitForm] = {}
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 3 or not all(c.strip() for c in cells):
            raise ValueError(
                f"{path}:{line_number}: expected 3 tab-separated cells "
                f"(unit, form, number), got {line!r}"
            )
        unit, raw_form, number = (c.strip() for c in cells)
        if number not in GRAMMATICAL_NUMBERS:
            raise ValueError(
                f"{path}:{line_number}: number must be one of {GRAMMATICAL_NUMBERS}, "
                f"got {number!r}"
            )
        form = normalize_digits(normalize_arabic_str(raw_form)).text
        previous = forms.get(form)
        if previous is not None and previous.unit != unit:
            raise ValueError(
                f"{path}:{line_number}: form {raw_form!r} is already unit "
                f"{previous.unit!r}, cannot also be {unit!r}"
            )
        forms[form] = UnitForm(form, unit, number)
    variants: dict[str, UnitForm] = {}
    for entry in forms.values():
        if entry.number == "dual":
            continue
        accusative = _accusative(entry.form)
        if accusative:
            variants.setdefault(accusative, entry)
        if entry.number == "pl" and " " not in entry.form and entry.form.endswith("ين"):
            variants.setdefault(entry.form[:-1], entry)
    for form, entry in variants.items():
        forms.setdefault(form, UnitForm(form, entry.unit, entry.number))
    return forms


#: Every normalised form (with accusative and construct variants) -> its entry.
UNIT_FORMS: dict[str, UnitForm] = load_table()

#: The canonical unit names, as written in the table.
UNIT_NAMES: frozenset[str] = frozenset(entry.unit for entry in UNIT_FORMS.values())

_NAMES_BY_FOLDED: dict[str, str] = {name.casefold(): name for name in UNIT_NAMES}


def lookup_form(word: str) -> UnitForm | None:
    """The table entry of an already normalised word or phrase, else None."""
    return UNIT_FORMS.get(word)


def dual_unit(word: str) -> str | None:
    """The unit of a normalised dual noun (عامين -> years), also with the article."""
    for candidate in (word, word[2:] if word.startswith("ال") else None):
        if candidate:
            entry = UNIT_FORMS.get(candidate)
            if entry is not None and entry.number == "dual":
                return entry.unit
    return None


def canonical_unit(noun: str) -> str:
    """The canonical unit of a counted noun, e.g. "كيلومتر مربع" -> "km2".

    Canonical names map to themselves ("km2" -> "km2"), so a gold unit and a
    predicted one can both be passed through this function and compared. A
    noun may carry the article or a clitic (الأشخاص, والدول). An unknown noun
    comes back in its normalised form, so two spellings of it still compare
    equal; the function is idempotent either way.
    """
    key = normalize_digits(normalize_arabic_str(noun)).text.casefold()
    name = _NAMES_BY_FOLDED.get(key)
    if name is not None:
        return name
    entry = UNIT_FORMS.get(key)
    if entry is not None:
        return entry.unit
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            entry = UNIT_FORMS.get(key[len(prefix) :])
            if entry is not None:
                return entry.unit
    return key
