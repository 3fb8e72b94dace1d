"""The legacy Vietnamese converter (issue 14, point 3): every letter with every tone in both encodings, names and
sentences as they come out of old spreadsheets, the cells that must stay as they are, and tidying names.

The expected legacy spellings are written out here from the sources named in apps/common/vnlegacy/tables.py
(Unikey's charset tables, GNU libiconv's TCVN-5712, the vietnamese-conversion package), not computed from the
converter's tables, so the two check each other. Properties are in test_vnlegacy_properties.py.
"""

import unicodedata

import pytest

from apps.common.vnlegacy import (
    Encoding,
    Repair,
    decode_cp1252,
    detect,
    detect_column,
    from_unicode,
    repair,
    tidy_name,
    to_unicode,
)

TCVN3, VNI, UNICODE = Encoding.TCVN3, Encoding.VNI, Encoding.UNICODE

# Each row: the letter with no tone, sắc, huyền, hỏi, ngã, nặng.
LETTERS = {
    "a": "a á à ả ã ạ",
    "ă": "ă ắ ằ ẳ ẵ ặ",
    "â": "â ấ ầ ẩ ẫ ậ",
    "e": "e é è ẻ ẽ ẹ",
    "ê": "ê ế ề ể ễ ệ",
    "i": "i í ì ỉ ĩ ị",
    "o": "o ó ò ỏ õ ọ",
    "ô": "ô ố ồ ổ ỗ ộ",
    "ơ": "ơ ớ ờ ở ỡ ợ",
    "u": "u ú ù ủ ũ ụ",
    "ư": "ư ứ ừ ử ữ ự",
    "y": "y ý ỳ ỷ ỹ ỵ",
    "đ": "đ",
}
# TCVN3 (.VnTime), lower case: the font's positions as Windows-1252 characters ("\xad", the soft hyphen, is ư).
TCVN3_LOWER = {
    "a": "a ¸ µ ¶ · ¹",
    "ă": "¨ ¾ » ¼ ½ Æ",
    "â": "© Ê Ç È É Ë",
    "e": "e Ð Ì Î Ï Ñ",
    "ê": "ª Õ Ò Ó Ô Ö",
    "i": "i Ý × Ø Ü Þ",
    "o": "o ã ß á â ä",
    "ô": "« è å æ ç é",
    "ơ": "¬ í ê ë ì î",
    "u": "u ó ï ñ ò ô",
    "ư": "\xad ø õ ö ÷ ù",
    "y": "y ý ú û ü þ",
    "đ": "®",
}
# TCVN3 capitals: seven have positions of their own; with a tone mark a capital takes the lower-case position.
TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}
# VNI (VNI-Times): base letter + modifier; ơ ư đ, the toned i and ỵ are single characters.
VNI_LOWER = {
    "a": "a aù aø aû aõ aï",
    "ă": "aê aé aè aú aü aë",
    "â": "aâ aá aà aå aã aä",
    "e": "e eù eø eû eõ eï",
    "ê": "eâ eá eà eå eã eä",
    "i": "i í ì æ ó ò",
    "o": "o où oø oû oõ oï",
    "ô": "oâ oá oà oå oã oä",
    "ơ": "ô ôù ôø ôû ôõ ôï",
    "u": "u uù uø uû uõ uï",
    "ư": "ö öù öø öû öõ öï",
    "y": "y yù yø yû yõ î",
    "đ": "ñ",
}
VNI_UPPER = {
    "a": "A AÙ AØ AÛ AÕ AÏ",
    "ă": "AÊ AÉ AÈ AÚ AÜ AË",
    "â": "AÂ AÁ AÀ AÅ AÃ AÄ",
    "e": "E EÙ EØ EÛ EÕ EÏ",
    "ê": "EÂ EÁ EÀ EÅ EÃ EÄ",
    "i": "I Í Ì Æ Ó Ò",
    "o": "O OÙ OØ OÛ OÕ OÏ",
    "ô": "OÂ OÁ OÀ OÅ OÃ OÄ",
    "ơ": "Ô ÔÙ ÔØ ÔÛ ÔÕ ÔÏ",
    "u": "U UÙ UØ UÛ UÕ UÏ",
    "ư": "Ö ÖÙ ÖØ ÖÛ ÖÕ ÖÏ",
    "y": "Y YÙ YØ YÛ YÕ Î",
    "đ": "Ñ",
}


def _rows(legacy: dict[str, str], upper: bool = False) -> list[tuple[str, str]]:
    pairs = []
    for vowel, letters in LETTERS.items():
        for letter, spelled in zip(letters.split(), legacy[vowel].split(), strict=True):
            pairs.append((letter.upper() if upper else letter, spelled))
    return pairs


TCVN3_ROWS = _rows(TCVN3_LOWER)
VNI_ROWS = _rows(VNI_LOWER)
VNI_UPPER_ROWS = _rows(VNI_UPPER, upper=True)
# Capitals in TCVN3: the seven of their own, the others as the lower-case position.
TCVN3_UPPER_ROWS = [
    (letter.upper(), TCVN3_CAPITALS.get(letter.upper(), spelled.upper() if spelled.isascii() else spelled))
    for letter, spelled in TCVN3_ROWS
]


def test_the_table_covers_every_letter_with_every_tone_in_both_cases():
    assert len(TCVN3_ROWS) == len(VNI_ROWS) == len(VNI_UPPER_ROWS) == len(TCVN3_UPPER_ROWS) == 12 * 6 + 1
    letters = {letter for letter, _ in TCVN3_ROWS + TCVN3_UPPER_ROWS}
    assert len(letters) == 2 * (12 * 6 + 1)
    assert all(unicodedata.is_normalized("NFC", letter) and len(letter) == 1 for letter in letters)


@pytest.mark.parametrize(("letter", "spelled"), TCVN3_ROWS + VNI_ROWS, ids=repr)
def test_each_lower_case_letter_in_each_encoding(letter, spelled):
    encoding = TCVN3 if (letter, spelled) in TCVN3_ROWS else VNI
    if (letter, spelled) in TCVN3_ROWS and (letter, spelled) in VNI_ROWS:  # a, e, i, o, u, y
        assert spelled == letter
    assert from_unicode(letter, encoding) == spelled
    assert to_unicode(spelled, encoding) == letter
    assert to_unicode(from_unicode(letter, encoding), encoding) == letter


@pytest.mark.parametrize(("letter", "spelled"), VNI_UPPER_ROWS, ids=repr)
def test_each_capital_in_vni(letter, spelled):
    assert from_unicode(letter, VNI) == spelled
    assert to_unicode(spelled, VNI) == letter
    # typed with the lower-case modifier after a capital ("Aù"): the base letter gives the case
    assert to_unicode(spelled[0] + spelled[1:].lower(), VNI) == letter


@pytest.mark.parametrize(("letter", "spelled"), TCVN3_UPPER_ROWS, ids=repr)
def test_each_capital_in_tcvn3(letter, spelled):
    assert from_unicode(letter, TCVN3) == spelled
    own_position = letter in TCVN3_CAPITALS or spelled.isascii()
    # Alone, a toned capital reads as its lower-case letter (its capital was only the .VnTimeH font's) ...
    assert to_unicode(spelled, TCVN3) == (letter if own_position else letter.lower())
    # ... and as a capital in a word of capitals.
    assert to_unicode(f"N{spelled}N", TCVN3) == f"N{letter}N"
    assert to_unicode(from_unicode(f"N{letter}N", TCVN3), TCVN3) == f"N{letter}N"


NAMES = [
    # Unicode, TCVN3 (.VnTime), VNI (VNI-Times)
    ("Nguyễn Văn An", "NguyÔn V¨n An", "Nguyeãn Vaên An"),
    ("Nguyễn Thị Hồng Nhung", "NguyÔn ThÞ Hång Nhung", "Nguyeãn Thò Hoàng Nhung"),
    ("Chi bộ khu phố 3", "Chi bé khu phè 3", "Chi boä khu phoá 3"),
    ("Đảng ủy phường Bến Nghé", "§¶ng ñy ph\xadêng BÕn NghÐ", "Ñaûng uûy phöôøng Beán Ngheù"),
    ("Trần Thị Thu Hương", "TrÇn ThÞ Thu H\xad¬ng", "Traàn Thò Thu Höông"),
    ("Lê Quang Đạo", "Lª Quang §¹o", "Leâ Quang Ñaïo"),
    ("Phạm Ngọc Ánh", "Ph¹m Ngäc ¸nh", "Phaïm Ngoïc AÙnh"),
    ("Ủy ban kiểm tra Đảng ủy xã", "ñy ban kiÓm tra §¶ng ñy x·", "UÛy ban kieåm tra Ñaûng uûy xaõ"),
    ("Họ và tên", "Hä vµ tªn", "Hoï vaø teân"),
    ("HỌ VÀ TÊN", "Hä Vµ T£N", "HOÏ VAØ TEÂN"),
    ("NGUYỄN VĂN ƯỚC", "NGUYÔN V¡N ¦íC", "NGUYEÃN VAÊN ÖÔÙC"),
    ("Ngày vào Đảng: 03/02/1975", "Ngµy vµo §¶ng: 03/02/1975", "Ngaøy vaøo Ñaûng: 03/02/1975"),
    ("Số thẻ đảng viên", "Sè thÎ ®¶ng viªn", "Soá theû ñaûng vieân"),
    (
        "Người giới thiệu – bí thư chi bộ",
        "Ng\xadêi giíi thiÖu – bÝ th\xad chi bé",
        "Ngöôøi giôùi thieäu – bí thö chi boä",
    ),
]


# TCVN3 has no position for a capital with a tone mark: alone in a lower-case word it reads lower case.
TCVN3_READS = {
    "Phạm Ngọc Ánh": "Phạm Ngọc ánh",
    "Ủy ban kiểm tra Đảng ủy xã": "ủy ban kiểm tra Đảng ủy xã",
}
# Every word also reads as Unicode Vietnamese ("bé", "phè"): alone, the cell stays as it is; its column decides.
AMBIGUOUS_ALONE = {"Chi bé khu phè 3"}


@pytest.mark.parametrize(("text", "tcvn3", "vni"), NAMES, ids=lambda value: value)
def test_names_and_sentences_as_old_spreadsheets_hold_them(text, tcvn3, vni):
    assert from_unicode(text, TCVN3) == tcvn3
    assert from_unicode(text, VNI) == vni
    tcvn3_reads = TCVN3_READS.get(text, text)
    if tcvn3 in AMBIGUOUS_ALONE:
        assert repair(tcvn3) == Repair(text=tcvn3, original=tcvn3, encoding=UNICODE, decomposed=False)
        assert repair(tcvn3, hint=TCVN3).text == tcvn3_reads
    else:
        assert repair(tcvn3) == Repair(text=tcvn3_reads, original=tcvn3, encoding=TCVN3, decomposed=False)
        assert repair(tcvn3).changed
    assert repair(vni) == Repair(text=text, original=vni, encoding=VNI, decomposed=False)
    assert repair(vni).changed
    assert repair(text) == Repair(text=text, original=text, encoding=UNICODE, decomposed=False)
    assert not repair(text).changed
    assert to_unicode(tcvn3, TCVN3) == tcvn3_reads
    assert to_unicode(vni, VNI) == text


def test_a_name_of_toned_capitals_gets_its_capitals_back_from_tidy_name():
    assert tidy_name(to_unicode("Ph¹m Ngäc ¸nh")) == "Phạm Ngọc Ánh"
    assert tidy_name(to_unicode("¤ng ¦íc")) == "Ông Ước"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Nguyen Van An",
        "Party cell 21 - meeting minutes",
        "Café",
        "Crème brûlée",
        "Müller",
        "Noël Zoë",
        "José Peña",
        "São Paulo",
        "Ångström",
        "Bjørn Søren",
        "Straße",
        "Giá: £5 ± 2",
        "«Tô Hoài»",
        "25°C",
        "¿Qué tal?",
        "© 2020 Công ty",
        "Ô",
        "Ông",
        "Ông Tô",
        "Tô Thị Ô",
        "Ô Môn",
        "Tô Hoài",
        "Lê Hà",
        "Hoà Bình",
        "Hoàng",
        "Thò",
        "Cà phê",
        "Gò Vấp",
        "Tôn Đức Thắng",
        "Võ Văn Kiệt",
        "Bà Rịa – Vũng Tàu",
    ],
)
def test_ascii_english_european_and_unicode_vietnamese_stay_as_they_are(text):
    assert detect(text) == UNICODE
    assert to_unicode(text) == text
    assert repair(text) == Repair(text=text, original=text, encoding=UNICODE, decomposed=False)


@pytest.mark.parametrize(
    ("text", "encoding", "other_reading"),
    [
        ("Tô", TCVN3, "Tụ"),  # "Tô" in Unicode, "Tụ" in TCVN3
        ("Bé Ba", TCVN3, "Bộ Ba"),
        ("Hoàng", VNI, "Hồng"),  # the common name, or "Hồng" in VNI
        ("Thò", VNI, "Thị"),
        ("Hoà", VNI, "Hồ"),
        ("Khai trõ", TCVN3, "Khai trừ"),
    ],
)
def test_an_ambiguous_cell_stays_unicode_unless_its_column_says_otherwise(text, encoding, other_reading):
    assert detect(text) == UNICODE
    assert to_unicode(text, encoding) == other_reading
    assert repair(text, hint=encoding).text == other_reading
    assert repair(text, hint=UNICODE).text == text


def test_a_column_gives_its_encoding_to_its_ambiguous_cells():
    column = ["Nguyeãn Thò Hoa", "Thò", "Leâ Vaên Ba", "Traàn Thò Thu Höông", "Hoàng", "Nguyen An", None, ""]
    assert detect_column(column) == VNI
    assert [repair(text, hint=VNI).text for text in column[:5]] == [
        "Nguyễn Thị Hoa",
        "Thị",
        "Lê Văn Ba",
        "Trần Thị Thu Hương",
        "Hồng",
    ]
    assert detect_column(["NguyÔn V¨n An", "Tô", "Lª ThÞ Hoa"]) == TCVN3
    # mostly Unicode, one legacy cell: the ambiguous cells stay as they are
    assert detect_column(["Nguyễn Văn An", "Lê Thị Hoa", "NguyÔn V¨n Ba", "Tô"]) == UNICODE
    assert detect_column(["Tô", "Hoà", "An"]) == UNICODE


def test_a_legacy_name_with_one_toned_capital_is_recognised():
    assert repair("¤ng").text == "Ông"  # ¤: TCVN3's own capital Ô
    assert repair("NguyÔn").text == "Nguyễn"  # Ô here is TCVN3's ễ, not the Unicode capital
    assert repair("Nguyeãn").text == "Nguyễn"
    assert repair("Ñinh").text == "Đinh"


def test_decomposed_unicode_is_composed_and_noted():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    assert detect(decomposed) == UNICODE
    assert repair(decomposed) == Repair(
        text="Nguyễn Thị Hồng Nhung", original=decomposed, encoding=UNICODE, decomposed=True
    )
    assert repair(decomposed).changed
    assert to_unicode(decomposed) == "Nguyễn Thị Hồng Nhung"


def test_windows_1252_punctuation_arrives_either_way():
    # bytes 0x80–0x9F: Excel hands over the Windows-1252 character or (read as Latin-1) the C1 control
    for dash, quote in (("\u2013", "\u201c"), ("\x96", "\x93")):
        assert repair(f"NguyÔn V¨n An {dash} {quote}Chi bé 3\u201d").text == "Nguyễn Văn An – “Chi bộ 3”"
        assert repair(f"Nguyeãn Vaên An {dash} {quote}Chi boä 3\u201d").text == "Nguyễn Văn An – “Chi bộ 3”"
    assert repair("don\x92t").text == "don’t"
    assert repair("Nguyễn\x92s").text == to_unicode("Nguyễn\x92s") == "Nguyễn’s"
    assert decode_cp1252("NguyÔn V¨n An \x96 \x81".encode("latin-1")) == "NguyÔn V¨n An – \x81"


def test_what_is_not_vietnamese_passes_through_a_conversion():
    assert to_unicode("Tæ 3 – 15% (x2)", TCVN3) == "Tổ 3 – 15% (x2)"
    assert to_unicode("Toå 3 – 15% (x2)", VNI) == "Tổ 3 – 15% (x2)"
    assert from_unicode("Tổ 3 – 15% (x2) 😀", VNI) == "Toå 3 – 15% (x2) 😀"
    assert to_unicode("quaân", VNI) == "quân" and to_unicode("quân", VNI) == "quân"  # "uâ" is not a VNI letter


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("NGUYỄN  văn an", "Nguyễn Văn An"),
        ("  nguyễn\u00a0thị   hồng nhung ", "Nguyễn Thị Hồng Nhung"),
        ("đinh công ĐẠT", "Đinh Công Đạt"),
        ("ðinh ÐỨC", "Đinh Đức"),  # Icelandic eth typed for đ
        ("lê\tthị\nhoa", "Lê Thị Hoa"),
        ("trần\u200b văn bình", "Trần Văn Bình"),
        ("h'hen niê", "H'Hen Niê"),
        ("y-moan ênuôl", "Y-Moan Ênuôl"),
        ("nguyễn văn an 2", "Nguyễn Văn An 2"),
        ("tổ 3A khu phố 12b", "Tổ 3A Khu Phố 12b"),
        ("ủy viên", "Ủy Viên"),
        ("(nguyễn) văn", "(Nguyễn) Văn"),
        ("", ""),
        (unicodedata.normalize("NFD", "NGUYỄN THỊ ÁNH"), "Nguyễn Thị Ánh"),
    ],
)
def test_tidy_name(typed, tidy):
    assert tidy_name(typed) == tidy
    assert unicodedata.is_normalized("NFC", tidy_name(typed))
    assert tidy_name(tidy_name(typed)) == tidy_name(typed)
