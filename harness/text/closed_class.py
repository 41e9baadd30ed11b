"""Closed-class Arabic words: the words that can never be a counted noun.

After a number Arabic writes what it counts (``5 مناسبات``, ``27 محافظة``,
``ستة آخرون``), and most such nouns are in no table. ``quantities`` may take
any noun there, but only if the word after the number is not a particle,
preposition, pronoun, demonstrative, relative, conjunction, auxiliary or a
time word that belongs to a date ("5 من", "2019 في", "10 صباحاً"). This is
that list: a grammar's closed classes, small and stable, not vocabulary.

Words are compared in the analysis form (``numbers.analysis_form``).
"""

from __future__ import annotations

from harness.text.numbers import analysis_form

_WORDS = """
في من إلى الى على عن مع ضد بين عند لدى حول خلال منذ قبل بعد حتى نحو عبر دون تحت فوق أمام وراء خلف ضمن
إثر عقب جراء بسبب وسط لصالح تجاه حيال بشأن مقابل بحق بنسبة بقيمة بمبلغ بمعدل بواقع بحجم بمقدار
إن أن أنه إنه أنها إنها لأن لكن ولكن كما كي لكي إذ إذا لو لولا ثم أو أم بل لا لم لن قد لقد ما ماذا هل
كيف متى أين لماذا إلا سوف أما إما حيث عندما بينما فيما مما ممن عما بما لما ليس ليست يا
هو هي هم هن هما نحن أنا أنت أنتم هذا هذه هذان هاتان ذلك تلك أولئك هؤلاء هنا هناك
الذي التي الذين اللذين اللتين اللواتي اللاتي
كل بعض جميع كافة عدة عدد غير سوى أي أيضا فقط نفس ذات عدم مجرد بضع بضعة
كان كانت كانوا يكون تكون يكن زال مازال لايزال صار أصبح أصبحت بات باتت ظل ظلت
منه منها منهم منهما منهن منا مني فيه فيها فيهم عليه عليها عليهم علينا له لها لهم لنا لي به بها بهم
عنه عنها عنهم معه معها معهم بينهم بينها عنده عندها عندهم لديه لديها لديهم إليه إليها إليهم
أمس اليوم غدا الآن حاليا سابقا لاحقا مؤخرا قريبا تقريبا
صباحا مساء مساءا ظهرا عصرا فجرا ليلا ضحى نهارا الصبح الصباح الليل المسا بالليل ص م
هـ ه هجري هجرية للهجرة ميلادي ميلادية
ونيف وأكثر أكثر أقل فأكثر فأقل
شو بس كمان هيك هاي هاد هادا هادي هذي دي ده اللي يعني والله
علما خاصة لاسيما وفقا طبقا تبعا نظرا
"""

#: Closed-class words in the analysis form.
CLOSED_CLASS: frozenset[str] = frozenset(analysis_form(word).text for word in _WORDS.split())

_NUMBERING_HEADS = """
مادة بند فقرة قرار قانون مرسوم دقيقة جولة شوط طريق لواء فرقة كتيبة فوج دورة نسخة حلقة صفحة عدد إصدار
طابق غرفة مبنى قاعة رحلة خط قضية ملف مجموعة فصل باب سطر رقم مرتبة مركز مقعد قطاع مربع شارع بوابة منصة
ذكرى عام سنة
"""

#: Nouns that label something with a number after them ("المادة 5", "الدقيقة 90",
#: "القرار 2254", "رقم 7", "الذكرى 53", "عام 1861"): the number is an
#: identifier (or a year), not a count.
NUMBERING_HEADS: frozenset[str] = frozenset(
    form for word in _NUMBERING_HEADS.split() for form in (analysis_form(word).text, "ال" + analysis_form(word).text)
)
