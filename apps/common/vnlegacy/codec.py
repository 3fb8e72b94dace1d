"""Converting between Unicode and the legacy encodings, with tables compiled once at import (``str.translate`` and
one regular expression per direction), so that a hundred thousand names convert in well under a second."""

import re
import unicodedata
from enum import StrEnum

from apps.common.vnlegacy import tables


class Encoding(StrEnum):
    UNICODE = "unicode"
    TCVN3 = "tcvn3"
    VNI = "vni"


def _c1_to_cp1252() -> dict[int, str]:
    """U+0080–U+009F, the C1 controls: what a Windows-1252 byte of 0x80–0x9F becomes when read as Latin-1. Excel
    and CSV readers hand over either form ("’" or "\\x92"); both mean the Windows-1252 character."""
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in Windows-1252, left as they are
            continue
    return table


C1_TO_CP1252 = _c1_to_cp1252()


def decode_cp1252(data: bytes) -> str:
    """Bytes of an 8-bit file (a CSV saved by old Excel) as text: Windows-1252, the five bytes it leaves undefined
    read as Latin-1, so that nothing is lost and the legacy converters see their byte positions."""
    return data.decode("latin-1").translate(C1_TO_CP1252)


# --- TCVN3 ---------------------------------------------------------------------------------------------------------


def _tcvn3_tables() -> tuple[dict[int, str], dict[int, str]]:
    decode: dict[int, str] = dict(C1_TO_CP1252)
    encode: dict[int, str] = {}
    for vowel, row in tables.TCVN3.items():
        for tone, position in enumerate(row):
            lower = tables.vietnamese(vowel, tone)
            upper = lower.upper()
            if position != lower:
                decode[ord(position)] = lower
                encode[ord(lower)] = position
            if upper != lower and position.isascii():
                continue  # A E I O U Y: themselves
            if upper != lower:
                # A capital with a tone mark has no position of its own: the lower-case one (shown as a capital by
                # the .VnTimeH fonts), except the seven capitals of TCVN3_CAPITALS.
                encode[ord(upper)] = tables.TCVN3_CAPITALS.get(upper, position)
    for capital, position in tables.TCVN3_CAPITALS.items():
        decode[ord(position)] = capital
    decode[ord(tables.TCVN3_D)] = "đ"
    encode[ord("đ")] = tables.TCVN3_D
    encode[ord("Đ")] = tables.TCVN3_CAPITALS["Đ"]
    return decode, encode


TCVN3_DECODE, TCVN3_ENCODE = _tcvn3_tables()
# The characters that are TCVN3 letters (ý, 0xFD, is its own position).
TCVN3_LETTERS = frozenset(
    char
    for char in "".join((*(map("".join, tables.TCVN3.values())), *tables.TCVN3_CAPITALS.values(), tables.TCVN3_D))
    if not char.isascii()
)

# The letters whose case a TCVN3 text tells: ASCII letters and the seven letters with positions for both cases (a
# typist wanting the capital used its position); decoded, they are the capitals and these lower-case letters. The
# toned letters have one position, shown as a capital by the .VnTimeH fonts only: their case is uncertain.
_CERTAIN_LOWER = "a-zăâêôơưđ"
_HAS_CERTAIN_LOWER = re.compile(f"[{_CERTAIN_LOWER}]")
# A word (letters, not after or before another letter) without a certain lower-case letter.
_WORD_WITHOUT_LOWER = re.compile(rf"(?<![^\W\d_])[^\W\d_{_CERTAIN_LOWER}]+(?![^\W\d_])")


def _tcvn3_case(decoded: str) -> str:
    """Give capitals back to the toned letters of a decoded TCVN3 text where the text shows they were capitals:
    a word without a certain lower-case letter and with two capitals ("NGUYÔN" → "NGUYỄN") is a capital word, and so
    is every such word of a cell without a certain lower-case letter but with two capitals ("Hä Vµ T£N" → "HỌ VÀ
    TÊN"). Anything else stays lower case: "¸nh" is "ánh", "ñy ban" is "ủy ban", though a capital may have been the
    font's (names get theirs back from ``tidy_name``; capitalising the first word of a cell, or every word of a cell
    of capitalised words, would be as often wrong: "Đảng ủy", "ủy viên")."""
    all_caps = not _HAS_CERTAIN_LOWER.search(decoded) and sum(map(str.isupper, decoded)) >= 2

    def capitals(match: re.Match) -> str:
        word = match.group()
        return word.upper() if all_caps or sum(map(str.isupper, word)) >= 2 else word

    return _WORD_WITHOUT_LOWER.sub(capitals, decoded)


def tcvn3_to_unicode(text: str) -> str:
    decoded = text.translate(TCVN3_DECODE)
    return _tcvn3_case(decoded) if not decoded.isascii() else decoded


def unicode_to_tcvn3(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(TCVN3_ENCODE)


# --- VNI -----------------------------------------------------------------------------------------------------------


def _vni_tables() -> tuple[dict[str, str], dict[int, str], dict[int, str]]:
    pairs: dict[str, str] = {}  # base + modifier, every mix of cases → the letter (case of the base)
    singles: dict[int, str] = dict(C1_TO_CP1252)
    encode: dict[int, str] = {}
    for vowel in tables.VOWELS:
        for tone in range(len(tables.TONE_NAMES)):
            lower = tables.vietnamese(vowel, tone)
            upper = lower.upper()
            spelling = tables.vni(vowel, tone)
            if spelling != lower:
                encode[ord(lower)] = spelling
                encode[ord(upper)] = spelling.upper()
            if len(spelling) == 1:
                if spelling != lower:
                    singles[ord(spelling)] = lower
                    singles[ord(spelling.upper())] = upper
                continue
            base, modifier = spelling[0], spelling[1]
            for base_form, letter in ((base, lower), (base.upper(), upper)):
                for modifier_form in (modifier, modifier.upper()):
                    pairs[base_form + modifier_form] = letter
    # Lenient: "i" followed by a tone modifier (some converters wrote the toned i so) is the toned i.
    for tone in range(1, len(tables.TONE_NAMES)):
        lower = tables.vietnamese("i", tone)
        for base_form, letter in (("i", lower), ("I", lower.upper())):
            for modifier_form in (tables.VNI_TONE[tone], tables.VNI_TONE[tone].upper()):
                pairs[base_form + modifier_form] = letter
    singles[ord(tables.VNI_D)] = "đ"
    singles[ord(tables.VNI_D.upper())] = "Đ"
    encode[ord("đ")] = tables.VNI_D
    encode[ord("Đ")] = tables.VNI_D.upper()
    return pairs, singles, encode


VNI_PAIRS, VNI_SINGLES, VNI_ENCODE = _vni_tables()
VNI_BASES = frozenset(pair[0] for pair in VNI_PAIRS)
VNI_MODIFIERS = frozenset(pair[1] for pair in VNI_PAIRS)
# The characters that mean something in VNI (modifiers and single letters, without the C1 controls).
VNI_LETTERS = VNI_MODIFIERS | frozenset(chr(code) for code in VNI_SINGLES if code >= 0xA0)
assert not VNI_MODIFIERS & VNI_BASES and not VNI_MODIFIERS & {chr(code) for code in VNI_SINGLES}


def _char_class(chars) -> str:
    return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"


# A base letter and a modifier, or a single character. Modifiers are never bases nor single letters, so a pair that
# is not a letter (Unicode "uâ" read as VNI) can be given back character by character.
_VNI_SEQUENCE = re.compile(
    _char_class(VNI_BASES) + _char_class(VNI_MODIFIERS) + "|" + _char_class(map(chr, VNI_SINGLES))
)


def _vni_letter(match: re.Match) -> str:
    sequence = match.group()
    return VNI_PAIRS.get(sequence) or sequence.translate(VNI_SINGLES)


def vni_to_unicode(text: str) -> str:
    return _VNI_SEQUENCE.sub(_vni_letter, text)


def unicode_to_vni(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(VNI_ENCODE)
