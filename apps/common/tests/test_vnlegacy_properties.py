"""Properties of the legacy Vietnamese converter: Vietnamese text round-trips through both encodings, text already in
Unicode never changes, and a legacy sentence is recognised as the encoding it was written in.

Generation is derandomized (the same examples on every run), as in tests/test_fuzz_forms.py.
"""

import string
import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apps.common.vnlegacy import Encoding, codec, detect, from_unicode, repair, to_unicode
from apps.common.vnlegacy.detection import plausible

TCVN3, VNI, UNICODE = Encoding.TCVN3, Encoding.VNI, Encoding.UNICODE
derandomized = settings(derandomize=True, database=None, deadline=None, max_examples=75)

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
LOWER_LETTERS = sorted(
    {unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in TONES}
    | {"đ"}
    | set(string.ascii_lowercase)
)
LETTERS = LOWER_LETTERS + sorted({letter.upper() for letter in LOWER_LETTERS})
PUNCTUATION = " .,;:-()/'\"!?%–“”…"

# Syllables: initial consonant, vowels, final consonant, a tone on one of the vowels.
INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph"]
INITIALS += ["qu", "r", "s", "t", "th", "tr", "v", "x"]
OPEN = ["a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu"]
OPEN += ["oa", "oe", "oi", "ôi", "ơi", "ua", "uê", "ui", "uy", "ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "uôi"]
OPEN += ["uya", "ươi", "ươu", "uây"]
CLOSED = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "yê", "uô", "ươ", "oa", "oă", "oe", "uâ"]
CLOSED += ["uê", "uy", "uyê"]
FINALS = ["c", "ch", "m", "n", "ng", "nh", "p", "t"]


def _syllables() -> list[str]:
    """Every initial with every vowel group (and final) with every tone, the tone on the group's last vowel when a
    final follows, else on its first (where it goes does not matter here)."""
    found = []
    groups = [(vowels, "") for vowels in OPEN] + [(vowels, final) for vowels in CLOSED for final in FINALS]
    for initial in INITIALS:
        for vowels, final in groups:
            where = len(vowels) - 1 if final else 0
            for tone in TONES:
                toned = vowels[:where] + vowels[where] + tone + vowels[where + 1 :]
                found.append(unicodedata.normalize("NFC", initial + toned + final))
    return found


SYLLABLES = _syllables()
WORD = st.sampled_from(SYLLABLES)  # made once: a strategy over a long list is slow to make
WORD_WITH_INITIAL = st.sampled_from([syllable for syllable in SYLLABLES if syllable[0] in "bcdđghklmnpqrstvx"])


def cased(word: str, style: str) -> str:
    return {"lower": word, "title": word[:1].upper() + word[1:], "upper": word.upper()}[style]


SEPARATOR = st.sampled_from([" ", " ", " ", ", ", " - ", ": ", " 3 "])


@st.composite
def sentences(draw, *, styles=("lower", "title", "upper"), initial_required=False):
    style = draw(st.sampled_from(styles))
    words = draw(
        st.lists(st.tuples(WORD_WITH_INITIAL if initial_required else WORD, SEPARATOR), min_size=1, max_size=8)
    )
    return "".join(cased(word, style) + separator for word, separator in words).strip()


# --- round trips ---------------------------------------------------------------------------------------------------


@derandomized
@given(st.text(alphabet=LETTERS + list(string.digits + PUNCTUATION), max_size=40))
def test_any_vietnamese_text_round_trips_through_vni(text):
    assert to_unicode(from_unicode(text, VNI), VNI) == text


@derandomized
@given(st.text(alphabet=LOWER_LETTERS + list(string.digits + PUNCTUATION), max_size=40))
def test_lower_case_vietnamese_text_round_trips_through_tcvn3(text):
    assert to_unicode(from_unicode(text, TCVN3), TCVN3) == text


@derandomized
@given(st.text(alphabet=LETTERS + list(string.digits + PUNCTUATION), max_size=40))
def test_any_vietnamese_text_round_trips_through_tcvn3_but_for_the_case_of_toned_capitals(text):
    # TCVN3 keeps no capital with a tone mark: the letters come back, and only those without a capital position of
    # their own may change case (the case is inferred from the word and the cell)
    back = to_unicode(from_unicode(text, TCVN3), TCVN3)
    assert back.lower() == text.lower()
    for sent, got in zip(text, back, strict=True):
        assert sent == got or from_unicode(sent, TCVN3) == from_unicode(got, TCVN3)


@derandomized
@given(sentences(styles=("upper",)))
def test_words_in_capitals_round_trip_through_tcvn3(text):
    assume(sum(char in string.ascii_uppercase or char in "ĂÂÊÔƠƯĐ" for char in text) >= 2)
    assert to_unicode(from_unicode(text, TCVN3), TCVN3) == text


@derandomized
@given(sentences(styles=("title", "lower"), initial_required=True))
def test_capitalised_words_that_begin_with_a_consonant_round_trip_through_tcvn3(text):
    assert to_unicode(from_unicode(text, TCVN3), TCVN3) == text


# --- text already in Unicode ---------------------------------------------------------------------------------------

LEGACY = codec.TCVN3_LETTERS | codec.VNI_LETTERS | frozenset(map(chr, range(0x80, 0xA0)))


@derandomized
@given(
    st.text(st.characters(blacklist_characters=sorted(LEGACY), blacklist_categories=("Cs",))).map(
        lambda text: unicodedata.normalize("NFC", text)
    )
)
def test_unicode_text_without_legacy_characters_never_changes(text):
    assert detect(text) == UNICODE
    assert to_unicode(text) == text
    assert not repair(text).changed


@derandomized
@given(st.text(alphabet=LETTERS + list(string.digits + PUNCTUATION), min_size=1, max_size=40))
def test_text_with_a_letter_beyond_latin_1_is_unicode(text):
    assume(any(ord(char) > 0xFF for char in text))
    assert detect(text) == UNICODE
    assert to_unicode(text) == text


@derandomized
@given(sentences())
def test_vietnamese_sentences_in_unicode_never_change(text):
    assert detect(text) == UNICODE
    assert to_unicode(text) == text
    assert repair(text).text == text and not repair(text).decomposed


@derandomized
@given(sentences())
def test_decomposed_vietnamese_is_unicode_composed(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert detect(decomposed) == UNICODE
    fixed = repair(decomposed)
    assert fixed.text == text and fixed.encoding == UNICODE and fixed.decomposed == (decomposed != text)


# --- recognising a legacy sentence ---------------------------------------------------------------------------------

# Words of member lists and party documents.
WORDS = " ".join(
    (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Văn Thị Hữu Đức Minh Thu Hương",
        "Hồng Nhung Lan Anh Tuấn Dũng Hùng Thắng Quang Đạo Bình Hải Yến Phượng Thủy Chi bộ khu phố ấp thôn xã phường",
        "huyện tỉnh Đảng ủy ban kiểm tra đảng viên họp sinh hoạt nghị quyết công tác tháng năm ngày có mặt vắng",
        "lý do bí thư phó chủ tịch nhân dân hội đồng mặt trận tổ quốc cựu chiến binh phụ nữ thanh niên số thẻ chính",
        "thức dự bị giới thiệu",
    )
).split()


@derandomized
@given(st.lists(st.sampled_from(WORDS), min_size=4, max_size=10), st.sampled_from([TCVN3, VNI]))
def test_a_legacy_sentence_is_recognised(words, encoding):
    text = " ".join(words)
    legacy = from_unicode(text, encoding)
    found = detect(legacy)
    assert found in (encoding, UNICODE)  # never the other legacy encoding
    # Unless every word of it also reads as Unicode Vietnamese ("bé" is TCVN3's "bộ"), it is recognised.
    if any(not plausible(from_unicode(word, encoding)) for word in words):
        assert found == encoding
        assert to_unicode(legacy).lower() == text.lower()
