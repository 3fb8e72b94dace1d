"""The legacy Vietnamese font encodings, as the glyph positions of their fonts (pure data, no logic but the spelling).

A spreadsheet typed in a legacy font stores the font's byte positions; Excel hands them over as the code points those
bytes have in Windows-1252 (the same as Latin-1 from 0xA0 up, where every Vietnamese letter of these tables sits).
So a cell typed "Nguyễn Văn An" in .VnTime arrives as "NguyÔn V¨n An", in VNI-Times as "Nguyeãn Vaên An". Every
position below is written as ``\\xNN``, the byte (and the Latin-1 code point) of the font.

Sources, which agree on every position used here:
- Unikey's charset tables (``ukengine/tables/singlebyte/tcvn3.cpp`` and ``ukengine/tables/doublebytes/vni_win.cpp``
  in ibus-unikey), the converter most Vietnamese offices used to leave these fonts;
- the npm package vietnamese-conversion (``src/charsets.ts``, duydev/vietnamese-conversion), lower-case letters;
- GNU libiconv's TCVN-5712 (``lib/tcvn.h``), for TCVN3's lower-case letters and its seven capitals.

TCVN3 (ABC, TCVN 5712:1993 "VN3", fonts .VnTime, .VnArial …): one byte per letter. Only seven capitals have positions
of their own (Ă Â Ê Ô Ơ Ư Đ, 0xA1–0xA7); a capital with a tone mark shares the position of its lower-case letter
and shows as a capital only in the capital-letter fonts (.VnTimeH, .VnArialH …), so the text alone does not say
its case: the converter infers it from the word and the cell (see ``codec``). The full standard's "VN1" capitals in
the control range (0x01–0x17, 0x80–0x9F, and 0xAF, 0xBA, 0xBF, 0xC0–0xC5 …) are not part of the .VnTime fonts and
are not read: 0x80–0x9F are Windows-1252 punctuation in these fonts, as Unikey reads them.

VNI (VNI-Windows, fonts VNI-Times, VNI-Helve …): a letter is its base letter followed by one modifier (a tone, or a
circumflex/breve with or without a tone); ơ and ư are single characters (0xF4, 0xF6) followed by the tone; đ, the
toned i and ỵ are single characters. Capitals use the modifiers' capital forms (Unikey writes "AÙ" for Á); text
typed with a lower-case modifier after a capital base is read by the base's case.
"""

import unicodedata

# The tones in the order of every row below: none, sắc (acute), huyền (grave), hỏi (hook), ngã (tilde), nặng (dot).
TONE_NAMES = ("none", "sắc", "huyền", "hỏi", "ngã", "nặng")
TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")

# The twelve vowels of Vietnamese (lower case, without tone) and the one consonant with a mark.
VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")

# TCVN3: each vowel with each tone, lower case (the capital-letter fonts use the same positions).
TCVN3 = {
    "a": ("a", "\xb8", "\xb5", "\xb6", "\xb7", "\xb9"),  # a ¸ µ ¶ · ¹
    "ă": ("\xa8", "\xbe", "\xbb", "\xbc", "\xbd", "\xc6"),  # ¨ ¾ » ¼ ½ Æ
    "â": ("\xa9", "\xca", "\xc7", "\xc8", "\xc9", "\xcb"),  # © Ê Ç È É Ë
    "e": ("e", "\xd0", "\xcc", "\xce", "\xcf", "\xd1"),  # e Ð Ì Î Ï Ñ
    "ê": ("\xaa", "\xd5", "\xd2", "\xd3", "\xd4", "\xd6"),  # ª Õ Ò Ó Ô Ö
    "i": ("i", "\xdd", "\xd7", "\xd8", "\xdc", "\xde"),  # i Ý × Ø Ü Þ
    "o": ("o", "\xe3", "\xdf", "\xe1", "\xe2", "\xe4"),  # o ã ß á â ä
    "ô": ("\xab", "\xe8", "\xe5", "\xe6", "\xe7", "\xe9"),  # « è å æ ç é
    "ơ": ("\xac", "\xed", "\xea", "\xeb", "\xec", "\xee"),  # ¬ í ê ë ì î
    "u": ("u", "\xf3", "\xef", "\xf1", "\xf2", "\xf4"),  # u ó ï ñ ò ô
    "ư": ("\xad", "\xf8", "\xf5", "\xf6", "\xf7", "\xf9"),  # (soft hyphen) ø õ ö ÷ ù
    "y": ("y", "\xfd", "\xfa", "\xfb", "\xfc", "\xfe"),  # y ý ú û ü þ
}
TCVN3_D = "\xae"  # đ: ®
# The seven capitals with positions of their own (without tone).
TCVN3_CAPITALS = {
    "Ă": "\xa1",  # ¡
    "Â": "\xa2",  # ¢
    "Ê": "\xa3",  # £
    "Ô": "\xa4",  # ¤
    "Ơ": "\xa5",  # ¥
    "Ư": "\xa6",  # ¦
    "Đ": "\xa7",  # §
}

# VNI: the modifiers, lower case (capitals: their upper-case forms, e.g. "\xd9" Ù for "\xf9" ù).
VNI_TONE = ("", "\xf9", "\xf8", "\xfb", "\xf5", "\xef")  # ù ø û õ ï: after a, e, o, u, y, ơ, ư
VNI_CIRCUMFLEX = ("\xe2", "\xe1", "\xe0", "\xe5", "\xe3", "\xe4")  # â á à å ã ä: â ê ô (after a, e, o)
VNI_BREVE = ("\xea", "\xe9", "\xe8", "\xfa", "\xfc", "\xeb")  # ê é è ú ü ë: ă (after a)
VNI_I = ("i", "\xed", "\xec", "\xe6", "\xf3", "\xf2")  # i í ì æ ó ò: i with its tone, one character
VNI_O_HORN = "\xf4"  # ô: ơ, then its tone
VNI_U_HORN = "\xf6"  # ö: ư, then its tone
VNI_Y_DOT = "\xee"  # î: ỵ (the other toned y are "y" + tone)
VNI_D = "\xf1"  # ñ: đ


def vietnamese(vowel: str, tone: int) -> str:
    """The Unicode letter (NFC) of a vowel of ``VOWELS`` with tone ``tone`` (an index of ``TONE_NAMES``)."""
    return unicodedata.normalize("NFC", vowel + TONE_MARKS[tone])


def vni(vowel: str, tone: int) -> str:
    """The VNI spelling (lower case) of a vowel of ``VOWELS`` with tone ``tone``."""
    match vowel:
        case "ă":
            return "a" + VNI_BREVE[tone]
        case "â" | "ê" | "ô":
            return {"â": "a", "ê": "e", "ô": "o"}[vowel] + VNI_CIRCUMFLEX[tone]
        case "i":
            return VNI_I[tone]
        case "ơ":
            return VNI_O_HORN + VNI_TONE[tone]
        case "ư":
            return VNI_U_HORN + VNI_TONE[tone]
        case "y" if tone == 5:
            return VNI_Y_DOT
        case _:
            return vowel + VNI_TONE[tone]
