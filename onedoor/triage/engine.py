"""The triage engine: ``assess()`` turns one contact into a THRIVE assessment and a CAM grade.

It is a pure function of the contact and the policy (no Django, no I/O after the policy is
loaded), so the same contact always gets the same grade under the same policy version, and
every grade can be explained by the rules it lists.

How a contact is read:

1. *Normalise*: lower case, expand contractions and SMS spellings ("hes" -> "he is").
2. *Split* into sentences and clauses. A clause ends at punctuation or a linking word
   ("but", "and", "if"...); negation and timing are worked out per clause.
3. *Find indicators* (policy regexes) in each sentence. Each match is checked for
   negation (a cue such as "not", "no one", "didn't" shortly before it in the same clause),
   for being inside a question or hypothetical ("what should I do if..."), and given a
   timing (now, recent, today, past...).
4. *Add the structured answers*, which take precedence over what the text implies.
5. *Score* the six THRIVE factors and *test the grade rules* in policy order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from onedoor.triage import language as language_detection
from onedoor.triage import learned, other_languages, semantic, words_reader
from onedoor.triage.context import RECORDS_PREFIX, RecordContext
from onedoor.triage.policy import (
    GRADES,
    HAPPENED_VALUES,
    VULNERABILITIES,
    GradeRule,
    Indicator,
    Policy,
    load_policy,
)

CHANNELS: frozenset[str] = frozenset(
    {"web", "api", "email", "sms", "whatsapp", "social", "chat", "voice", "phone", "open311", "counter"}
)
# The 999/101 telephone call itself: the person is already talking to us, so no advice to call.
TELEPHONE_CHANNEL = "phone"
BOOLEAN_ANSWERS = ("in_danger_now", "offender_present", "injured", "weapons")
# Long messages are read up to this many characters; the rest is kept but not assessed.
MAX_TEXT_CHARS = 20_000
# Timings that describe something live, for the rationale wording.
TIMING_WORDS = {
    "now": "happening now",
    "present": "described as current",
    "recent": "within the last hour",
    "today": "earlier today",
    "ongoing": "ongoing",
    "past_tense": "in the past",
    "past": "some time ago",
    "historic": "long ago",
}


@dataclass(frozen=True)
class Assessment:
    """The result of triage: grade, response, vulnerabilities, THRIVE factors and rationale."""

    grade: str
    response: str
    vulnerabilities: list[str]
    call_999_advice: bool
    thrive: dict[str, dict[str, Any]]
    rationale: list[str]
    policy_version: str
    rules_fired: list[str]
    next_steps: str = ""
    target_minutes: int | None = None
    # The language the contact is written in: ISO 639-1 code ("" if not recognised), its name,
    # and whether a person who reads it must review the contact (see onedoor.triage.language).
    language: str = ""
    language_name: str = ""
    interpreter_needed: bool = False
    # The grade the rules alone gave, when the learned layer or a floor (language, records)
    # changed it; else "".
    rules_grade: str = ""
    # "lexicon" (policy patterns only) or "lexicon+semantic" (with the sentence model; see
    # onedoor.triage.semantic). Also the last-but-one line of the rationale.
    mode: str = semantic.MODE_LEXICON
    # What the learned model gave each grade (rounded to 4 places; empty where it was not used):
    # for measuring and for choosing the policy's thresholds (``onedoor triage-eval --dump``).
    learned_grade_probabilities: Mapping[str, float] = field(default_factory=dict)
    # Likewise its vulnerability probabilities, and the words reader's chance of an emergency
    # (None where it did not read the contact): with these a dump can replay the learned layer.
    learned_vulnerability_probabilities: Mapping[str, float] = field(default_factory=dict)
    words_chance: float | None = None

    @property
    def reasons(self) -> list[str]:
        """The rationale as a list of plain-language sentences."""
        return self.rationale

    @property
    def rationale_text(self) -> str:
        """The rationale as one string, as stored and as written by ``to_dict()``."""
        return "; ".join(self.rationale)

    def to_dict(self) -> dict[str, Any]:
        """The DESIGN.md triage output (without the contact id)."""
        return {
            "grade": self.grade,
            "response": self.response,
            "vulnerabilities": list(self.vulnerabilities),
            "call_999_advice": self.call_999_advice,
            "thrive": {factor: dict(value, reasons=list(value["reasons"])) for factor, value in self.thrive.items()},
            "rationale": self.rationale_text,
            "policy_version": self.policy_version,
        }


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    timing: str
    explicit_time: bool
    question: str | None  # None, "hypothetical" or "enquiry"


@dataclass(frozen=True)
class Sentence:
    text: str
    clauses: tuple[Clause, ...]

    def clause_at(self, pos: int) -> Clause:
        for clause in self.clauses:
            if clause.start <= pos < clause.end:
                return clause
        return self.clauses[-1]


@dataclass(frozen=True)
class Hit:
    """One indicator found in the contact (from the text or from an answer)."""

    indicator_id: str
    factor: str
    weight: float
    reason: str
    tags: frozenset[str]
    life_threat: frozenset[str]
    vulnerabilities: tuple[str, ...]
    timing: str
    snippet: str
    negated: bool = False
    question: str | None = None
    uncertain: bool = False
    from_answer: bool = False
    from_context: bool = False  # from our records (RecordContext), not from the contact itself

    @property
    def counts(self) -> bool:
        """Whether the hit is a fact for grading (not negated, not in a question)."""
        return not self.negated and self.question is None


@dataclass
class Facts:
    """What the engine established about a contact; the grade rules are tested against it."""

    empty: bool
    answers: Mapping[str, Any]
    hits: list[Hit]
    scores: dict[str, float] = field(default_factory=dict)
    vulnerabilities: set[str] = field(default_factory=set)
    has_question: bool = False
    notes: list[str] = field(default_factory=list)
    language: str = ""
    language_name: str = ""
    interpreter_needed: bool = False
    original: str = ""  # the text as written (up to MAX_TEXT_CHARS), for the reader of other languages
    context: RecordContext | None = None
    mode: str = semantic.MODE_LEXICON
    semantic_matches: list[semantic.SemanticMatch] = field(default_factory=list)
    # The learned layer's reading (onedoor.triage.learned), when the policy has a model and the
    # sentence model is installed; its vulnerabilities are added after the rules have graded.
    learned: learned.Prediction | None = None
    learned_vulnerabilities: list[tuple[str, float]] = field(default_factory=list)
    # Categories the words or the descriptions suggested that the learned model did not confirm
    # (with the policy's ``vulnerabilities: decide``), with the model's probability: not listed.
    unconfirmed_vulnerabilities: list[tuple[str, float]] = field(default_factory=list)
    # The sentences as the sentence model reads them, and the learned model that will read them
    # once the rules have graded (None when the layer may not read this contact).
    text: learned.ContactText | None = None
    learned_model: learned.LearnedModel | None = None
    embedded: dict[str, Any] = field(default_factory=dict)  # text -> vector, from one call (ContactText.pack)
    middles: dict[str, Any] = field(default_factory=dict)  # window -> middle token states, for a tuned reader
    # The words reader's chance of an emergency (policy ``learned.words_reader``), where the
    # learned model read the contact; None otherwise.
    words_chance: float | None = None
    words_version: str = ""  # the words reader's version, where it read the contact (named in the mode line)

    @property
    def counted(self) -> list[Hit]:
        return [h for h in self.hits if h.counts]

    @property
    def threats_to_life(self) -> list[Hit]:
        """The counted hits that are each a threat to life at their timing."""
        return [h for h in self.counted if h.timing in h.life_threat]

    @property
    def life_threat(self) -> bool:
        return bool(self.threats_to_life)

    @property
    def question_only(self) -> bool:
        # What our records say about the person or place does not turn a question into a report.
        return self.has_question and not any(not h.from_context for h in self.counted)


# --------------------------------------------------------------------------- public API


def assess(
    *,
    text: str,
    channel: str,
    answers: Mapping[str, Any] | None = None,
    policy: Policy | None = None,
    context: RecordContext | None = None,
) -> Assessment:
    """Assess one contact. Raises ValueError for an unknown channel or malformed answers.

    `context` is what our records already hold about the person or place (repeat contacts, an
    open case at the same address, markers); the caller looks it up, the engine never does.
    """
    text, clean_answers, answer_notes = _checked_input(text, channel, answers)
    policy = policy or load_policy()
    if context is not None and not isinstance(context, RecordContext):
        raise ValueError(f"context must be a RecordContext, not {type(context).__name__}")
    unknown_markers = [m for m in (context.person_markers if context else ()) if m not in VULNERABILITIES]
    if unknown_markers:
        raise ValueError(f"unknown person marker(s) {unknown_markers}; expected vulnerability categories")
    facts = _establish_facts(text, clean_answers, policy, context)
    facts.notes.extend(answer_notes)
    return _decide(facts, channel, policy)


def threats_to_life(
    *, text: str, channel: str, answers: Mapping[str, Any] | None = None, policy: Policy | None = None
) -> list[str]:
    """The indicators that each make this contact a threat to life (`override.life_threat`):
    found, not negated, not in a question, at one of their `life_threat` timings. For auditing
    the safety rules (`onedoor triage-eval --threats-to-life`); assess() grades with the same facts."""
    text, clean_answers, _ = _checked_input(text, channel, answers)
    facts = _establish_facts(text, clean_answers, policy or load_policy())
    return sorted({hit.indicator_id for hit in facts.threats_to_life})


def _checked_input(text: Any, channel: str, answers: Mapping[str, Any] | None) -> tuple[str, dict[str, Any], list[str]]:
    """The text, the valid answers and notes on the ignored ones; ValueError for an unknown
    channel, a text that is not a string or malformed answers."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(sorted(CHANNELS))}")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, not {type(text).__name__}")
    clean_answers, answer_notes = validate_answers(answers)
    return text, clean_answers, answer_notes


def normalise(text: str) -> str:
    """Lower-case text with contractions and SMS spellings expanded, for pattern matching."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.translate(_CEDILLA)
    text = _REPEATS.sub(r"\1\1", text)
    text = _CANT.sub("can not", text)
    text = _WONT.sub("will not", text)
    text = _NT.sub(r"\1 not", text)
    text = _PRONOUN_S.sub(r"\1 is", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = _AGE_YO.sub(r"\1 year old", text)
    text = _SMS.sub(lambda m: _SMS_WORDS[m.group(0)], text)
    text = _W_SLASH.sub("with ", text)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------- normalisation

# Romanian is often typed with cedilla letters; the policy is written with the comma-below ones.
_CEDILLA = str.maketrans({"\u015f": "\u0219", "\u0163": "\u021b"})
_REPEATS = re.compile(r"([a-z])\1{2,}")
_CANT = re.compile(r"\bcan(?:'t|not)\b")
_WONT = re.compile(r"\bwon't\b")
_NT = re.compile(r"\b([a-z]+)n't\b")
_PRONOUN_S = re.compile(r"\b(he|she|it|there|that|who|what|where|here|someone|somebody|everyone|nobody|no one)'s\b")
_CONTRACTIONS = (
    (re.compile(r"\bi'm\b"), "i am"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'ll\b"), " will"),
    # "I'd met him" is "I had"; "I'd like" is "I would".
    (re.compile(r"\b(i|you|he|she|we|they)'d (?=(?:just |already |never |not |only )?(?:been|had|gone|done|seen|met|got|left|taken|told|given|made|said|found|lost|heard|known|bought|sent|put|come|run|become|\w+ed)\b)"), r"\1 had "),
    (re.compile(r"\b(i|you|he|she|we|they)'d\b"), r"\1 would"),
    # Support services whose names contain words the indicators look for ("Rape Crisis",
    # "Women's Aid", "Missing People") are not offences or missing people.
    (re.compile(r"\b(?:rape crisis(?: scotland)?|(?:scottish )?women's aid|victim support(?: scotland)?|missing people(?: charity)?|age scotland|age uk)\b"), "a support service"),
)
_AGE_YO = re.compile(r"\b(\d{1,3}) ?(?:yo|y/o|yrs? old)\b")
_W_SLASH = re.compile(r"\bw/")
_SPACES = re.compile(r"[ \t]+")
_SMS_WORDS = {
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "plse": "please",
    "pleease": "please", "pleez": "please", "w": "with", "wiv": "with", "ppl": "people",
    "sum1": "someone", "some1": "someone", "no1": "no one", "noone": "no one", "any1": "anyone",
    "ne1": "anyone", "every1": "everyone", "2day": "today", "2nite": "tonight", "2night": "tonight",
    "b4": "before", "rn": "right now", "atm": "at the moment", "msg": "message", "txt": "text",
    "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband", "n": "and", "nd": "and",
    "coz": "because", "cos": "because", "cuz": "because", "bc": "because", "thru": "through",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "mins": "minutes", "min": "minute",
    "hrs": "hours", "hr": "hour", "yrs": "years", "yr": "year", "nite": "night", "kno": "know",
    "knw": "know", "abt": "about", "hes": "he is", "shes": "she is", "theres": "there is",
    "thats": "that is", "whats": "what is", "im": "i am", "ive": "i have", "dont": "do not",
    "didnt": "did not", "doesnt": "does not", "isnt": "is not", "wasnt": "was not",
    "werent": "were not", "arent": "are not", "cant": "can not", "couldnt": "could not",
    "wont": "will not", "wouldnt": "would not", "shouldnt": "should not", "havent": "have not",
    "hasnt": "has not", "hadnt": "had not", "aint": "is not", "theyre": "they are",
    "youre": "you are", "its": "it is", "helpp": "help", "sumone": "someone", "sumthing": "something",
    "cannot": "can not", "nobodys": "nobody is", "wer": "were", "wen": "when",
}
# Dropped g's in SMS ("tryin", "hittin") for the verbs the indicators look for.
for _verb in (
    "trying saying going coming hitting kicking breaking screaming fighting following threatening "
    "stabbing punching bleeding shouting banging smashing stealing looking waiting sitting attacking "
    "beating hurting choking strangling doing getting running throwing burning drinking selling dealing "
    "dying crying lying moving breathing responding jumping killing chasing watching harassing stalking "
    "pouring smoking flooding drowning struggling climbing carrying pulling pushing grabbing touching staring "
    "standing messaging texting calling sending taking robbing mugging driving speeding racing crashing "
    "falling shaking fitting bleeding sleeping walking hiding kidnapping dragging grooming spiking"
).split():
    _SMS_WORDS[_verb[:-1]] = _verb
    _SMS_WORDS[_verb[:-1] + "'"] = _verb
_SMS = re.compile(r"(?<![\w'])(?:" + "|".join(sorted(map(re.escape, _SMS_WORDS), key=len, reverse=True)) + r")(?![\w'/])")

# Sentence and clause punctuation includes the Arabic-script question mark, full stop (Urdu) and comma.
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f\u06d4])\s+|[\r\n]+|(?<=[a-z0-9])[.!?]+$|[\u061f\u06d4]")
_CLAUSE_PUNCT = re.compile(r",(?!\d)|;|:|\(|\)|\s[-\u2013\u2014]\s|\.\.\.|\u060c|\u061b")
_ARABIC_SCRIPT = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
_WORD = re.compile(r"[a-z0-9£*'\u00c0-\u024f\u0400-\u04ff" + _ARABIC_SCRIPT + r"]+")
# Any letter outside the Latin script (Cyrillic, Greek, Hebrew, Arabic, Indic, Ethiopic, CJK...).
_NON_LATIN = language_detection.NON_LATIN
_LETTER = language_detection.LETTER
# Diacritics that English never uses but Polish, Romanian and other European languages do.
PLAIN_MIN_WORDS = 6
PLAIN_MIN_COMMON = 0.25
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")
_FOREIGN_DIACRITIC = re.compile(r"[ąćęłńśźżőűăâîșțşţãõçñßäöüåøæ]")
NOT_ENGLISH_NOTE = (
    "may not be in English (language not recognised): needs an interpreter; urgent human review "
    "(only emergency words in some languages are recognised)"
)
LANGUAGE_NOTE = (
    "written in {name}: needs an interpreter; urgent human review "
    "({percent}% confidence; only emergency words in some languages are recognised)"
)
_HEDGED_IF = re.compile(r"\b(?:not sure|not certain|unsure|do not know|does not know|no idea|wondering|can not tell)\W*$")
_IF_OPENER = re.compile(r"(?:if|whether)\b")
_PROGRESSIVE = re.compile(r"\b(?:is|are|am) (?:\w+ ){0,3}?\w{2,}ing\b")
_ENGLISH_COMMON = frozenset(
    "a an the and or but i you he she it we they my your his her our their me him us them is are am was "
    "were be been have has had do does did not no to of in on at for with from by this that there what "
    "who when where how why can will would should please help someone man woman police report".split()
)


# --------------------------------------------------------------------------- text analysis


def _split_sentences(text: str, policy: Policy, happened: str | None) -> list[Sentence]:
    sentences: list[Sentence] = []
    previous_timing: str | None = None
    for raw in _SENTENCE_END.split(text):
        raw = raw.strip(" .!?")
        if not raw:
            continue
        sentence = _build_sentence(raw, policy, happened, previous_timing)
        sentences.append(sentence)
        previous_timing = sentence.clauses[-1].timing
    if happened is None and policy.timing.dating is not None:
        sentences = _date_back(sentences, policy)
    return sentences


def _date_back(sentences: list[Sentence], policy: Policy) -> list[Sentence]:
    """Apply the time of a dating sentence ("It must have happened this afternoon.") to the
    clauses before it that gave no time of their own."""
    dated = list(sentences)
    for index, sentence in enumerate(sentences):
        if index == 0 or not policy.timing.dating.search(sentence.text):
            continue
        when = _explicit_timing(sentence.text, policy)
        if when is None:
            continue
        for earlier in range(index - 1, -1, -1):
            if any(c.explicit_time for c in dated[earlier].clauses):
                break  # a sentence with its own time starts another part of the story
            dated[earlier] = Sentence(dated[earlier].text, tuple(
                Clause(c.start, c.end, when, True, c.question) for c in dated[earlier].clauses
            ))
    return dated


def _clause_spans(text: str, breaks: frozenset[str]) -> list[tuple[int, int]]:
    cut_points = {m.start() for m in _CLAUSE_PUNCT.finditer(text)}
    for word in _WORD.finditer(text):
        if word.group(0) in breaks:
            cut_points.add(word.start())
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in sorted(cut_points):
        if cut > start:
            spans.append((start, cut))
            start = cut
    spans.append((start, len(text)))
    return spans


def _explicit_timing(text: str, policy: Policy) -> str | None:
    for bucket, regex in policy.timing.markers:  # ordered most urgent first
        if regex.search(text):
            return bucket
    return None


def _tense(text: str, policy: Policy) -> str | None:
    if policy.timing.present_tense.search(text):
        return "present"
    if policy.timing.past_tense.search(text):
        return "past_tense"
    return None


def _build_sentence(text: str, policy: Policy, happened: str | None, previous_timing: str | None) -> Sentence:
    spans = _clause_spans(text, policy.negation.clause_breaks)
    hearsay = bool(policy.questions.hearsay.search(text))
    sentence_time = _explicit_timing(text, policy)
    sentence_tense = _tense(text, policy)
    clauses: list[Clause] = []
    question: str | None = None
    for start, end in spans:
        chunk = text[start:end]
        own_time = _explicit_timing(chunk, policy)
        clause_tense = _tense(chunk, policy)
        borrowed = sentence_time
        if borrowed == "now" and clause_tense == "past_tense":
            # "my nose was bleeding but I'm ok now": the "now" belongs to the other clause.
            borrowed = None
        if borrowed == "recent" and own_time is None and _PROGRESSIVE.search(chunk):
            # "someone is pulling door handles, one of them just got into a car": the "just"
            # dates the other clause; this one is going on as described.
            borrowed = None
        timing = own_time or borrowed or happened or clause_tense or sentence_tense
        timing = timing or previous_timing or "present"
        if hearsay and own_time != "now":
            # News and rumour are information, never a live incident.
            timing = "past_tense" if timing in ("now", "present", "recent") else timing
        if own_time == "now":
            question = None  # "how do I report a man with a knife outside right now" is live
        elif _HEDGED_IF.search(text[:start]) and _IF_OPENER.match(chunk.strip()):
            question = None  # "not sure if he has a knife" is an uncertain fact, not a hypothetical
        else:
            question = _question_kind(chunk, policy) or question
        clauses.append(Clause(start, end, timing, own_time is not None or sentence_time is not None, question))
    return Sentence(text, tuple(clauses))


def _question_kind(chunk: str, policy: Policy) -> str | None:
    stripped = chunk.strip(" ,;:()-")
    for word in policy.negation.clause_breaks:
        if stripped.startswith(word + " ") and word not in ("if", "unless"):
            stripped = stripped[len(word) + 1 :]
            break
    stripped = policy.questions.preamble.sub("", stripped).strip()
    if policy.questions.hypothetical.search(stripped):
        return "hypothetical"
    if policy.questions.enquiry.search(stripped):
        return "enquiry"
    return None


def _negation(sentence: Sentence, start: int, policy: Policy) -> tuple[bool, bool]:
    """Whether a match starting at `start` is negated, and whether it is hedged (uncertain)."""
    clause = sentence.clause_at(start)
    before = sentence.text[clause.start : start]
    uncertain = bool(policy.negation.pseudo.search(before))
    if uncertain:
        before = policy.negation.pseudo.sub(" ", before)
    words = _WORD.findall(before)[-policy.negation.window :]
    if any(w in policy.negation.cues for w in words):
        return True, uncertain
    for cue in policy.negation.multiword_cues:
        size = len(cue)
        if any(tuple(words[i : i + size]) == cue for i in range(len(words) - size + 1)):
            return True, uncertain
    return False, uncertain


def _positive_match(regex: re.Pattern[str], sentences: list[Sentence], policy: Policy) -> bool:
    for sentence in sentences:
        for match in regex.finditer(sentence.text):
            if not _negation(sentence, match.start(), policy)[0]:
                return True
    return False


def _find_hits(
    sentences: list[Sentence], indicator: Indicator, policy: Policy, joined: str | None = None, english: bool = False
) -> list[Hit]:
    """The indicator's hits in the sentences. In a contact in `english`, an indicator of
    another language's words counts only in a sentence that is not in English."""
    hits: list[Hit] = []
    if joined is not None and not indicator.regex.search(joined):
        return hits  # one search over the whole message saves a search per sentence
    for index, sentence in enumerate(sentences):
        matches = list(indicator.regex.finditer(sentence.text))
        if not matches:
            continue
        if english and indicator.other_language and not _probably_not_english(sentence.text):
            continue
        if indicator.unless is not None and indicator.unless.search(sentence.text):
            continue
        context = sentences[max(0, index - 1) : index + 1]
        if not all(_positive_match(group, context, policy) for group in indicator.with_all):
            continue
        for match in matches:
            clause = sentence.clause_at(match.start())
            negated, uncertain = (False, False)
            if indicator.negatable:
                negated, uncertain = _negation(sentence, match.start(), policy)
            hits.append(
                Hit(
                    indicator_id=indicator.id,
                    factor=indicator.factor,
                    weight=indicator.weight,
                    reason=indicator.reason,
                    tags=indicator.tags,
                    life_threat=indicator.life_threat,
                    vulnerabilities=indicator.vulnerabilities,
                    timing=clause.timing,
                    snippet=match.group(0).strip(),
                    negated=negated,
                    question=clause.question,
                    uncertain=uncertain,
                )
            )
    return hits


def _best_per_indicator(hits: list[Hit], policy: Policy) -> list[Hit]:
    """One hit per indicator: the counted one that weighs most, else the first seen."""
    best: dict[str, Hit] = {}
    multipliers = policy.timing.multipliers

    def rank(hit: Hit) -> tuple[int, float]:
        return (1 if hit.counts else 0, multipliers.get(hit.timing, 1.0))

    for hit in hits:
        current = best.get(hit.indicator_id)
        if current is None or rank(hit) > rank(current):
            best[hit.indicator_id] = hit
    return list(best.values())


# --------------------------------------------------------------------------- facts


def call_999_advice(grade: str, channel: str) -> bool:
    """DESIGN.md: an emergency on any channel but a 999/101 call is told to call 999 at once."""
    return grade == "immediate" and channel != TELEPHONE_CHANNEL


def validate_answers(answers: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """The answers the engine uses, and notes on those it ignores; ValueError for a malformed one."""
    if answers is None:
        return {}, []
    if not isinstance(answers, Mapping):
        raise ValueError(f"answers must be an object, not {type(answers).__name__}")
    clean: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in answers.items():
        if key in BOOLEAN_ANSWERS:
            if value is None:
                continue
            if not isinstance(value, bool):
                raise ValueError(f"answer {key!r} must be true or false, not {value!r}")
            clean[key] = value
        elif key == "happened":
            if value is None:
                continue
            if value not in HAPPENED_VALUES:
                raise ValueError(f"answer 'happened' must be one of {', '.join(HAPPENED_VALUES)}, not {value!r}")
            clean[key] = value
        else:
            notes.append(f"the answer {key!r} is not used by triage and was ignored")
    return clean, notes


def _answer_hits(answers: Mapping[str, Any], policy: Policy, happened_timing: str | None) -> tuple[list[Hit], set[str]]:
    hits: list[Hit] = []
    suppressed: set[str] = set()
    for item in policy.answer_indicators:
        if item.answer not in answers or answers[item.answer] != item.value:
            continue
        timing = "now" if item.answer == "in_danger_now" else (happened_timing or "present")
        suppressed |= item.suppress
        hits.append(
            Hit(
                indicator_id=item.id,
                factor=item.factor,
                weight=item.weight,
                reason=item.reason,
                tags=item.tags,
                life_threat=frozenset(),
                vulnerabilities=(),
                timing=timing,
                snippet=f"{item.answer}: {str(item.value).lower()}",
                from_answer=True,
            )
        )
    return hits, suppressed


def _establish_facts(
    text: str, answers: Mapping[str, Any], policy: Policy, context: RecordContext | None = None
) -> Facts:
    body = normalise(text[:MAX_TEXT_CHARS])
    facts = Facts(empty=not body and not answers, answers=answers, hits=[], context=context, original=text[:MAX_TEXT_CHARS])
    if len(text) > MAX_TEXT_CHARS:
        facts.notes.append(f"only the first {MAX_TEXT_CHARS} characters were assessed")
    happened = policy.timing.answers.get(answers["happened"]) if "happened" in answers else None
    sentences = _split_sentences(body, policy, happened) if body else []
    facts.has_question = any(c.question for s in sentences for c in s.clauses)

    detected, not_english = _language(text[:MAX_TEXT_CHARS], body, policy)
    in_english = not not_english
    joined = "\n".join(s.text for s in sentences)
    text_hits: list[Hit] = []
    deferred: list[Indicator] = []
    for indicator in policy.indicators:
        if indicator.requires is not None:
            deferred.append(indicator)  # needs the other facts first
            continue
        text_hits.extend(_find_hits(sentences, indicator, policy, joined, english=in_english))
    answer_hits, suppressed = _answer_hits(answers, policy, happened)
    # The person's direct answer beats what we infer from their words.
    text_hits = [h for h in text_hits if not (h.tags & suppressed)]
    hits = text_hits + answer_hits
    for indicator in deferred:
        requirement = indicator.requires
        assert requirement is not None
        if any(h.counts and h.tags & requirement.tags and h.timing in requirement.timing for h in hits):
            hits.extend(_find_hits(sentences, indicator, policy, joined, english=in_english))
    believed = detected.known and (detected.is_english != not_english)
    facts.language, facts.language_name = (detected.code, detected.name) if believed else ("", "")
    if not_english:
        # A fact the grade rules can use: a person who reads the language must review it.
        facts.interpreter_needed = True
        hits.append(
            Hit(
                indicator_id="lang.not_english",
                factor="engagement",
                weight=0,
                reason="the message is not (mostly) in English",
                tags=frozenset({"not_english"}),
                life_threat=frozenset(),
                vulnerabilities=(),
                timing="present",
                snippet=body[:40],
            )
        )
        if believed:
            percent = round(detected.confidence * 100)
            facts.notes.append(LANGUAGE_NOTE.format(name=detected.name, percent=percent))
        else:
            facts.notes.append(NOT_ENGLISH_NOTE)
    hits.extend(_context_hits(context, policy))
    facts.hits = _best_per_indicator(hits, policy)
    facts.scores = _scores(facts.counted, policy)
    facts.vulnerabilities = _vulnerabilities(facts.hits, policy)
    _add_semantic(facts, sentences, policy, text[:MAX_TEXT_CHARS])
    return facts


def _add_semantic(facts: Facts, sentences: list[Sentence], policy: Policy, raw_text: str = "") -> None:
    """Lexicon ∪ semantic: categories the sentence model finds (above the policy thresholds) in
    sentences that are not hypotheticals; and, when the learned layer may read the contact, its
    embeddings (the layer reads them after the rules have graded, see ``_decide``). Lexicon mode
    when the model is off or not installed."""
    encoder = semantic.get_encoder()
    if encoder is None:
        return
    facts.mode = semantic.MODE_SEMANTIC
    lexicon = set(facts.vulnerabilities)
    texts = [s.text for s in sentences if not all(c.question == "hypothetical" for c in s.clauses)]
    compared = semantic.candidate_sentences(texts, semantic.config_for(policy))
    facts.text = learned.ContactText(sentences=tuple(s.text for s in sentences), kept=tuple(texts), compared=tuple(compared))
    facts.learned_model = _learned_model(facts, policy, raw_text)
    # One model call for both layers, packed into as few runs as possible (see
    # onnx_export.encode): the learned layer's inputs and the sentences the semantic layer
    # compares. Always the same texts for the same contact, whether or not the learned layer
    # reads it, so the semantic layer's vectors never depend on the learned layer's settings.
    pack = facts.text.pack()
    tuned = facts.learned_model is not None and facts.learned_model.tuned is not None
    rows, facts.middles = encoder.embed_with_states(pack, facts.text.windows if tuned else ())
    facts.embedded = dict(zip(pack, rows, strict=True))
    facts.semantic_matches = semantic.find(texts, policy, lexicon=lexicon, vectors=facts.embedded)
    for match in facts.semantic_matches:
        _add_vulnerability(facts.vulnerabilities, match.category, policy)


def _add_vulnerability(found: set[str], category: str, policy: Policy) -> None:
    """Add a category and the categories the policy says it implies."""
    found.add(category)
    found.update(policy.vulnerability_implies.get(category, ()))


def _rules_reading(facts: Facts, policy: Policy, rule: GradeRule | None = None) -> learned.RulesReading:
    """The rules' reading of the words alone, as the learned layer is trained on it: what our
    records say (repeat contacts, open cases, markers) is left out, so the layer never sees it.
    `rule` is the grade rule that held, when the caller knows it."""
    words = facts
    lexicon = _vulnerabilities([h for h in facts.hits if not h.from_context], policy)
    if facts.context is not None or any(h.from_context for h in facts.hits):
        rule = None  # it may have held because of our records
        hits = [h for h in facts.hits if not h.from_context]
        found = set(lexicon)
        for match in facts.semantic_matches:
            _add_vulnerability(found, match.category, policy)
        words = replace(facts, hits=hits, context=None, scores=_scores([h for h in hits if h.counts], policy),
                        vulnerabilities=found, notes=[])
    rule = rule or _grade_rule(words, policy)
    return learned.RulesReading(
        grade=rule.grade,
        rule_ids=frozenset([*(h.indicator_id for h in words.counted), rule.id]),
        scores=dict(words.scores),
        vulnerabilities=frozenset(words.vulnerabilities),
        not_english=words.interpreter_needed,
        lexicon_vulnerabilities=frozenset(lexicon),
    )


def rules_reading(
    *, text: str, channel: str, answers: Mapping[str, Any] | None = None, policy: Policy | None = None,
) -> tuple[learned.ContactText, learned.RulesReading]:
    """A contact's sentences and the rules' reading of them, as the learned layer gets them
    (``onedoor.triage.learned.train`` trains on these). Needs the sentence model."""
    policy = policy or load_policy()
    facts = _words_facts(text, channel, answers, policy)
    if facts.text is None:
        raise RuntimeError("the learned layer's reading needs the sentence model: install it with `make install ML=1`")
    return facts.text, _rules_reading(facts, policy)


def words_reading(
    *, text: str, channel: str, answers: Mapping[str, Any] | None = None, policy: Policy | None = None,
) -> learned.RulesReading:
    """The rules' reading of a contact's words, as the words reader gets it (``words_reader``
    trains on these); with the sentence model where it is installed, as at intake."""
    policy = policy or load_policy()
    return _rules_reading(_words_facts(text, channel, answers, policy), policy)


def _words_facts(text: str, channel: str, answers: Mapping[str, Any] | None, policy: Policy) -> Facts:
    text, clean_answers, _ = _checked_input(text, channel, answers)
    return _establish_facts(text, clean_answers, policy, None)


def _learned_model(facts: Facts, policy: Policy, raw_text: str) -> learned.LearnedModel | None:
    """The policy's learned model if it may read this contact; else None, with a note why."""
    model = None if facts.empty else learned.model_for(policy)
    if model is None:
        return None
    if facts.interpreter_needed:
        # The sentence model reads English: what it makes of other languages is weak. The rules'
        # foreign-language words and the language floor decide, and a person reviews it; the
        # policy may let the model raise such a contact to immediate, never lower it.
        if learned.config_for(policy).not_english_threshold is None:
            facts.notes.append("learned: not used, the model reads English only")
            return None
        facts.notes.append("learned: the model reads English, so here it may only raise the grade to immediate")
        return model
    words, needed = len(raw_text.split()), learned.config_for(policy).min_words
    if words < needed:
        counted = f"{words} word{'' if words == 1 else 's'}"
        facts.notes.append(f"learned: not used, {counted} is too short for the model (it reads {needed} or more)")
        return None
    return model


def _add_learned_vulnerabilities(facts: Facts, policy: Policy) -> None:
    """The learned layer's vulnerabilities at or above the policy's threshold, after the grade
    rule is chosen (the rules grade on what the words and records show).

    With ``vulnerabilities: add`` they are added to what the lexicon and the descriptions found.
    With ``decide`` the model, which has read the lexicon's categories too, decides: what the
    structured answers and our records say stands, and so does the lexicon's finding in the
    policy's ``keep_lexicon`` categories; any other category the words or the descriptions
    suggested and the model does not confirm is named in the rationale and not listed."""
    if facts.learned is None or facts.interpreter_needed:
        return
    config = learned.config_for(policy)
    probabilities = facts.learned.vulnerability_probabilities
    confirmed = sorted(c for c, p in probabilities.items() if p >= config.vulnerability_threshold)
    before = set(facts.vulnerabilities)
    if config.vulnerabilities == "decide":
        told = [h for h in facts.hits if h.from_context or h.from_answer]
        words = [h for h in facts.hits if not (h.from_context or h.from_answer)]
        facts.vulnerabilities = _vulnerabilities(told, policy) | _vulnerabilities(words, policy, config.keep_lexicon)
    for category in confirmed:
        _add_vulnerability(facts.vulnerabilities, category, policy)
    facts.learned_vulnerabilities = [(c, probabilities[c]) for c in confirmed if c not in before]
    facts.unconfirmed_vulnerabilities = [(c, probabilities.get(c, 0.0)) for c in sorted(before - facts.vulnerabilities)]


def _apply_learned(facts: Facts, grade: str, rule_id: str, policy: Policy) -> tuple[str, str] | None:
    """The learned layer's grade, as (grade, rule id), when it changes the rules' grade. The
    rules' `immediate` stands, unless the policy lets the model overrule the rule that gave it
    (``learned.overrule``) and the model gives immediate less than the policy allows: then the
    model's most likely other grade, at least the policy's floor."""
    prediction = facts.learned
    if prediction is None:
        return None
    config = learned.config_for(policy)
    if config.grade != "decide":
        return None
    chance = _emergency_chance(facts, config)
    if facts.interpreter_needed:
        threshold = config.not_english_threshold
        if grade != "immediate" and threshold is not None and chance >= threshold:
            return "immediate", "learned.immediate_not_english"
        return None
    if grade == "immediate":
        bar = config.overrule_bar(rule_id)
        # A rule overruled only where the model is all but sure answers to the model's own chance:
        # the words reader reads the rules that fired, so on that rule's emergency it mostly echoes it.
        tested = prediction.grade_probabilities.get("immediate", 0.0) if rule_id in config.overrule_only_below else chance
        if bar is None or tested >= bar:
            return None
        return min(_likeliest_after_immediate(prediction), config.overrule_floor, key=GRADES.index), "learned.overruled"
    if chance >= _immediate_threshold(prediction, config):
        return "immediate", "learned.immediate"
    # The model's likeliest grade, but not an emergency the chance the policy grades by is under
    # the threshold for (with the words reader that chance is not the model's alone).
    likeliest = prediction.grade if prediction.grade != "immediate" else _likeliest_after_immediate(prediction)
    if likeliest != grade:
        return likeliest, "learned.grade"
    return None


def _words_chance(facts: Facts, reading: learned.RulesReading, channel: str, policy: Policy) -> float | None:
    """The words reader's chance of an emergency for an English contact the model read, where
    the policy has the reader (``learned.words_reader``); None otherwise."""
    path = learned.config_for(policy).words_model
    if path is None or facts.interpreter_needed or facts.learned is None:
        return None
    return _read_words(facts, path, reading, channel)


def _read_words(facts: Facts, path: Path, reading: learned.RulesReading, channel: str) -> float | None:
    """The words reader's chance of an emergency (None where its file cannot be used), noting
    its version for the rationale."""
    reader = words_reader.reader(path)
    if reader is None:
        return None
    facts.words_version = reader.version
    return reader.probability(facts.original, words_reader.tokens(reading.rule_ids, reading.grade, channel))


def _emergency_chance(facts: Facts, config: learned.LearnedConfig) -> float:
    """The chance of an emergency the learned layer grades by: the model's, or with the words
    reader, the two weighted as the policy says (``learned.words_reader.weight``)."""
    assert facts.learned is not None
    model = facts.learned.grade_probabilities.get("immediate", 0.0)
    if facts.words_chance is None:
        return model
    return (1.0 - config.words_weight) * model + config.words_weight * facts.words_chance


def _chance_text(facts: Facts, policy: Policy, only: str = "") -> str:
    """The chance of an emergency the learned layer graded by, in words, for the rationale."""
    assert facts.learned is not None
    model = learned.describe_probability(facts.learned.grade_probabilities.get("immediate", 0.0))
    if facts.words_chance is None:
        return f"the learned model gives immediate {only}{model}"
    together = learned.describe_probability(_emergency_chance(facts, learned.config_for(policy)))
    return (f"the learned model and the words reader together give an emergency {only}{together} (the model "
            f"{model}, the words reader {learned.describe_probability(facts.words_chance)})")


def _words_alone_emergency(facts: Facts, grade: str, rule: GradeRule, channel: str, policy: Policy) -> float | None:
    """The words reader's chance of an emergency, where it alone grades an English contact
    immediate because the learned model cannot read it (``learned.words_reader.alone_threshold``:
    the sentence model is not installed); None where it does not."""
    config = learned.config_for(policy)
    threshold = config.words_alone_threshold
    if (threshold is None or config.words_model is None or not config.enabled or learned.switched_off()
            or facts.learned is not None or facts.interpreter_needed or facts.empty or grade == "immediate"
            or len(facts.original.split()) < config.min_words):
        return None
    chance = _read_words(facts, config.words_model, _rules_reading(facts, policy, rule), channel)
    if chance is None:
        return None
    if chance >= threshold:
        return chance
    facts.notes.append(f"the words reader gives an emergency {learned.describe_probability(chance)}, under the "
                       f"policy's {learned.describe_probability(threshold)}")
    return None


def _other_language_emergency(facts: Facts, grade: str, policy: Policy) -> float | None:
    """The other-languages reader's probability of an emergency, where it grades a contact flagged
    for an interpreter immediate (``language.emergency_reader``); None where it does not."""
    if not facts.interpreter_needed or grade == "immediate":
        return None
    chance = other_languages.emergency_probability(facts.original, policy)
    if chance is None:
        return None
    threshold = policy.language.emergency_threshold
    if chance >= threshold:
        return chance
    facts.notes.append(f"the reader of contacts not in English gives an emergency {learned.describe_probability(chance)}, "
                       f"under the policy's {learned.describe_probability(threshold)}")
    return None


def _immediate_threshold(prediction: learned.Prediction, config: learned.LearnedConfig) -> float:
    """The chance of immediate at which the model raises an English contact to immediate: higher
    where, after immediate, it finds no police response likeliest (``immediate_threshold_if_other_resolution``)."""
    higher = config.immediate_threshold_if_other_resolution
    if higher is None or _likeliest_after_immediate(prediction) != "other_resolution":
        return config.immediate_threshold
    return max(config.immediate_threshold, higher)


def _likeliest_after_immediate(prediction: learned.Prediction) -> str:
    """The model's likeliest grade other than immediate (the more urgent one on a tie)."""
    others = {g: p for g, p in prediction.grade_probabilities.items() if g != "immediate"}
    return max(others, key=lambda g: (others[g], -GRADES.index(g)))


def _learned_line(prediction: learned.Prediction) -> str:
    ranked = sorted(prediction.grade_probabilities.items(), key=lambda item: -item[1])
    shares = ", ".join(f"{g} {learned.describe_probability(p)}" for g, p in ranked)
    return f"learned: reviewers graded contacts like this {shares} (model {prediction.model_version})"


def _mode_line(facts: Facts, policy: Policy) -> str:
    if facts.mode == semantic.MODE_SEMANTIC:
        version = semantic.load_descriptions(str(semantic.config_for(policy).descriptions)).version
        model = f", learned model {facts.learned.model_version}" if facts.learned is not None else ""
        words = f", words reader {facts.words_version}" if facts.words_version else ""
        return f"mode: {facts.mode} (descriptions {version}{model}{words})"
    return f"mode: {facts.mode} (words reader {facts.words_version})" if facts.words_version else f"mode: {facts.mode}"


def _scores(counted: list[Hit], policy: Policy) -> dict[str, float]:
    scores = {factor: 0.0 for factor in ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")}
    for hit in counted:
        weight = hit.weight
        if hit.factor in policy.timing.time_sensitive_factors:
            weight *= policy.timing.multipliers.get(hit.timing, 1.0)
        scores[hit.factor] += weight
    return {factor: round(value, 2) for factor, value in scores.items()}


def _vulnerabilities(hits: list[Hit], policy: Policy, only: frozenset[str] | None = None) -> set[str]:
    """The categories the hits name (`only`: those of them in it), with what they imply."""
    # Vulnerabilities described in a "how do I report..." enquiry are real; hypotheticals are not.
    found = {v for h in hits if not h.negated and h.question != "hypothetical" for v in h.vulnerabilities}
    if only is not None:
        found &= only
    for category in list(found):
        found.update(policy.vulnerability_implies.get(category, ()))
    return found


def _language(text: str, body: str, policy: Policy) -> tuple[language_detection.LanguageResult, bool]:
    """The detected language, and whether the contact is not in English.

    A message that is plainly English (``_plainly_english``) is not given to lingua. Otherwise
    lingua decides when it is confident (`language.min_confidence` in the policy); when it is
    unsure, or not installed, or the text is too short for it, the cheap word check decides.
    """
    if _plainly_english(text, body):
        return language_detection.PLAIN_ENGLISH, False
    detected = language_detection.detect_language(text)
    if detected.known and detected.confidence >= policy.language.min_confidence:
        return detected, not detected.is_english
    if detected.unlisted:
        # lingua's best guess was another language, and the letters are not that language's
        # either (Hungarian, Slovak, Vietnamese...): not English, its name not recognised.
        return detected, True
    return detected, _probably_not_english(body)


def _context_hits(context: RecordContext | None, policy: Policy) -> list[Hit]:
    """What our records say, as indicators: each raises risk by the policy's `context:` weights."""
    if context is None:
        return []
    cfg = policy.context
    hits: list[Hit] = []

    def hit(ident: str, factor: str, weight: float, reason: str, tags: set[str], vulnerabilities=()) -> Hit:
        return Hit(
            indicator_id=ident, factor=factor, weight=weight, reason=reason, tags=frozenset(tags),
            life_threat=frozenset(), vulnerabilities=tuple(vulnerabilities), timing="present",
            snippet=reason, from_context=True,
        )

    if context.repeat_contacts_30d >= cfg.repeat_min:
        weight = min(context.repeat_contacts_30d * cfg.repeat_weight_each, cfg.repeat_max_weight)
        hits.append(hit("context.repeat_contacts", cfg.repeat_factor, weight, context.repeat_text(), {"repeat_contacts"}))
    if context.open_case_same_place:
        hits.append(hit("context.open_case_same_place", cfg.open_case_factor, cfg.open_case_weight,
                        context.open_case_text(), {"open_case_same_place"}))
    for marker in sorted(set(context.person_markers)):
        hits.append(hit(f"context.marker.{marker}", cfg.marker_factor, cfg.marker_weight,
                        f"a vulnerability marker: {marker.replace('_', ' ')}", {"person_marker"},
                        (marker,) if cfg.marker_adds_vulnerability else ()))
    return hits


def _plainly_english(text: str, body: str) -> bool:
    """English without asking lingua: no letter outside a-z (punctuation may be curly), at
    least PLAIN_MIN_WORDS words, and at least PLAIN_MIN_COMMON of them among the commonest
    English words. lingua agrees on every one of the 2,287 labelled training contacts that pass
    (91% of them; a test holds it), and it is the slowest step of the rules (about 0.3 ms a
    contact)."""
    if _NON_ASCII_LETTER.search(text):
        return False
    words = _WORD.findall(body)
    return len(words) >= PLAIN_MIN_WORDS and sum(w in _ENGLISH_COMMON for w in words) >= PLAIN_MIN_COMMON * len(words)


def _probably_not_english(body: str) -> bool:
    """Cheap language check: non-Latin script, or few common English words (with diacritics)."""
    letters = len(_LETTER.findall(body))
    if letters >= 6 and len(_NON_LATIN.findall(body)) / letters > 0.3:
        return True
    words = _WORD.findall(body)
    if len(words) < 4:
        return False
    common = sum(1 for w in words if w in _ENGLISH_COMMON)
    ratio = common / len(words)
    if ratio < 0.15:
        return True
    # Short Polish/Romanian messages share a few words with English ("a", "i", "no"); their
    # diacritics give them away.
    return ratio < 0.3 and len(_FOREIGN_DIACRITIC.findall(body)) >= 2


# --------------------------------------------------------------------------- rules


def _condition_holds(condition: Mapping[str, Any], facts: Facts) -> bool:
    counted = facts.counted
    for key, expected in condition.items():
        if key == "empty":
            ok = facts.empty == expected
        elif key == "answer":
            ok = all(facts.answers.get(k) == v for k, v in expected.items())
        elif key == "life_threat":
            ok = facts.life_threat == expected
        elif key == "tags":
            timings = condition.get("timing")
            ok = any(h.tags & set(expected) and (timings is None or h.timing in timings) for h in counted)
        elif key == "timing":
            ok = True  # qualifies "tags"
        elif key == "no_tags":
            ok = not any(h.tags & set(expected) for h in counted)
        elif key == "vulnerabilities":
            ok = bool(facts.vulnerabilities & set(expected))
        elif key == "scores":
            ok = all(facts.scores.get(factor, 0.0) >= minimum for factor, minimum in expected.items())
        elif key == "question_only":
            ok = facts.question_only == expected
        elif key == "any":
            ok = any(_condition_holds(sub, facts) for sub in expected)
        elif key == "all":
            ok = all(_condition_holds(sub, facts) for sub in expected)
        elif key == "not":
            ok = not _condition_holds(expected, facts)
        else:  # the loader rejects unknown keys; this guards hand-built policies
            raise ValueError(f"unknown rule condition {key!r}")
        if not ok:
            return False
    return True


def _level(score: float, policy: Policy) -> str:
    if score >= policy.levels["high"]:
        return "high"
    if score >= policy.levels["medium"]:
        return "medium"
    return "low" if score > 0 else "none"


def _describe(hit: Hit) -> str:
    if hit.from_context:
        return f"{RECORDS_PREFIX}{hit.reason}"
    if hit.from_answer:
        return f"{hit.reason} (answer {hit.snippet})"
    hedge = ", not certain" if hit.uncertain else ""
    return f"{hit.reason} (\u201c{hit.snippet}\u201d, {TIMING_WORDS.get(hit.timing, hit.timing)}{hedge})"


def _floors(facts: Facts, policy: Policy) -> list[tuple[str, str, str]]:
    """Grades a contact may not fall below, as (grade, floor id, reason), from the policy."""
    floors: list[tuple[str, str, str]] = []
    if facts.interpreter_needed and policy.language.floor:
        name = facts.language_name or "a language we could not recognise"
        floors.append((policy.language.floor, "floor.not_english",
                       f"written in {name}, so at least {policy.language.floor} until a person who reads it has assessed it"))
    # The details are in the "records:" lines; this first line is also shown outside the force.
    context, cfg = facts.context, policy.context
    if context is not None and not facts.question_only:
        if cfg.repeat_floor and context.repeat_contacts_30d >= cfg.repeat_floor_min:
            floors.append((cfg.repeat_floor, "floor.repeat_contacts",
                           f"repeated contacts in our records, so at least {cfg.repeat_floor}"))
        if cfg.open_case_floor and context.open_case_same_place:
            floors.append((cfg.open_case_floor, "floor.open_case_same_place",
                           f"an open case in our records, so at least {cfg.open_case_floor}"))
        if cfg.marker_floor and set(context.person_markers) & cfg.marker_floor_categories:
            floors.append((cfg.marker_floor, "floor.person_marker",
                           f"a marker in our records, so at least {cfg.marker_floor}"))
    return floors


def _grade_rule(facts: Facts, policy: Policy) -> GradeRule:
    """The first of the policy's grade rules that holds (the last one always does)."""
    return next(r for r in policy.grade_rules if _condition_holds(r.when, facts))


def _decide(facts: Facts, channel: str, policy: Policy) -> Assessment:
    rule = _grade_rule(facts, policy)
    grade, response, rule_id, reason = rule.grade, rule.response, rule.id, rule.reason
    rules_grade = ""
    if facts.learned_model is not None and facts.text is not None:
        reading = _rules_reading(facts, policy, rule)
        facts.learned = learned.predict(facts.text, reading, facts.learned_model, facts.embedded, facts.middles)
        facts.words_chance = _words_chance(facts, reading, channel, policy)
    _add_learned_vulnerabilities(facts, policy)
    by_model = _apply_learned(facts, grade, rule.id, policy)
    if by_model is not None:
        rules_grade = grade
        assert facts.learned is not None
        share = learned.describe_probability(facts.learned.grade_probabilities[by_model[0]])
        if by_model[1] == "learned.immediate":
            why = f"{_chance_text(facts, policy)}, at or above the policy's threshold for an emergency"
        elif by_model[1] == "learned.immediate_not_english":
            why = (f"the learned model, reading a message not in English, gives immediate {share}, at or above the "
                   f"policy's threshold for an emergency in such a message")
        elif by_model[1] == "learned.overruled":
            config = learned.config_for(policy)
            below = learned.describe_probability(config.overrule_bar(rule.id) or 0.0)
            if rule.id in config.overrule_only_below:
                immediate = learned.describe_probability(facts.learned.grade_probabilities.get("immediate", 0.0))
                chance = f"the learned model gives immediate only {immediate}"
            else:
                chance = _chance_text(facts, policy, "only ")
            why = (f"{chance}, below the {below} under which the policy lets the learned layer overrule this rule's "
                   f"emergency; reviewers graded contacts like this {by_model[0]} ({share}) or less urgent")
        else:
            why = f"reviewers graded contacts like this {by_model[0]} ({share})"
        reason = f"{why} (the rules alone gave {grade} by rule {rule.id}: {rule.reason})"
        grade, response, rule_id = by_model[0], None, by_model[1]
    alone = _words_alone_emergency(facts, grade, rule, channel, policy) if by_model is None else None
    if alone is not None:
        threshold = learned.config_for(policy).words_alone_threshold or 0.0
        reason = (f"the words reader gives an emergency {learned.describe_probability(alone)}, at or above the policy's "
                  f"{learned.describe_probability(threshold)} where the learned model cannot read a contact "
                  f"(before it: {grade} by rule {rule_id}: {reason})")
        rules_grade = grade
        grade, response, rule_id = "immediate", None, words_reader.RULE_ID
    emergency = _other_language_emergency(facts, grade, policy)
    if emergency is not None:
        before = f"{grade} by {'' if rules_grade else 'rule '}{rule_id}: {reason}"
        reason = (f"the reader of contacts not in English gives an emergency {learned.describe_probability(emergency)}, "
                  f"at or above the policy's {learned.describe_probability(policy.language.emergency_threshold)} "
                  f"(before it: {before})")
        rules_grade = rules_grade or grade
        grade, response, rule_id = "immediate", None, other_languages.RULE_ID
    floors = sorted(_floors(facts, policy), key=lambda f: GRADES.index(f[0]))
    if floors and GRADES.index(floors[0][0]) < GRADES.index(grade):
        if by_model is None:
            reason = f"{floors[0][2]} (the rules alone gave {grade} by rule {rule.id}: {rule.reason})"
        else:
            reason = f"{floors[0][2]} (before it: {grade} by {rule_id}: {reason})"
        rules_grade = rules_grade or grade
        grade, response, rule_id = floors[0][0], None, floors[0][1]
    standard = policy.service_standard(grade)
    response = response or standard.response
    standard = policy.service_standard(grade, response)
    call_999 = call_999_advice(grade, channel)

    counted = sorted(facts.counted, key=lambda h: (-policy.timing.multipliers.get(h.timing, 1.0) * h.weight))
    thrive: dict[str, dict[str, Any]] = {}
    for factor, score in facts.scores.items():
        thrive[factor] = {
            "level": _level(score, policy),
            "score": score,
            "reasons": [_describe(h) for h in counted if h.factor == factor],
        }

    rationale = [f"Graded {grade} ({response}) by {'' if rules_grade else 'rule '}{rule_id}: {reason}"]
    if call_999:
        rationale.append(f"this is an emergency reported by {channel}, so the person is told to call 999 now")
    rationale.extend(f"{h.factor}: {_describe(h)}" for h in counted if not h.from_context)
    # Lines drawn from our records start with "records:" (context.public_rationale leaves them out).
    rationale.extend(
        _describe(h) + (f" (raises {h.factor} by {h.weight:g})" if h.weight else "") for h in counted if h.from_context
    )
    if facts.context is not None:
        rationale.extend(f"{RECORDS_PREFIX}{line}" for line in facts.context.references)
    for hit in facts.hits:
        if hit.negated:
            rationale.append(f"not counted because it is negated: \u201c{hit.snippet}\u201d ({hit.reason})")
        elif hit.question == "hypothetical":
            rationale.append(f"not counted, it is in a question or a hypothetical: \u201c{hit.snippet}\u201d")
        elif hit.question == "enquiry":
            rationale.append(f"noted but not treated as live, it is in a question about reporting: \u201c{hit.snippet}\u201d")
    if facts.vulnerabilities:
        rationale.append("vulnerabilities: " + ", ".join(sorted(facts.vulnerabilities)))
    rationale.extend(match.describe() for match in facts.semantic_matches)
    rationale.extend(
        f"not listed: {category} (the words suggested it; the learned model gives {learned.describe_probability(p)}, "
        f"below the policy's {learned.describe_probability(learned.config_for(policy).vulnerability_threshold)})"
        for category, p in facts.unconfirmed_vulnerabilities
    )
    rationale.extend(
        f"learned vulnerability: {category} ({learned.describe_probability(p)})" for category, p in facts.learned_vulnerabilities
    )
    if facts.learned is not None:
        rationale.append(_learned_line(facts.learned))
    if facts.words_chance is not None:
        weight = learned.config_for(policy).words_weight
        rationale.append(f"words reader: an emergency {learned.describe_probability(facts.words_chance)} "
                         f"(counted {weight:g} to the model's {1 - weight:g} in the chance of an emergency)")
    rationale.extend(facts.notes)
    rationale.append(f"what happens next: {standard.next_steps_text}")
    rationale.append(_mode_line(facts, policy))
    rationale.append(f"policy {policy.version}")

    rules_fired = [h.indicator_id for h in facts.hits if h.counts] + [rule.id]
    if by_model is not None:
        rules_fired.append(by_model[1])
    if rules_grade and rule_id != rules_fired[-1]:
        rules_fired.append(rule_id)
    return Assessment(
        grade=grade,
        response=response,
        vulnerabilities=sorted(facts.vulnerabilities),
        call_999_advice=call_999,
        thrive=thrive,
        rationale=rationale,
        policy_version=policy.version,
        rules_fired=rules_fired,
        next_steps=standard.next_steps_text,
        target_minutes=standard.target_minutes,
        language=facts.language,
        language_name=facts.language_name,
        interpreter_needed=facts.interpreter_needed,
        rules_grade=rules_grade,
        mode=facts.mode,
        learned_grade_probabilities=dict(facts.learned.grade_probabilities) if facts.learned is not None else {},
        learned_vulnerability_probabilities=(
            dict(facts.learned.vulnerability_probabilities) if facts.learned is not None else {}
        ),
        words_chance=None if facts.words_chance is None else round(facts.words_chance, 4),
    )


assert set(GRADES) == {"immediate", "prompt", "standard", "other_resolution"}


def warm_up() -> None:
    """Load everything assess() loads lazily (policy, language detector, sentence model). The
    language detector is built explicitly: the warm-up text is plainly English, which assess()
    no longer asks it about, and building it takes about a second."""
    language_detection.preload()
    assess(text="Someone broke into my car last night and took my bag.", channel="web")
