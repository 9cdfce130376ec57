"""One kind of problem for every stage: loading, schema checks, references, expressions, lint.

Every problem a user can cause is a :class:`Diagnostic` located at ``path:line:col`` with a stable
code from the registry :data:`RULES`. Codes are never reused; a retired rule stays in the registry
with its meaning so old reports still make sense.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

#: C0 and C1 control characters (and DEL): in text read from a file they could move the
#: cursor, recolour or retitle a terminal, or hide what follows. Tab and newline are kept
#: where a text has lines (see :func:`printable`).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` safe to print on a terminal: every control character is shown as an escape
    (``\\x1b``) instead of being sent raw. With ``lines`` newlines and tabs are kept, for
    multi-line output; otherwise they are escaped too, so a one-line message stays one line."""
    pattern = _CONTROL if lines else _CONTROL_OR_LINE
    return pattern.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class Severity(StrEnum):
    """How bad a problem is: errors make input unusable, warnings make an assessment weaker, and
    information is worth knowing but is no fault (``--strict`` shows it and never fails on it)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located problem, written for the person who wrote the file.

    ``line`` and ``col`` are 1-based, as editors count them. ``message`` says what is wrong in the
    author's terms; the fix, where there is one, goes in ``hint``.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)

    def format(self) -> str:
        """The one-line form printed by the CLI: ``file:line:col: severity: message [CODE]``."""
        text = f"{self.path}:{self.line}:{self.col}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return printable(f"{text} [{self.code}]")

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity.value,
        }


class DiagnosticError(Exception):
    """Raised by loaders when input cannot be used; carries every problem found, sorted."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of problem, as yamllint and sqlfluff keep theirs: a stable code, a readable name,
    a severity, a one-line summary and an explanation. The reference page
    ``docs/reference/diagnostics.md`` is generated from these records."""

    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str

    def at(
        self, path: str, line: int, col: int, message: str, hint: str | None = None
    ) -> Diagnostic:
        """A diagnostic of this rule at ``path:line:col``."""
        return Diagnostic(path, line, col, self.code, message, hint, self.severity)


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

YAML_SYNTAX = Rule(
    "PIA-E001",
    "yaml-syntax",
    _E,
    "The file is not valid YAML.",
    "libyaml could not parse the text, or it is not UTF-8. The position is where the parser "
    "gave up; an unclosed quote or bracket usually starts earlier.",
)
DUPLICATE_KEY = Rule(
    "PIA-E002",
    "duplicate-key",
    _E,
    "A mapping has the same key twice.",
    "YAML would silently keep the last value; pia refuses the file and names the first one.",
)
YAML_ALIAS = Rule(
    "PIA-E003",
    "yaml-alias",
    _E,
    "YAML anchors and aliases are not allowed.",
    "An alias can expand a few hundred bytes into gigabytes. Write the value out in full.",
)
YAML_MERGE = Rule(
    "PIA-E004",
    "yaml-merge-key",
    _E,
    "YAML merge keys (<<) are not allowed.",
    "Merge keys hide where a value comes from. Write the fields out in full.",
)
YAML_TAG = Rule(
    "PIA-E005",
    "yaml-tag",
    _E,
    "A YAML tag other than the standard scalar, list and mapping tags was used.",
    "Custom tags can construct objects; pia reads only plain data.",
)
TOO_LARGE = Rule(
    "PIA-E006",
    "too-large",
    _E,
    "The file is larger than pia accepts.",
    "Files over the size or node limit are refused before they are parsed in full.",
)
NOT_A_MAPPING = Rule(
    "PIA-E007",
    "not-a-mapping",
    _E,
    "The document is empty, holds several documents, or is not a mapping.",
    "A case or rubric file is exactly one YAML document whose top level is a mapping of fields.",
)
KEY_NOT_STRING = Rule(
    "PIA-E008",
    "key-not-string",
    _E,
    "A mapping key is not a string.",
    "Keys such as `1` or `true` are read as numbers or booleans; quote them.",
)
UNREADABLE = Rule(
    "PIA-E009",
    "unreadable",
    _E,
    "The file could not be read.",
    "The path does not exist, is not readable, or names no rubric pia knows.",
)
UNKNOWN_FIELD = Rule(
    "PIA-E010",
    "unknown-field",
    _E,
    "A field is not part of the format.",
    "Every model forbids unknown fields, so a typo is an error at its own line rather than a "
    "silently ignored fact. The message suggests the closest field name.",
)
MISSING_FIELD = Rule(
    "PIA-E011",
    "missing-field",
    _E,
    "A required field is missing.",
    "The field must be present; write `unknown` where the format allows it and the sources do "
    "not settle it.",
)
WRONG_VALUE = Rule(
    "PIA-E012",
    "wrong-value",
    _E,
    "A value has the wrong type or is not one of the allowed values.",
    "The message names the allowed values or the expected type.",
)
DANGLING_REFERENCE = Rule(
    "PIA-E020",
    "dangling-reference",
    _E,
    "A reference names an id that is not declared.",
    "Every id a case cites (a source, a party, a flow...) must be declared in its section.",
)
DUPLICATE_ID = Rule(
    "PIA-E021",
    "duplicate-id",
    _E,
    "The same id is declared twice.",
    "Ids are unique across the case's sections, so a reference names exactly one entry.",
)
WRONG_KIND = Rule(
    "PIA-E022",
    "wrong-kind",
    _E,
    "A reference names an id of the wrong kind.",
    "For example a flow's `from` must name a party, not a data element.",
)
CEL_SYNTAX = Rule(
    "PIA-E030",
    "cel-syntax",
    _E,
    "A rubric expression is not valid CEL.",
    "The position points at the character inside the rubric file where parsing failed.",
)
CEL_UNKNOWN_PATH = Rule(
    "PIA-E031",
    "cel-unknown-path",
    _E,
    "A rubric expression reads a case field that the case format does not have.",
    "Paths are checked when a rubric loads, so a misspelt field is an error, never a silent "
    "false when the rubric runs.",
)
CEL_RUNTIME = Rule(
    "PIA-E032",
    "cel-runtime",
    _E,
    "A rubric expression failed while being evaluated.",
    "An error that is not an unknown fact (a type mismatch, a missing key) is reported, never "
    "read as false.",
)
RUBRIC_INCONSISTENT = Rule(
    "PIA-E033",
    "rubric-inconsistent",
    _E,
    "A rubric is inconsistent (levels, bands or weights).",
    "Levels, thresholds, bands and caps must name each other and be ordered best first.",
)
DATE_AFTER_AS_OF = Rule(
    "PIA-E023",
    "date-after-as-of",
    _E,
    "A dated fact is after the case's as_of, and its entry is not marked planned.",
    "A case describes the arrangement as of one date. A fact dated after it is either scheduled "
    "(mark its entry `planned: true`) or a typo, such as 2062 for 2026, that would silently "
    "drop the fact from every assessment before that date. The sign-off date may follow as_of.",
)
JUDGMENT_UNKNOWN_CRITERION = Rule(
    "PIA-E040",
    "judgment-unknown-criterion-id",
    _E,
    "A judgment names a criterion that no loaded rubric declares.",
    "Judgments are keyed by qualified criterion id, such as `core.oversight`.",
)
BAD_SETTINGS = Rule(
    "PIA-E060",
    "bad-settings",
    _E,
    "The `[tool.pia]` settings in pyproject.toml are not valid.",
    "Settings are `select`, `ignore` and `per-file-ignores`, each naming lint codes (`PIA-W104`), "
    "code prefixes (`PIA-W1`) or rule names (`uncited-source`). Errors cannot be ignored.",
)
CLAIM_WITHOUT_SOURCE = Rule(
    "PIA-W101",
    "claim-without-source",
    _W,
    "A claim says how sure it is (confidence not unknown) but cites no source.",
    "Every claim should trace to a source a reader can check.",
)
UNCITED_SOURCE = Rule(
    "PIA-W102",
    "uncited-source",
    _W,
    "A declared source is not cited anywhere in the case.",
    "An uncited source supports nothing; cite it or remove it.",
)
WEAK_RATIONALE = Rule(
    "PIA-W103",
    "weak-rationale",
    _W,
    "A judgment or risk rating has no meaningful rationale (under 20 characters).",
    "A rating a reader cannot follow cannot be signed.",
)
FLOW_WITHOUT_AUTHORITY = Rule(
    "PIA-W104",
    "flow-without-authority",
    _W,
    "A flow names no legal authority.",
    "Every disclosure should name the authority it rests on, or `unknown`.",
)
RISK_WITHOUT_MITIGATION = Rule(
    "PIA-W105",
    "risk-without-mitigation",
    _W,
    "A risk names no mitigating safeguard.",
    "A risk with no mitigation keeps its inherent rating; say so on purpose.",
)
STALE_AS_OF = Rule(
    "PIA-W106",
    "stale-as-of",
    _W,
    "The case's as_of date is more than a year before today.",
    "An old assessment may no longer describe the arrangement.",
)
UNKNOWN_FACTS = Rule(
    "PIA-W107",
    "unknown-facts",
    _I,
    "A section holds unknown facts (one summary count per section).",
    "Unknown facts are gaps in the case; the report lists them as information gaps. Information, "
    "not a warning: an honest unknown is no fault, so `--strict` shows the count and does not fail "
    "on it (the code keeps its W from when it was a warning).",
)
UNUSED_WAIVER = Rule(
    "PIA-W108",
    "unused-waiver",
    _W,
    "A waiver in the case matches no warning.",
    "The warning it accepted is gone (or never fired, or the code or entry is misspelt, or the "
    "code is not a lint warning): remove the waiver, so the record lists only what is accepted.",
)
WAIVER_WITHOUT_REASON = Rule(
    "PIA-W109",
    "waiver-without-reason",
    _W,
    "A waiver gives no meaningful reason (under 20 characters).",
    "A waiver accepts a weakness on the record; the reason is the record. The waiver still "
    "applies, and this warning takes the place of the one it waives.",
)
INHERENT_COUNTS_MITIGATION = Rule(
    "PIA-W120",
    "inherent-counts-mitigation",
    _W,
    "A risk's inherent rating cites a safeguard that is also one of its mitigations.",
    "The inherent rating is the risk before any safeguard; pia computes the residual one by "
    "subtracting the mitigations by their status on the date. A rationale or basis that names a "
    "mitigation (by its id, or by citing a source only that mitigation rests on) counts it twice: "
    "rate the risk as if no safeguard worked, and leave the safeguard under mitigations.",
)
UNVERIFIED_MITIGATION = Rule(
    "PIA-W201",
    "unverified-mitigation",
    _W,
    "A residual risk is lowered only by safeguards nobody independent has verified.",
    "An assessment quality warning, printed in the report's methodology.",
)
JUDGMENT_FAR_FROM_DERIVED = Rule(
    "PIA-W202",
    "judgment-far-from-derived",
    _W,
    "An assessor's judgment is at least half the scale away from the level the indicators give.",
    "An assessment quality warning: the judgment may rest on facts the case does not record.",
)
JUDGMENT_UNKNOWN_CRITERION_NAME = Rule(
    "PIA-W203",
    "judgment-unknown-criterion",
    _W,
    "A judgment names no criterion of a loaded rubric.",
    "An assessment quality warning: the judgment is not used.",
)
JUDGMENT_UNKNOWN_LEVEL = Rule(
    "PIA-W204",
    "judgment-unknown-level",
    _W,
    "A judgment uses a level that is not on the rubric's scale.",
    "An assessment quality warning: the judgment is not used.",
)

# --- the source audit (issue 11) --------------------------------------------------------------

CONFIRMED_ON_WEAK_SOURCES = Rule(
    "PIA-W121",
    "confirmed-on-weak-sources",
    _W,
    "An entry marked confirmed rests only on low-reliability sources.",
    "`confirmed` means an official or primary source states it, or two major outlets agree; a "
    "mirror, a repost, a partisan site or a machine-written summary cannot carry that alone. "
    "The sources an entry's confirmation rests on are its citations that confirm it: the plain "
    "ones (`S3`, which take the entry's confidence) and the long ones marked "
    "`{source: S3, confidence: confirmed}`. The warning fires when every one of them has "
    "`reliability: low`, or when no citation confirms the entry at all. Cite a stronger source "
    "that carries the same statement, or lower the entry's confidence to what the sources bear "
    "(`reported`, `alleged`).",
)
MIRROR_CITED_ALONE = Rule(
    "PIA-W122",
    "mirror-cited-alone",
    _W,
    "An entry cites a known mirror of another source without citing the original.",
    "A source is a known mirror when it declares `mirror_of: ID`, naming the source in the case "
    "whose text it copies (a mirror, a repost, a syndicated or archived copy). A copy adds no "
    "independent support, and the reader should be sent to the original: an entry that cites "
    "the copy must also cite its original (or the original's own original, along a chain of "
    "copies). A source that names itself as its own original is this warning too.",
)
SAME_ADDRESS = Rule(
    "PIA-W123",
    "same-address",
    _W,
    "Two sources have the same address and neither is declared a copy of the other.",
    "Addresses are compared without the scheme, a leading `www.`, the letter case of the host, a "
    "trailing slash or a `#fragment`; the path and query must match. Two entries for one "
    "document are either one source declared twice (merge them) or a copy and its original "
    "(declare `mirror_of` on the copy, which then falls under PIA-W122).",
)

# --- added for hostile files and large cases (issue 13) ----------------------------------------

NUMBER_OUT_OF_RANGE = Rule(
    "PIA-E013",
    "number-out-of-range",
    _E,
    "A number is beyond what pia computes with: an integer outside 64 bits, or not finite.",
    "Rubric expressions work with CEL's 64-bit integers and scores with finite decimals; a "
    "figure of 2^63 or a weight of 1.0e+999 (which overflows to infinity) would fail later or "
    "turn every score into NaN, so it is refused where it is written.",
)
CANNOT_WRITE = Rule(
    "PIA-E014",
    "cannot-write",
    _E,
    "An output file could not be written (a read-only folder, a file where a folder was "
    "expected, a full disk).",
    "Every format of one run is written to a temp file first and renamed into place only when "
    "all are written, so a failed write leaves every earlier report as it was.",
)
CEL_TOO_DEEP = Rule(
    "PIA-E034",
    "cel-too-deep",
    _E,
    "A rubric expression nests deeper than pia evaluates.",
    "Parentheses, operators and macros inside each other are limited in depth when the rubric "
    "loads, so a deeply nested expression is a located error, not a crash of the interpreter. "
    "Split the test into several indicators or flatten it.",
)
CEL_TOO_COSTLY = Rule(
    "PIA-E035",
    "cel-too-costly",
    _E,
    "A rubric expression, or all of them together, took more evaluation steps than allowed.",
    "Each indicator has a budget of evaluation steps per evaluation, and one assessment run "
    "has a budget for all of them, so a rubric of nested comprehensions cannot run for hours "
    "(or hang `pia verify` on a report that carries it). The message names the indicator.",
)
CEL_UNKNOWN_FUNCTION = Rule(
    "PIA-E036",
    "cel-unknown-function",
    _E,
    "A rubric expression calls a function that neither CEL nor pia defines.",
    "Function names are checked when the rubric loads, so a misspelt function is a located "
    "error, not a failure of every assessment that uses the rubric.",
)
DAMAGED_REPORT = Rule(
    "PIA-E050",
    "damaged-report",
    _E,
    "The file given to `pia verify` is not a pia report, or its attachments are damaged.",
    "A report carries its case, its rubrics and its result as attachments. A PDF that cannot "
    "be read, an attachment that is missing, not UTF-8, malformed or larger than the limit, "
    "is this error (exit 2): there is nothing to verify. A report whose attachments load but "
    "do not reproduce the result fails verification instead (exit 1).",
)

#: Every rule, in code order. Codes are never reused; a retired rule stays with its meaning.
RULES: tuple[Rule, ...] = (
    YAML_SYNTAX,
    DUPLICATE_KEY,
    YAML_ALIAS,
    YAML_MERGE,
    YAML_TAG,
    TOO_LARGE,
    NOT_A_MAPPING,
    KEY_NOT_STRING,
    UNREADABLE,
    UNKNOWN_FIELD,
    MISSING_FIELD,
    WRONG_VALUE,
    NUMBER_OUT_OF_RANGE,
    CANNOT_WRITE,
    DANGLING_REFERENCE,
    DUPLICATE_ID,
    WRONG_KIND,
    DATE_AFTER_AS_OF,
    CEL_SYNTAX,
    CEL_UNKNOWN_PATH,
    CEL_RUNTIME,
    RUBRIC_INCONSISTENT,
    CEL_TOO_DEEP,
    CEL_TOO_COSTLY,
    CEL_UNKNOWN_FUNCTION,
    JUDGMENT_UNKNOWN_CRITERION,
    DAMAGED_REPORT,
    BAD_SETTINGS,
    CLAIM_WITHOUT_SOURCE,
    UNCITED_SOURCE,
    WEAK_RATIONALE,
    FLOW_WITHOUT_AUTHORITY,
    RISK_WITHOUT_MITIGATION,
    STALE_AS_OF,
    UNKNOWN_FACTS,
    UNUSED_WAIVER,
    WAIVER_WITHOUT_REASON,
    INHERENT_COUNTS_MITIGATION,
    CONFIRMED_ON_WEAK_SOURCES,
    MIRROR_CITED_ALONE,
    SAME_ADDRESS,
    UNVERIFIED_MITIGATION,
    JUDGMENT_FAR_FROM_DERIVED,
    JUDGMENT_UNKNOWN_CRITERION_NAME,
    JUDGMENT_UNKNOWN_LEVEL,
)
RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)
