"""Which encoding a cell of text is in: Unicode, TCVN3 or VNI.

A legacy cell can only hold the 256 characters of bytes read as Latin-1 (or Windows-1252); a cell with any other
character (ă, đ, ơ, ư, ạ … or a combining mark) is Unicode, which settles nearly every real Vietnamese text at once.
What is left (text of Latin-1 letters only: "Tô Hoài", "NguyÔn V¨n An", "Nguyeãn Vaên An", "Café", "Müller") is
read three ways, as it is and as decoded from each legacy encoding, and each reading scores its words: +1 for a word
that is a Vietnamese syllable (initial consonant, vowels, final consonant, at most one tone, one case pattern), -1
for one that is not; words of ASCII letters only read the same every way, and words of one character say nothing
("«", "£" are signs in Unicode and letters in TCVN3): they do not count. A legacy encoding wins only with a positive
score, higher than the text's as it is and than the other encoding's; anything else, ties included, is Unicode:
"Tô" (TCVN3 "Tụ"), "Hoà" (VNI "Hồ") and "Chi bé" (TCVN3 "Chi bộ") stay as they are, unless the cell's column was
found to be in that encoding (``detect_column``, passed as ``hint``).

Known false positive: "µm" (micro sign) reads as the TCVN3 syllable "àm".
"""

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from apps.common.vnlegacy import codec, tables
from apps.common.vnlegacy.codec import Encoding


def _letters() -> dict[str, tuple[str, bool]]:
    """Each lower-case letter of Vietnamese text → (the letter without its tone, whether it carries a tone)."""
    letters = {chr(code): (chr(code), False) for code in range(ord("a"), ord("z") + 1)}
    letters["đ"] = ("đ", False)
    for vowel in tables.VOWELS:
        for tone in range(len(tables.TONE_NAMES)):
            letters[tables.vietnamese(vowel, tone)] = (vowel, tone > 0)
    return letters


_LETTERS = _letters()
_INITIALS = "ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx]"
_FINALS = "ch|ng|nh|[cmnptk]"  # k: Đắk Lắk and other names of the Central Highlands
# Vowel groups by what may follow them: ending in a glide (no final consonant), needing a final consonant, either.
_OPEN = "iêu|yêu|oai|oay|oao|oeo|uây|uôi|uya|uyu|ươi|ươu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|ưu"
_CLOSED = "uyê|iê|yê|uô|ươ|oă|uâ|ă|â"  # not "oo" (xoong, goòng): VNI "oâ" read as TCVN3 gives it
_EITHER = "oa|oe|uê|uy|uơ|a|e|ê|i|o|ô|ơ|u|ư|y"
_SYLLABLE = re.compile(f"(?:{_INITIALS})?(?:{_OPEN}|(?:{_CLOSED})(?:{_FINALS})|(?:{_EITHER})(?:{_FINALS})?)")

# Words are separated by spaces, digits, ASCII punctuation and the general punctuation block (quotes, dashes);
# not by the Latin-1 signs that are letters in a legacy font (« » ¨ ¸ · ¬ and the soft hyphen).
_SEPARATORS = re.compile(r"[\s\d!-/:-@\[-`{-~\u2010-\u205e]+")
_NOT_LEGACY = re.compile(
    "[^\\x00-\\xff" + "".join(re.escape(char) for char in sorted(set(codec.C1_TO_CP1252.values()))) + "]"
)
_TCVN3_LETTER = re.compile("[" + "".join(re.escape(char) for char in sorted(codec.TCVN3_LETTERS)) + "]")
_VNI_LETTER = re.compile("[" + "".join(re.escape(char) for char in sorted(codec.VNI_LETTERS)) + "]")


@lru_cache(maxsize=1 << 16)
def plausible(word: str) -> bool:
    """Whether ``word`` (Unicode, NFC) can be a Vietnamese syllable: lower case, capitals or a capital first; made
    of Vietnamese letters; at most one tone; initial consonant, vowels and final consonant in Vietnamese order."""
    if not (word.islower() or word.isupper() or word.istitle()):
        return False
    skeleton = []
    tones = 0
    for char in word.lower():
        entry = _LETTERS.get(char)
        if entry is None:
            return False
        skeleton.append(entry[0])
        tones += entry[1]
    return tones <= 1 and _SYLLABLE.fullmatch("".join(skeleton)) is not None


@lru_cache(maxsize=1 << 16)
def _points(word: str) -> int:
    if len(word) < 2 or word.isascii():
        return 0
    return 1 if plausible(word) else -1


def score(text: str) -> int:
    """+1 for each word with a non-ASCII character that reads as Vietnamese, -1 for each that does not. Words of one
    character do not count: "«", "£", "×" or "¶" alone are signs in Unicode and letters in TCVN3 ("ô", "Ê", "ì",
    "ả"), which says nothing."""
    return sum(map(_points, _SEPARATORS.split(text)))


@lru_cache(maxsize=1 << 13)  # a column repeats its values: cells, positions, places, "Nam"/"Nữ"
def decide(text: str, *, hint: Encoding | None = None) -> tuple[Encoding, str]:
    """The encoding of one cell and the cell read in it (not yet NFC); see ``detect``."""
    if text.isascii():
        return Encoding.UNICODE, text
    text = text.translate(codec.C1_TO_CP1252)
    if _NOT_LEGACY.search(text):
        return Encoding.UNICODE, text
    readings = {}
    if _TCVN3_LETTER.search(text):
        decoded = codec.tcvn3_to_unicode(text)
        readings[Encoding.TCVN3] = (score(decoded), decoded)
    if _VNI_LETTER.search(text):
        decoded = codec.vni_to_unicode(text)
        readings[Encoding.VNI] = (score(decoded), decoded)
    if not readings:
        return Encoding.UNICODE, text
    as_it_is = score(text)
    if hint in readings and readings[hint][0] > 0 and readings[hint][0] >= as_it_is:
        return hint, readings[hint][1]
    best = max(points for points, _decoded in readings.values())
    winners = [encoding for encoding, (points, _decoded) in readings.items() if points == best]
    if best <= 0 or best <= as_it_is or len(winners) > 1:
        return Encoding.UNICODE, text
    return winners[0], readings[winners[0]][1]


def detect(text: str, *, hint: Encoding | None = None) -> Encoding:
    """The encoding of one cell. ``hint``: the encoding the rest of its column or sheet was found in; a cell that
    reads as Vietnamese in it, at least as well as it does as it is, is taken to be in it (the cells that alone are
    ambiguous: "Thò" is VNI for "Thị" and also the Unicode "Thò")."""
    return decide(text, hint=hint)[0]


def detect_column(texts: Iterable[str]) -> Encoding:
    """The encoding of a column (or a sheet): the legacy one that more than half of its decided cells are in (cells
    that are certainly Unicode count as decided, ambiguous and ASCII cells do not), else Unicode. Pass it to
    ``detect``/``repair`` as ``hint`` so that its ambiguous cells follow their column."""
    counts: Counter[Encoding] = Counter()
    for text in texts:
        if not text or text.isascii():
            continue
        if _NOT_LEGACY.search(text):
            counts[Encoding.UNICODE] += 1
        elif (encoding := detect(text)) != Encoding.UNICODE:
            counts[encoding] += 1
    decided = sum(counts.values())
    for encoding in (Encoding.TCVN3, Encoding.VNI):
        if counts[encoding] * 2 > decided:
            return encoding
    return Encoding.UNICODE
