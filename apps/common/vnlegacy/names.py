"""Tidying a person's name as typed in a spreadsheet: spacing and capitals."""

import re
import unicodedata

# Invisible characters pasted along with names: zero-width spaces and joiners, the word joiner, the byte-order mark,
# and the bidirectional controls (apps.common.text.nfc drops those too).
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
# Ð/ð (Icelandic eth, U+00D0/U+00F0) typed for Đ/đ (U+0110/U+0111): they look alike, but "ð" capitalises to "Ð".
_CLEAN = {**_INVISIBLE, 0xD0: "Đ", 0xF0: "đ"}
_PARTS = re.compile(r"(['’\-])")  # H'Hen, K'Sor, Y-Moan: each part begins with a capital


def _capitalise(part: str) -> str:
    lowered = part.lower()
    for index, char in enumerate(lowered):
        if char.isalpha():
            return lowered[:index] + char.upper() + lowered[index + 1 :]
    return lowered


def _word(word: str) -> str:
    if word.isalpha():
        return word.capitalize()
    if any(char.isdigit() for char in word):
        return word  # "3A", "K8": a code, as typed
    return "".join(part if _PARTS.fullmatch(part) else _capitalise(part) for part in _PARTS.split(word))


def tidy_name(text: str) -> str:
    """Spaces collapsed (no-break spaces included) and trimmed, each word with a capital first and the rest in
    lower case ("NGUYỄN  văn an" → "Nguyễn Văn An"), words with digits untouched; NFC."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    tidy = " ".join(map(_word, text.translate(_CLEAN).split()))
    return tidy if unicodedata.is_normalized("NFC", tidy) else unicodedata.normalize("NFC", tidy)
