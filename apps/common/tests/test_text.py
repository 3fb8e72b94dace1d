import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from apps.common.text import nfc, search_key


def test_search_key_folds_vietnamese():
    assert search_key("Chi bộ 21") == "chi bo 21"
    assert search_key("Đảng bộ xã Đông Cửu") == "dang bo xa dong cuu"
    assert search_key("  Chi   BỘ  ") == "chi bo"


def test_nfc_composes_legacy_input():
    assert nfc("Nguye\u0302\u0303n") == "Nguyễn"


@given(st.text())
def test_nfc_is_idempotent_and_normalised(value):
    once = nfc(value)
    assert nfc(once) == once and unicodedata.is_normalized("NFC", once)


@given(st.text())
def test_search_key_is_the_same_for_nfc_and_nfd(value):
    assert search_key(unicodedata.normalize("NFD", value)) == search_key(unicodedata.normalize("NFC", value))


def test_bidirectional_controls_are_dropped_so_a_name_displays_as_typed():
    assert nfc("Lê Văn \u202eAn\u202c") == "Lê Văn An"
    assert nfc("\u2067Chi bộ 21\u2069 ") == "Chi bộ 21"
