"""onedoor.triage.language (lingua, restricted to the languages most spoken in Scotland) and how
assess() uses it: record the language, flag an interpreter, never below prompt."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from onedoor.triage import engine, language
from onedoor.triage.engine import assess
from tests.triage import MEASURED_SETS

pytestmark = pytest.mark.skipif(not language.available(), reason="lingua-language-detector is not installed")
DATA = Path(__file__).parent / "data"

DETECTED = [
    ("Pomóżcie, sąsiad bije swoją żonę, słyszę krzyki przez ścianę", "pl", "Polish"),
    ("Mi-a fost furată bicicleta din fața magazinului ieri", "ro", "Romanian"),
    ("میرا بیٹا اسکول سے گھر نہیں آیا", "ur", "Urdu"),
    ("ساعدوني، جاري يضرب زوجته", "ar", "Arabic"),
    ("有人闯进我家", "zh", "Chinese"),
    ("Привіт, у мене вкрали телефон", "uk", "Ukrainian"),
    ("Мой муж бьёт меня каждый день", "ru", "Russian"),
    ("Sveiki, pavogė mano dviratį", "lt", "Lithuanian"),
    ("Labdien, mans velosipēds ir nozagts", "lv", "Latvian"),
    ("ਮੇਰਾ ਫੋਨ ਚੋਰੀ ਹੋ ਗਿਆ", "pa", "Punjabi"),
    ("Chaidh an taigh agam a bhriseadh a-steach a-raoir", "ga", "Irish or Scottish Gaelic"),
    ("Bonjour, j'ai perdu mon portefeuille dans le bus", "fr", "French"),
]


@pytest.mark.parametrize(("text", "code", "name"), DETECTED, ids=[d[1] for d in DETECTED])
def test_detects_the_languages_spoken_in_scotland(text, code, name):
    result = language.detect_language(text)
    assert (result.code, result.name) == (code, name)
    assert result.confidence >= 0.5


ENGLISH = [
    "there's a wee boy greetin ootside ma door, cannae find his maw",
    "Theres a guy w a knife outside pls help",
    "Agnieszka Kowalska reported her car stolen on Leith Walk",  # names are not the language
    "yo bro sum1 jus nicked ma bike outside tesco",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_scots_and_sms_are_not_flagged(text):
    assessment = assess(text=text, channel="sms")
    assert not assessment.interpreter_needed, assessment.rationale
    assert assessment.language in ("en", "")
    assert "interpreter" not in assessment.rationale_text


@pytest.mark.parametrize("text", ["", "   ", "help", "Leith", "knife!!", "gonna kill u"])
def test_short_or_empty_text_is_not_judged(text):
    assert language.detect_language(text) == language.UNKNOWN


def test_a_non_english_contact_is_recorded_flagged_and_at_least_prompt():
    assessment = assess(text="Dzień dobry, chciałbym zapytać, jak mogę zgłosić zgubiony paszport?", channel="web")
    assert (assessment.language, assessment.language_name, assessment.interpreter_needed) == ("pl", "Polish", True)
    assert assessment.grade == "prompt"
    assert assessment.rules_grade == "other_resolution"
    assert "written in Polish: needs an interpreter; urgent human review" in assessment.rationale_text
    assert set(assessment.to_dict()) == {
        "grade", "response", "vulnerabilities", "call_999_advice", "thrive", "rationale", "policy_version"}


def test_non_english_danger_keeps_its_higher_grade():
    assessment = assess(text="رجل يحمل سكينا ويهدد الناس في السوق الآن", channel="web")
    assert assessment.grade == "immediate"
    assert assessment.language == "ar" and assessment.interpreter_needed


def test_romanised_urdu_falls_back_to_the_word_check():
    # lingua has no model for Urdu or Hindi typed in Latin letters; the cheap check still flags it.
    assessment = assess(text="mujhe madad chahiye, mera pati mujhe maar raha hai", channel="sms")
    assert assessment.interpreter_needed
    assert assessment.language == ""
    assert assessment.grade in ("immediate", "prompt")
    assert "language not recognised" in assessment.rationale_text


def test_english_is_recorded_as_english():
    assessment = assess(text="My bike was stolen from outside the library yesterday.", channel="web")
    assert (assessment.language, assessment.interpreter_needed) == ("en", False)


def test_without_lingua_the_cheap_check_decides(monkeypatch):
    monkeypatch.setattr(engine.language_detection, "detect_language", lambda text: language.UNKNOWN)
    assessment = assess(text="Zgubiłem portfel w autobusie, czy ktoś go oddał?", channel="web")
    assert assessment.interpreter_needed and assessment.grade == "prompt"
    assert assessment.language == ""


def test_detection_is_fast_once_loaded():
    language.preload()
    text = "Tydzień temu ktoś ukradł mój rower spod bloku, mam nagranie z kamery sąsiada"
    started = time.perf_counter()
    for _ in range(50):
        language.detect_language(text)
    assert (time.perf_counter() - started) / 50 < 0.02  # about 0.3 ms; generous for slow CI


def test_plainly_english_messages_do_not_ask_lingua(monkeypatch):
    def refuse(text):
        raise AssertionError("lingua was asked about a plainly English message")

    monkeypatch.setattr(engine.language_detection, "detect_language", refuse)
    assessment = assess(text="Someone has scratched the side of my car while it was parked outside the shop.", channel="web")
    assert (assessment.language, assessment.language_name, assessment.interpreter_needed) == ("en", "English", False)


@pytest.mark.parametrize(
    "text",
    [
        "Zgubiłem portfel w autobusie, czy ktoś go oddał wczoraj wieczorem?",  # letters beyond a-z
        "pomocy maz mnie bije prosze przyjechac szybko do domu",  # no diacritics, no English words
        "Help me",  # too short to tell from the words
    ],
)
def test_other_messages_still_ask_lingua(monkeypatch, text):
    asked = []
    monkeypatch.setattr(engine.language_detection, "detect_language", lambda t: asked.append(t) or language.UNKNOWN)
    assess(text=text, channel="web")
    assert asked


def test_lingua_agrees_with_every_plainly_english_labelled_message():
    language.preload()
    # Not the blind files, which nothing is tuned on.
    paths = [p for p in sorted(DATA.glob("*.jsonl")) if p.stem not in MEASURED_SETS]
    texts = [json.loads(line)["text"] for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    plain = [t for t in texts if engine._plainly_english(t, engine.normalise(t[: engine.MAX_TEXT_CHARS]))]
    assert len(plain) > 0.8 * len(texts)
    print(f"{len(plain)} of {len(texts)} plainly English")
    disagree = [t for t in plain if language.detect_language(t).code != "en"]
    # Read by hand: English, and lingua is the one that is wrong (short, no stop words it knows).
    lingua_wrong = {"cant talk. hes back. 9 lochend gardens flat 2. dont phone me"}
    assert set(disagree) <= lingua_wrong


# Languages lingua may not name: it answers with the likeliest of its list (Vietnamese as French,
# Kurmanji as Turkish, Hungarian as German, Tigrinya as Arabic), which would book the wrong
# interpreter. Their letters or script give them away.
UNLISTED = [
    "Cứu với! Có một người đàn ông lạ đang cố phá cửa nhà tôi, tôi đang trốn trong phòng ngủ với con.",
    "Alo? Hawar! Li ser Paisley Road West, li pêşiya dikana min, du mêr bi kêran şer dikin. Yek birîndar e.",
    "Jó napot! Elvesztettem a jogosítványomat valahol a belvárosban. Kell ezt jelentenem a rendőrségen?",
    "Pomoc! Nějaký muž mě sleduje od nádraží a teď stojí před mým domem, bojím se.",
    "ሰላም። ኣብ ግላስጎ እየ ዝነብር። ሎሚ ምሸት ክልተ ሰባት ኣብ ጽርግያ ወቒዖም ተሌፎነይ ወሲዶምለይ።",
    "ሓወይ 16 ዓመቱ እዩ። ካብ ትማሊ ጀሚሩ ካብቲ ናይ ቆልዑ ሆቴል ኣብ Glasgow ጠፊኡ ኣሎ። ተሌፎኑ ዕፁው እዩ።",
]


@pytest.mark.parametrize("text", UNLISTED)
def test_a_language_lingua_may_not_name_is_flagged_but_not_named_wrongly(text):
    detected = language.detect_language(text)
    assert detected.unlisted and not detected.known
    result = assess(text=text, channel="web")
    assert result.interpreter_needed and result.language == "" and result.grade in ("immediate", "prompt")
    assert any(line.startswith("may not be in English (language not recognised)") for line in result.rationale)


@pytest.mark.parametrize(("text", "code"), [
    # A name from another language is not enough to doubt the language.
    ("Ich möchte einen Diebstahl melden. Mein Fahrrad wurde gestern vor dem Bahnhof gestohlen, es ist ein rotes "
     "Rad von meinem Freund aus Łódź, bitte helfen Sie mir.", "de"),
    ("Halò, lorg mi fòn-làimhe air an t-sràid ann am Port Rìgh an-diugh. Càite am bu chòir dhomh a dhol?", "ga"),
    ("Bună ziua, vecinul meu parchează mereu mașina în fața garajului meu. Ce pot face?", "ro"),
])
def test_a_listed_language_with_its_own_letters_is_still_named(text, code):
    detected = language.detect_language(text)
    assert detected.code == code and not detected.unlisted


def test_english_is_never_unlisted():
    text = "I want to report that José Núñez and Zoë Łukasiewicz from the café on Dalry Road were threatened."
    assert not language.detect_language(text).unlisted


def test_warm_up_builds_the_language_detector(monkeypatch):
    # Its warm-up text is plainly English, which assess() does not ask lingua about.
    monkeypatch.setattr(language, "_detector", None)
    engine.warm_up()
    assert language._detector is not None
