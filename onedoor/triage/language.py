"""Which language a contact is written in, with lingua (``lingua-language-detector``).

The detector is restricted to the languages most spoken in Scotland (census 2022 and interpreter
requests), which makes it faster and far more accurate on short messages than asking about all 75
languages lingua knows. Scottish Gaelic is not in lingua; Irish is, and it recognises Gaelic
messages reliably, so a message in either is reported as "Irish or Scottish Gaelic" (code ``ga``).
Punjabi here means Gurmukhi script; Punjabi written in Shahmukhi (Arabic script) is reported as
Urdu, and Punjabi, Urdu or Hindi typed in Latin letters ("mujhe madad chahiye") is not recognised
by lingua at all (the engine's cheap word check still flags it as not English).

``detect_language(text)`` is pure and deterministic. The detector is built once, on first use
(about 1 s with every model preloaded; call ``preload()`` at startup to pay that before the first
contact); a call then takes about 0.3 ms for a typical message.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

# lingua Language names, in rough order of how many people in Scotland speak them.
SUPPORTED: tuple[str, ...] = (
    "ENGLISH",
    "POLISH",
    "IRISH",  # stands in for Scottish Gaelic, which lingua does not have
    "URDU",
    "PUNJABI",
    "ARABIC",
    "CHINESE",
    "ROMANIAN",
    "UKRAINIAN",
    "RUSSIAN",
    "FRENCH",
    "SPANISH",
    "ITALIAN",
    "PORTUGUESE",
    "LITHUANIAN",
    "LATVIAN",
    "BENGALI",
    "HINDI",
    "TURKISH",
    "GERMAN",
)
# How we name them to staff (and the interpreter booking).
NAMES: dict[str, str] = {
    "en": "English", "pl": "Polish", "ga": "Irish or Scottish Gaelic", "ur": "Urdu", "pa": "Punjabi",
    "ar": "Arabic", "zh": "Chinese", "ro": "Romanian", "uk": "Ukrainian", "ru": "Russian", "fr": "French",
    "es": "Spanish", "it": "Italian", "pt": "Portuguese", "lt": "Lithuanian", "lv": "Latvian",
    "bn": "Bengali", "hi": "Hindi", "tr": "Turkish", "de": "German",
}
# Shorter Latin-script text is not judged: single words mislead lingua ("Leith" looks Irish,
# "naw" Polish, "hiya" Turkish). Text in another script is judged from a couple of letters.
MIN_WORDS = 3
MIN_LETTERS = 12
MAX_CHARS = 2_000  # the start of a long message is enough, and keeps a call fast

# A letter of any script, and a letter of any script but Latin (shared with the engine's word check).
LETTER = re.compile(r"[^\W\d_]")
NON_LATIN = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
# Capitalised words are mostly names ("Agnieszka Kowalska", "Leith Walk", "Samsung"), and names
# pull lingua towards the language they come from, so they are left out when enough words remain.
_NAME = re.compile(r"\b[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]+(?:-[A-Z][a-z]+)?\b")


# The letters beyond a-z each Latin-script language uses. lingua only chooses among SUPPORTED, so
# a message in a language outside the list comes back as the likeliest of those (Vietnamese as
# French, Kurmanji Kurdish as Turkish): several letters the chosen language never uses mean it is
# some other language, recorded as not recognised rather than named wrongly for the interpreter.
LATIN_LETTERS: dict[str, str] = {
    "en": "", "pl": "ąćęłńóśźż", "ga": "áéíóúàèìòù", "ro": "ăâîșțşţ", "fr": "àâæçéèêëîïôœùûüÿ",
    "es": "áéíñóúü", "it": "àèéìíîòóùú", "pt": "áâãàçéêíóôõú", "lt": "ąčęėįšųūž", "lv": "āčēģīķļņšūž",
    "tr": "çğıöşüâîû", "de": "äöüß",
}
# The script each other language is written in (Unicode blocks).
SCRIPTS: dict[str, str] = {
    "ar": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff", "ur": "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff",
    "ru": "\u0400-\u04ff", "uk": "\u0400-\u04ff", "zh": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "pa": "\u0a00-\u0a7f", "bn": "\u0980-\u09ff", "hi": "\u0900-\u097f",
}
# This many letters foreign to the chosen language, and this share of all the letters (a name such
# as "Łódź" in a German message is not enough)...
_SCRIPT_LETTERS = {code: re.compile(f"[{ranges}]") for code, ranges in SCRIPTS.items()}
FOREIGN_LETTERS = 3
FOREIGN_SHARE = 0.04
_BEYOND_ASCII = re.compile(r"[^\W\d_a-z]")


def foreign_to(code: str, text: str) -> bool:
    """Whether `text` is written with letters or a script that language `code` does not use."""
    if code in SCRIPTS:
        letters = NON_LATIN.findall(text)
        inside = _SCRIPT_LETTERS[code].findall(text)
        return bool(letters) and len(inside) < len(letters) / 2
    if code not in LATIN_LETTERS:
        return False
    letters = len(LETTER.findall(text))
    if letters and len(NON_LATIN.findall(text)) / letters > 0.3:
        return True  # mostly another script (Ethiopic, Tamil...) named as a Latin-script language
    own = LATIN_LETTERS[code]
    foreign = [c for c in _BEYOND_ASCII.findall(text.lower()) if c not in own and not NON_LATIN.fullmatch(c)]
    return len(foreign) >= FOREIGN_LETTERS and len(foreign) >= FOREIGN_SHARE * letters


@dataclass(frozen=True)
class LanguageResult:
    """A detected language: ISO 639-1 code ("" if unknown), English name, lingua's confidence 0-1.
    `unlisted`: lingua was sure it is not English, but the letters or script say it is none of the
    languages it may name (``foreign_to``)."""

    code: str
    name: str
    confidence: float
    unlisted: bool = False

    @property
    def known(self) -> bool:
        return bool(self.code)

    @property
    def is_english(self) -> bool:
        return self.code == "en"


UNKNOWN = LanguageResult("", "unknown", 0.0)
# What the engine records for a message its own word check finds plainly English, without
# asking lingua (``engine._plainly_english``).
PLAIN_ENGLISH = LanguageResult("en", NAMES["en"], 1.0)

_lock = threading.Lock()
_detector: Any = None
_unavailable = False


def available() -> bool:
    """Whether lingua is installed (the engine falls back to a cheap word check without it)."""
    return _get_detector() is not None


def preload() -> bool:
    """Build the detector now (about 1 s) rather than on the first contact. True if available."""
    return available()


def _get_detector() -> Any:
    global _detector, _unavailable
    if _detector is not None or _unavailable:
        return _detector
    with _lock:
        if _detector is None and not _unavailable:
            try:
                from lingua import Language, LanguageDetectorBuilder
            except ImportError:
                _unavailable = True
                return None
            languages = [getattr(Language, name) for name in SUPPORTED]
            _detector = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    return _detector


def detect_language(text: str | None) -> LanguageResult:
    """The language `text` is most likely written in; UNKNOWN if empty, too short or no lingua."""
    detector = _get_detector()  # built on the first call, whatever the text, so a warm-up call warms it
    if detector is None or not text or not text.strip():
        return UNKNOWN
    sample = text[:MAX_CHARS]
    letters = len(LETTER.findall(sample))
    other_script = len(NON_LATIN.findall(sample))
    if letters == 0:
        return UNKNOWN
    if other_script / letters <= 0.3:
        words = _WORD.findall(sample)
        if len(words) < MIN_WORDS or letters < MIN_LETTERS:
            return UNKNOWN
        without_names = _NAME.sub(" ", sample)
        if len(_WORD.findall(without_names)) >= MIN_WORDS:
            sample = without_names
    elif other_script < 2:
        return UNKNOWN
    values = detector.compute_language_confidence_values(sample)
    if not values:
        return UNKNOWN
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if code != "en" and foreign_to(code, sample):
        return LanguageResult("", UNKNOWN.name, round(float(top.value), 3), unlisted=True)
    return LanguageResult(code, NAMES.get(code, top.language.name.title()), round(float(top.value), 3))
