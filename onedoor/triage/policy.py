"""The triage policy: THRIVE indicators, grade rules and service standards, loaded from YAML.

The policy is data (``policy.yaml`` beside this module) so that it can be read, reviewed and
versioned by people who are not programmers. This module turns it into frozen dataclasses with
precompiled regular expressions, and refuses a policy that refers to unknown grades, factors,
responses, vulnerabilities or rule conditions, so a typo fails at load time, not in a live call.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DEFAULT_POLICY_PATH = Path(__file__).with_name("policy.yaml")

GRADES: tuple[str, ...] = ("immediate", "prompt", "standard", "other_resolution")
FACTORS: tuple[str, ...] = ("threat", "harm", "risk", "investigation", "vulnerability", "engagement")
RESPONSES: tuple[str, ...] = (
    "emergency_response",
    "prompt_response",
    "local_policing_appointment",
    "resolution_team",
    "advice",
    "signpost",
)
VULNERABILITIES: tuple[str, ...] = (
    "domestic_abuse",
    "child_at_risk",
    "mental_health",
    "suicide_risk",
    "missing_person",
    "older_or_frail",
    "sexual_offence",
    "hate_crime",
    "exploitation",
    "stalking_harassment",
    "disability",
)
# "historic" is "past" that is clearly long ago (months or years, "when I was a child").
TIMINGS: tuple[str, ...] = ("now", "present", "recent", "today", "ongoing", "past_tense", "past", "historic")
ANSWER_KEYS: tuple[str, ...] = ("in_danger_now", "offender_present", "injured", "weapons", "happened")
HAPPENED_VALUES: tuple[str, ...] = ("now", "within_hour", "today", "earlier")
CONDITION_KEYS = frozenset(
    {
        "empty",
        "answer",
        "life_threat",
        "tags",
        "timing",
        "no_tags",
        "vulnerabilities",
        "scores",
        "question_only",
        "any",
        "all",
        "not",
    }
)


class PolicyError(ValueError):
    """The policy file is malformed or refers to something the engine does not know."""


@dataclass(frozen=True)
class ServiceStandard:
    """What we promise for a grade: the response, the target time and what happens next."""

    response: str
    target_minutes: int
    next_steps_text: str
    rural_target_minutes: int | None = None
    review_minutes: int | None = None


@dataclass(frozen=True)
class Requirement:
    """A contact-level precondition of an indicator: one of `tags` counted at one of `timing`."""

    tags: frozenset[str]
    timing: frozenset[str]


@dataclass(frozen=True)
class Indicator:
    """A THRIVE indicator found in free text."""

    id: str
    factor: str
    weight: float
    reason: str
    regex: re.Pattern[str]
    with_all: tuple[re.Pattern[str], ...]
    unless: re.Pattern[str] | None
    requires: Requirement | None
    tags: frozenset[str]
    life_threat: frozenset[str]
    vulnerabilities: tuple[str, ...]
    negatable: bool
    # Words of other languages: counted only where the contact, or the sentence, is not in
    # English (Romanian "camera" and Polish "pistolet" are also English words).
    other_language: bool = False


@dataclass(frozen=True)
class AnswerIndicator:
    """A THRIVE indicator given by a structured answer (e.g. ``weapons: true``)."""

    id: str
    answer: str
    value: Any
    factor: str
    weight: float
    reason: str
    tags: frozenset[str]
    suppress: frozenset[str]


@dataclass(frozen=True)
class GradeRule:
    """One ordered grade rule: when `when` holds, the contact gets `grade` (and `response`)."""

    id: str
    when: Mapping[str, Any]
    grade: str
    response: str | None
    reason: str


@dataclass(frozen=True)
class TimingConfig:
    multipliers: Mapping[str, float]
    time_sensitive_factors: frozenset[str]
    answers: Mapping[str, str]
    markers: tuple[tuple[str, re.Pattern[str]], ...]  # in urgency order
    present_tense: re.Pattern[str]
    past_tense: re.Pattern[str]
    # A sentence that only dates what came before it ("it must have happened this afternoon"):
    # its time applies to the earlier sentences that gave none.
    dating: re.Pattern[str] | None = None


@dataclass(frozen=True)
class NegationConfig:
    window: int
    cues: frozenset[str]
    multiword_cues: tuple[tuple[str, ...], ...]
    pseudo: re.Pattern[str]
    clause_breaks: frozenset[str]


@dataclass(frozen=True)
class QuestionConfig:
    hypothetical: re.Pattern[str]
    enquiry: re.Pattern[str]
    preamble: re.Pattern[str]
    hearsay: re.Pattern[str]


@dataclass(frozen=True)
class LanguageConfig:
    """Contacts not in English: when a detected language is believed, and the cautious floor.

    The defaults (used when a policy has no `language:` section, as before cam-2026.11.3) set no
    floor, so an older policy file still grades as it did."""

    min_confidence: float = 0.5  # lingua's confidence in a non-English language before we believe it
    floor: str | None = None  # never graded below this until an interpreter has read it
    # The reader of contacts not in English (onedoor.triage.other_languages): its file, beside the
    # policy, and the probability of an emergency at which it grades such a contact immediate.
    emergency_model: str | None = None
    emergency_threshold: float = 0.5


@dataclass(frozen=True)
class ContextConfig:
    """How what our records already hold (see onedoor.triage.context) raises risk.

    The defaults (a policy without a `context:` section) name the records in the rationale but
    change no score, vulnerability or grade."""

    repeat_min: int = 1  # other contacts in the last 30 days before repeats count
    repeat_factor: str = "risk"
    repeat_weight_each: float = 0.0
    repeat_max_weight: float = 3.0
    repeat_floor_min: int = 2  # this many other contacts or more...
    repeat_floor: str | None = None  # ...and the contact is never graded below this
    open_case_factor: str = "risk"
    open_case_weight: float = 0.0
    open_case_floor: str | None = None
    marker_factor: str = "vulnerability"
    marker_weight: float = 0.0
    marker_adds_vulnerability: bool = False
    marker_floor: str | None = None  # a contact from a marked identifier is never graded below this...
    marker_floor_categories: frozenset[str] = frozenset()  # ...when the marker is one of these


@dataclass(frozen=True)
class Policy:
    """A loaded, validated, immutable triage policy."""

    version: str
    levels: Mapping[str, float]
    timing: TimingConfig
    negation: NegationConfig
    questions: QuestionConfig
    indicators: tuple[Indicator, ...]
    answer_indicators: tuple[AnswerIndicator, ...]
    grade_rules: tuple[GradeRule, ...]
    service_standards: Mapping[str, ServiceStandard]
    response_standards: Mapping[str, ServiceStandard]
    vulnerability_implies: Mapping[str, tuple[str, ...]]
    source: str
    language: LanguageConfig = LanguageConfig()
    context: ContextConfig = ContextConfig()

    def service_standard(self, grade: str, response: str | None = None) -> ServiceStandard:
        """The service standard for a grade; for other_resolution, optionally for one response."""
        if grade not in self.service_standards:
            raise ValueError(f"unknown grade {grade!r}; expected one of {', '.join(GRADES)}")
        if response is not None and response in self.response_standards and grade == "other_resolution":
            return self.response_standards[response]
        return self.service_standards[grade]


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file; the bundled one by default. Results are cached per path."""
    # The bundled policy is asked for on every contact: its path is resolved once.
    return _load_cached(str(Path(path).resolve()) if path is not None else _default_path())


@functools.cache
def _default_path() -> str:
    return str(DEFAULT_POLICY_PATH.resolve())


@functools.lru_cache(maxsize=16)
def _load_cached(path: str) -> Policy:
    return build_policy(read_policy_file(path), source=path)


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping: plain YAML keeps the last
    silently, so a second `unless:` under an indicator would drop the first without a word."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"the key {key!r} is given twice", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


@functools.lru_cache(maxsize=16)
def read_policy_file(path: str) -> Mapping[str, Any]:
    """A policy file as read (cached per path; do not change what it returns)."""
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader)
    except OSError as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"policy file {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PolicyError(f"policy file {path} must hold a mapping at the top level")
    return raw


def source_file(policy: Policy) -> str | None:
    """The file a loaded policy was read from, or None for one built in memory (asked on every
    contact, so whether the file exists is looked up once per path)."""
    return policy.source if policy.source and _is_file(policy.source) else None


@functools.lru_cache(maxsize=64)
def _is_file(path: str) -> bool:
    return Path(path).is_file()


def policy_section(path: str, key: str) -> Mapping[str, Any]:
    """One top-level section of a policy file (``semantic:``, ``learned:``), read once per file;
    empty when the file cannot be read (load_policy reports that)."""
    try:
        section = read_policy_file(path).get(key)
    except PolicyError:
        return {}
    return section if isinstance(section, Mapping) else {}


def build_policy(raw: Mapping[str, Any], *, source: str = "<memory>") -> Policy:
    """Build a Policy from an already-parsed mapping (used by the loader and by tests)."""
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise PolicyError("policy needs a non-empty string 'version'")
    indicators = tuple(_indicator(item) for item in _list(raw, "indicators"))
    _check_unique([i.id for i in indicators], "indicator")
    answer_indicators = tuple(_answer_indicator(item) for item in _list(raw, "answer_indicators"))
    grade_rules = tuple(_grade_rule(item) for item in _list(raw, "grade_rules"))
    _check_unique([r.id for r in grade_rules], "grade rule")
    if not grade_rules or grade_rules[-1].when:
        raise PolicyError("the last grade rule must have an empty 'when' so every contact gets a grade")
    standards, response_standards = _service_standards(raw.get("service_standards") or {})
    levels = raw.get("levels") or {}
    return Policy(
        version=version.strip(),
        levels=MappingProxyType({"high": float(levels.get("high", 6)), "medium": float(levels.get("medium", 3))}),
        timing=_timing(raw.get("timing") or {}),
        negation=_negation(raw.get("negation") or {}),
        questions=_questions(raw.get("questions") or {}),
        indicators=indicators,
        answer_indicators=answer_indicators,
        grade_rules=grade_rules,
        service_standards=standards,
        response_standards=response_standards,
        vulnerability_implies=_implies(raw.get("vulnerability_implies") or {}),
        source=source,
        language=_language(raw.get("language") or {}),
        context=_context(raw.get("context") or {}),
    )


# --------------------------------------------------------------------------- builders


def _list(raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise PolicyError(f"'{key}' must be a list")
    return value


def _check_unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise PolicyError(f"duplicate {what} id {item!r}")
        seen.add(item)


def _flat(patterns: list[Any]) -> list[Any]:
    """A pattern list with the lists inside it spliced in, so that a YAML anchor naming a list of
    patterns (the other-language child words, say) can stand beside other patterns."""
    return [p for item in patterns for p in (_flat(item) if isinstance(item, list) else [item])]


def _compile(patterns: Any, where: str) -> re.Pattern[str]:
    if isinstance(patterns, str):
        patterns = [patterns]
    patterns = _flat(patterns) if isinstance(patterns, list) else []
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise PolicyError(f"{where}: patterns must be a non-empty list of regular expressions")
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    except re.error as exc:
        raise PolicyError(f"{where}: bad regular expression: {exc}") from exc


def _known(values: Any, allowed: tuple[str, ...], where: str) -> tuple[str, ...]:
    values = tuple(values or ())
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise PolicyError(f"{where}: unknown {unknown}; expected some of {list(allowed)}")
    return values


def _indicator(item: Mapping[str, Any]) -> Indicator:
    ident = item.get("id")
    if not ident:
        raise PolicyError(f"indicator without an id: {item!r}")
    where = f"indicator {ident}"
    factor = item.get("factor")
    if factor not in FACTORS:
        raise PolicyError(f"{where}: factor must be one of {FACTORS}, not {factor!r}")
    requires = None
    if item.get("requires"):
        req = item["requires"]
        requires = Requirement(
            tags=frozenset(req.get("tags") or ()),
            timing=frozenset(_known(req.get("timing") or TIMINGS, TIMINGS, where)),
        )
    return Indicator(
        id=ident,
        factor=factor,
        weight=float(item.get("weight", 1)),
        reason=str(item.get("reason") or ident),
        regex=_compile(item.get("patterns"), where),
        with_all=tuple(_compile(group, f"{where} (with)") for group in item.get("with") or ()),
        unless=_compile(item["unless"], f"{where} (unless)") if item.get("unless") else None,
        requires=requires,
        tags=frozenset(item.get("tags") or ()),
        life_threat=frozenset(_known(item.get("life_threat"), TIMINGS, where)),
        vulnerabilities=_known(item.get("vulnerabilities"), VULNERABILITIES, where),
        negatable=bool(item.get("negatable", True)),
        other_language=_flag(item, "other_language", where),
    )


def _flag(item: Mapping[str, Any], key: str, where: str) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise PolicyError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _implies(raw: Mapping[str, Any]) -> Mapping[str, tuple[str, ...]]:
    _known(list(raw), VULNERABILITIES, "vulnerability_implies")
    return MappingProxyType({k: _known(v, VULNERABILITIES, f"vulnerability_implies {k}") for k, v in raw.items()})


def _answer_indicator(item: Mapping[str, Any]) -> AnswerIndicator:
    ident = item.get("id", "?")
    if item.get("answer") not in ANSWER_KEYS:
        raise PolicyError(f"answer indicator {ident}: answer must be one of {ANSWER_KEYS}")
    if item.get("factor") not in FACTORS:
        raise PolicyError(f"answer indicator {ident}: unknown factor {item.get('factor')!r}")
    return AnswerIndicator(
        id=ident,
        answer=item["answer"],
        value=item.get("value"),
        factor=item["factor"],
        weight=float(item.get("weight", 0)),
        reason=str(item.get("reason") or ident),
        tags=frozenset(item.get("tags") or ()),
        suppress=frozenset(item.get("suppress") or ()),
    )


def _grade_rule(item: Mapping[str, Any]) -> GradeRule:
    ident = item.get("id", "?")
    if item.get("grade") not in GRADES:
        raise PolicyError(f"grade rule {ident}: grade must be one of {GRADES}")
    response = item.get("response")
    if response is not None and response not in RESPONSES:
        raise PolicyError(f"grade rule {ident}: response must be one of {RESPONSES}")
    when = item.get("when") or {}
    _check_condition(when, f"grade rule {ident}")
    return GradeRule(
        id=ident,
        when=_freeze(when),
        grade=item["grade"],
        response=response,
        reason=str(item.get("reason") or ident),
    )


def _check_condition(condition: Any, where: str) -> None:
    if not isinstance(condition, Mapping):
        raise PolicyError(f"{where}: a condition must be a mapping, not {condition!r}")
    unknown = set(condition) - CONDITION_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown condition(s) {sorted(unknown)}; known: {sorted(CONDITION_KEYS)}")
    for key in ("any", "all"):
        for sub in condition.get(key) or ():
            _check_condition(sub, where)
    if "not" in condition:
        _check_condition(condition["not"], where)
    _known(condition.get("vulnerabilities"), VULNERABILITIES, where)
    _known(condition.get("timing"), TIMINGS, where)
    _known(list(condition.get("scores") or {}), FACTORS, where)
    _known(list(condition.get("answer") or {}), ANSWER_KEYS, where)


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _timing(raw: Mapping[str, Any]) -> TimingConfig:
    multipliers = {t: float((raw.get("multipliers") or {}).get(t, 1.0)) for t in TIMINGS}
    markers_raw = raw.get("markers") or {}
    markers = tuple(
        (bucket, _compile(markers_raw[bucket], f"timing marker {bucket}"))
        for bucket in ("now", "recent", "today", "ongoing", "past", "historic")
        if markers_raw.get(bucket)
    )
    answers = dict(raw.get("answers") or {"now": "now", "within_hour": "recent", "today": "today", "earlier": "past"})
    _known(list(answers), HAPPENED_VALUES, "timing answers")
    _known(list(answers.values()), TIMINGS, "timing answers")
    tense = raw.get("tense") or {}
    return TimingConfig(
        multipliers=MappingProxyType(multipliers),
        time_sensitive_factors=frozenset(_known(raw.get("time_sensitive_factors") or ("threat", "harm"), FACTORS, "timing")),
        answers=MappingProxyType(answers),
        markers=markers,
        present_tense=_compile(tense.get("present", r"\b(?:is|are|am)\b"), "present tense"),
        past_tense=_compile(tense.get("past", r"\b(?:was|were)\b"), "past tense"),
        dating=_compile(raw["dating"], "timing dating") if raw.get("dating") else None,
    )


def _negation(raw: Mapping[str, Any]) -> NegationConfig:
    raw_cues = raw.get("cues") or ["no", "not", "never"]
    if not all(isinstance(c, str) for c in raw_cues):
        # YAML reads a bare `no` as false: insist on quoted strings.
        raise PolicyError("negation cues must all be quoted strings (YAML reads bare no/yes as booleans)")
    cues = list(raw_cues)
    return NegationConfig(
        window=int(raw.get("window", 6)),
        cues=frozenset(c for c in cues if " " not in c),
        multiword_cues=tuple(tuple(c.split()) for c in cues if " " in c),
        pseudo=_compile(raw.get("pseudo") or [r"\bnot sure\b"], "negation pseudo"),
        clause_breaks=frozenset(raw.get("clause_breaks") or ("but",)),
    )


def _questions(raw: Mapping[str, Any]) -> QuestionConfig:
    return QuestionConfig(
        hypothetical=_compile(raw.get("hypothetical") or [r"^what if\b"], "questions hypothetical"),
        enquiry=_compile(raw.get("enquiry") or [r"^how do i\b"], "questions enquiry"),
        preamble=_compile(raw.get("preamble") or [r"^(?:hi|hello)\b[ ,]*"], "questions preamble"),
        hearsay=_compile(raw.get("hearsay") or [r"\bon the news\b"], "questions hearsay"),
    )


def _floor(value: Any, where: str) -> str | None:
    if value in (None, "", "none"):
        return None
    if value not in GRADES:
        raise PolicyError(f"{where}: floor must be one of {GRADES} or none, not {value!r}")
    return value


def _number(raw: Mapping[str, Any], key: str, default: float, where: str, *, low: float = 0.0, high: float = 100.0) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise PolicyError(f"{where}: {key} must be a number from {low} to {high}, not {value!r}")
    return float(value)


def _section(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw.get(key) or {}
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: '{key}' must be a mapping")
    return value


def _language(raw: Any) -> LanguageConfig:
    if not isinstance(raw, Mapping):
        raise PolicyError("'language' must be a mapping")
    unknown = set(raw) - {"min_confidence", "floor", "emergency_reader"}
    if unknown:
        raise PolicyError(f"language: unknown key(s) {sorted(unknown)}")
    default = LanguageConfig()
    reader = raw.get("emergency_reader") or {}
    if not isinstance(reader, Mapping) or set(reader) - {"model", "threshold"}:
        raise PolicyError(f"language.emergency_reader must be a mapping with model and threshold, not {reader!r}")
    model = reader.get("model")
    if reader and (not isinstance(model, str) or not model):
        raise PolicyError(f"language.emergency_reader.model must name the reader's file, not {model!r}")
    threshold = reader.get("threshold", default.emergency_threshold)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold < 1:
        raise PolicyError(f"language.emergency_reader.threshold must be a number in (0, 1), not {threshold!r}")
    return LanguageConfig(
        min_confidence=_number(raw, "min_confidence", default.min_confidence, "language", high=1.0),
        floor=_floor(raw.get("floor", default.floor), "language"),
        emergency_model=model or None,
        emergency_threshold=float(threshold),
    )


def _context(raw: Any) -> ContextConfig:
    if not isinstance(raw, Mapping):
        raise PolicyError("'context' must be a mapping")
    unknown = set(raw) - {"repeat_contacts", "open_case_same_place", "person_markers"}
    if unknown:
        raise PolicyError(f"context: unknown key(s) {sorted(unknown)}")
    d = ContextConfig()
    repeat = _section(raw, "repeat_contacts", "context")
    open_case = _section(raw, "open_case_same_place", "context")
    markers = _section(raw, "person_markers", "context")
    for where, section, keys in (
        ("context.repeat_contacts", repeat, {"min", "factor", "weight_each", "max_weight", "floor", "floor_min"}),
        ("context.open_case_same_place", open_case, {"factor", "weight", "floor"}),
        ("context.person_markers", markers, {"factor", "weight", "adds_vulnerability", "floor", "floor_categories"}),
    ):
        unknown = set(section) - keys
        if unknown:
            raise PolicyError(f"{where}: unknown key(s) {sorted(unknown)}")
        if section.get("factor", "risk") not in FACTORS:
            raise PolicyError(f"{where}: factor must be one of {FACTORS}, not {section.get('factor')!r}")
    return ContextConfig(
        repeat_min=int(_number(repeat, "min", d.repeat_min, "context.repeat_contacts", low=1)),
        repeat_factor=repeat.get("factor", d.repeat_factor),
        repeat_weight_each=_number(repeat, "weight_each", d.repeat_weight_each, "context.repeat_contacts"),
        repeat_max_weight=_number(repeat, "max_weight", d.repeat_max_weight, "context.repeat_contacts"),
        repeat_floor_min=int(_number(repeat, "floor_min", d.repeat_floor_min, "context.repeat_contacts", low=1)),
        repeat_floor=_floor(repeat.get("floor", d.repeat_floor), "context.repeat_contacts"),
        open_case_factor=open_case.get("factor", d.open_case_factor),
        open_case_weight=_number(open_case, "weight", d.open_case_weight, "context.open_case_same_place"),
        open_case_floor=_floor(open_case.get("floor", d.open_case_floor), "context.open_case_same_place"),
        marker_factor=markers.get("factor", d.marker_factor),
        marker_weight=_number(markers, "weight", d.marker_weight, "context.person_markers"),
        marker_adds_vulnerability=bool(markers.get("adds_vulnerability", d.marker_adds_vulnerability)),
        marker_floor=_floor(markers.get("floor", d.marker_floor), "context.person_markers"),
        marker_floor_categories=frozenset(
            _known(list(markers.get("floor_categories") or ()), VULNERABILITIES, "context.person_markers.floor_categories")
        ),
    )


def _service_standards(
    raw: Mapping[str, Any],
) -> tuple[Mapping[str, ServiceStandard], Mapping[str, ServiceStandard]]:
    standards: dict[str, ServiceStandard] = {}
    by_response: dict[str, ServiceStandard] = {}
    for grade in GRADES:
        item = raw.get(grade)
        if not item:
            raise PolicyError(f"service_standards needs an entry for grade {grade!r}")
        if item.get("response") not in RESPONSES:
            raise PolicyError(f"service standard {grade}: response must be one of {RESPONSES}")
        standards[grade] = ServiceStandard(
            response=item["response"],
            target_minutes=int(item["target_minutes"]),
            next_steps_text=" ".join(str(item.get("next_steps", "")).split()),
            rural_target_minutes=item.get("rural_target_minutes"),
            review_minutes=item.get("review_minutes"),
        )
        for response, sub in (item.get("responses") or {}).items():
            _known([response], RESPONSES, f"service standard {grade}")
            by_response[response] = ServiceStandard(
                response=response,
                target_minutes=int(sub.get("target_minutes", item["target_minutes"])),
                next_steps_text=" ".join(str(sub.get("next_steps", item.get("next_steps", ""))).split()),
            )
    by_response.setdefault(standards["other_resolution"].response, standards["other_resolution"])
    return MappingProxyType(standards), MappingProxyType(by_response)
