"""Legacy Vietnamese text (TCVN3/ABC ".VnTime" and VNI "VNI-Times" fonts, decomposed Unicode) to Unicode NFC.

Pure Python (the standard library only), so the import pipeline's rules can use it without Django:

    >>> repair("NguyÔn V¨n An")
    Repair(text='Nguyễn Văn An', original='NguyÔn V¨n An', encoding=<Encoding.TCVN3: 'tcvn3'>, decomposed=False)
    >>> to_unicode("Nguyeãn Vaên An")
    'Nguyễn Văn An'
    >>> tidy_name("NGUYỄN  văn an")
    'Nguyễn Văn An'

Detection is per cell and prefers Unicode when unsure (see ``detection``); the tables and their sources are in
``tables``; what the text alone cannot tell (a TCVN3 capital with a tone mark) is in ``codec._tcvn3_case``.
"""

import unicodedata
from dataclasses import dataclass

from apps.common.vnlegacy import codec, detection
from apps.common.vnlegacy.codec import Encoding, decode_cp1252
from apps.common.vnlegacy.detection import detect, detect_column
from apps.common.vnlegacy.names import tidy_name

__all__ = [
    "Encoding",
    "Repair",
    "decode_cp1252",
    "detect",
    "detect_column",
    "from_unicode",
    "repair",
    "tidy_name",
    "to_unicode",
]


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def to_unicode(text: str, encoding: Encoding | None = None) -> str:
    """``text`` in Unicode NFC. ``encoding``: what it is in (None: detect it). Text already in Unicode comes back
    as it is, but composed (NFC) and with the C1 controls U+0080–U+009F, which only come from Windows-1252 bytes
    read as Latin-1, as the Windows-1252 characters they stand for."""
    if text.isascii():
        return text
    if encoding is None:
        return _nfc(detection.decide(text)[1])
    if encoding == Encoding.TCVN3:
        return _nfc(codec.tcvn3_to_unicode(text))
    if encoding == Encoding.VNI:
        return _nfc(codec.vni_to_unicode(text))
    return _nfc(text.translate(codec.C1_TO_CP1252))


def from_unicode(text: str, encoding: Encoding) -> str:
    """``text`` as a legacy font would hold it (for fixtures and tests); Unicode: NFC. In TCVN3 a capital with a
    tone mark takes its lower-case letter's position, as the capital-letter fonts (.VnTimeH) do."""
    if encoding == Encoding.TCVN3:
        return codec.unicode_to_tcvn3(text)
    if encoding == Encoding.VNI:
        return codec.unicode_to_vni(text)
    return _nfc(text)


@dataclass(frozen=True)
class Repair:
    text: str  # Unicode NFC
    original: str
    encoding: Encoding  # what the original was found to be in
    decomposed: bool  # Unicode, but not composed (NFD or partly)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def repair(text: str, *, hint: Encoding | None = None) -> Repair:
    """Detect ``text``'s encoding (``hint``: its column's, see ``detect``) and convert it to Unicode NFC."""
    encoding, converted = detection.decide(text, hint=hint)
    return Repair(
        text=_nfc(converted),
        original=text,
        encoding=encoding,
        decomposed=encoding == Encoding.UNICODE and not unicodedata.is_normalized("NFC", text),
    )
