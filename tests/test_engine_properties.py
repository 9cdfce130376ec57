"""Properties of the engine, checked on generated cases and the fixture cases with ``core``.

- scores stay within 0-100 and shares within 0-1;
- the order of list entries does not matter;
- a safeguard moving from stated to implemented to verified never lowers a rubric score and never
  raises a residual risk;
- unknown never scores as met: turning a known fact unknown never raises a criterion's share;
- Kleene monotonicity: making inputs of and/or/not unknown never turns TRUE into FALSE or FALSE
  into TRUE, and the result is what Kleene's tables say.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ROOT
from pia.cel.compile import compile_expression, new_environment
from pia.cel.evaluate import evaluate
from pia.cel.rubric import LoadedRubric, load_rubric, load_rubrics
from pia.cel.values import Recorder, Truth, Unknown, to_cel
from pia.engine import assess
from pia.load.case import load_case
from pia.model.assessment import Assessment
from pia.model.case import Case

FIXTURES = [
    ROOT / "tests" / "data" / "valid" / "minimal.yaml",
    ROOT / "tests" / "data" / "engine" / "judged.yaml",
    ROOT / "tests" / "data" / "engine" / "dated.yaml",
]
CORE: list[LoadedRubric] = load_rubrics(["core"])
TEST_RUBRIC = load_rubric(ROOT / "tests" / "data" / "rubrics" / "test.yaml")
ENGINE_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

TRI = st.sampled_from([True, False, "unknown"])


# --- generated cases -------------------------------------------------------------------------


def _source(ident: str) -> dict[str, Any]:
    return {"sources": ["S1"], "confidence": "reported", "id": ident}


@st.composite
def case_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A small valid case: every section rubrics read, with random facts, some unknown."""
    safeguards = [
        _source(f"sg{i}")
        | {
            "title": f"Safeguard {i}",
            "kind": "technical",
            "controls": draw(
                st.lists(
                    st.sampled_from(
                        [
                            "use_restriction",
                            "need_to_know",
                            "request_review",
                            "accounting",
                            "audit_logging",
                            "encryption",
                            "disposal",
                            "data_minimisation",
                            "incident_reporting",
                        ]
                    ),
                    max_size=3,
                    unique=True,
                )
            ),
            "status": [
                {
                    "status": draw(
                        st.sampled_from(
                            [
                                "stated",
                                "implemented",
                                "verified",
                                "disputed",
                                "failed",
                                "absent",
                                "unknown",
                            ]
                        )
                    ),
                    "since": "2024",
                    "sources": ["S1"],
                    "confidence": "reported",
                }
            ],
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    authorities = [
        _source(f"A{i}")
        | {
            "citation": f"{i} U.S.C. 1",
            "title": f"Authority {i}",
            "kind": draw(st.sampled_from(["statute", "regulation", "agreement"])),
            "relied_on": draw(TRI),
            "standing": [
                {
                    "status": draw(
                        st.sampled_from(["in_force", "contested", "enjoined", "unknown"])
                    ),
                    "since": "2020",
                    "sources": ["S1"],
                    "confidence": "reported",
                }
            ],
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    kinds = [draw(st.sampled_from(["collection", "stated", "alleged"])) for _ in range(2)]
    purposes = [
        _source(f"P{i}")
        | {
            "statement": f"Purpose {i}",
            "kind": kind,
            # the collection purpose fits itself: the format refuses `false` there
            "compatible_with_collection": draw(
                st.sampled_from([True, "unknown"]) if kind == "collection" else TRI
            ),
        }
        for i, kind in enumerate(kinds[: draw(st.integers(0, 2))])
    ]
    flows = [
        _source(f"F{i}")
        | {
            "title": f"Flow {i}",
            "from": "sender",
            "to": "receiver",
            "data": ["D1"],
            "subjects": ["people"],
            "purposes": [p["id"] for p in purposes if draw(st.booleans())],
            "authorities": [a["id"] for a in authorities if draw(st.booleans())],
            "bulk": draw(TRI),
            "automated_matching": draw(TRI),
            "status": [
                {
                    "status": draw(st.sampled_from(["active", "suspended", "unknown"])),
                    "since": "2024",
                    "sources": ["S1"],
                    "confidence": "reported",
                }
            ],
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    return {
        "id": "generated",
        "title": "Generated case",
        "summary": "Made by hypothesis.",
        "as_of": "2025-06-01",
        "authors": [{"name": "Hypothesis"}],
        "sources": [
            {
                "id": "S1",
                "title": "Source",
                "publisher": "Publisher",
                "date": "2025",
                "kind": "news",
            }
        ],
        "parties": [
            {
                "id": "sender",
                "name": "Sender",
                "kind": "agency",
                "sources": ["S1"],
                "confidence": "confirmed",
            },
            {
                "id": "receiver",
                "name": "Receiver",
                "kind": "agency",
                "sources": ["S1"],
                "confidence": "confirmed",
            },
            {
                "id": "overseer",
                "name": "Inspector",
                "kind": "inspector_general",
                "sources": ["S1"],
                "confidence": "confirmed",
            },
        ],
        "subjects": [
            _source("people")
            | {"name": "People", "vulnerability": draw(st.sampled_from(["low", "high", "unknown"]))}
        ],
        "data": [
            _source("D1")
            | {
                "name": "Data",
                "category": "identifier",
                "sensitivity": draw(st.sampled_from(["low", "medium", "high"])),
            }
        ],
        "flows": flows,
        "purposes": purposes,
        "authorities": authorities,
        "safeguards": safeguards,
        "oversight": [
            _source(f"O{i}")
            | {
                "body": "overseer",
                "kind": draw(st.sampled_from(["audit", "report", "letter"])),
                "independent": draw(st.booleans()),
                "activity": "Looked.",
                "date": "2025-01",
                "outcome": draw(st.sampled_from(["completed", "refused", "unknown"])),
            }
            for i in range(draw(st.integers(0, 2)))
        ],
        "retention": [
            _source(f"RT{i}")
            | {
                "statement": "Kept.",
                "period": draw(st.sampled_from(["five years", "unknown"])),
                "disposal": draw(TRI),
            }
            for i in range(draw(st.integers(0, 1)))
        ],
        "notice": [
            _source(f"N{i}")
            | {
                "kind": draw(st.sampled_from(["sorn", "individual", "public"])),
                "statement": "Told.",
                "provided": draw(TRI),
            }
            for i in range(draw(st.integers(0, 2)))
        ],
        "redress": [
            _source(f"RD{i}")
            | {
                "kind": draw(st.sampled_from(["civil_damages", "criminal_penalty", "complaint"])),
                "mechanism": "Sue.",
                "statement": "May sue.",
                "available": draw(TRI),
                "used": draw(TRI),
            }
            for i in range(draw(st.integers(0, 2)))
        ],
        "data_quality": [
            _source(f"Q{i}") | {"statement": "Errors.", "issue": draw(TRI)}
            for i in range(draw(st.integers(0, 1)))
        ],
        "risks": [
            _source(f"K{i}")
            | {
                "title": f"Risk {i}",
                "description": "Harm.",
                "feared_event": "misuse",
                "likelihood": draw(st.integers(1, 4)),
                "severity": draw(st.integers(1, 4)),
                "rationale": "Because.",
                "mitigations": [s["id"] for s in safeguards if draw(st.booleans())],
            }
            for i in range(draw(st.integers(0, 2)))
        ],
    }


def listed(data: dict[str, Any], section: str) -> list[Any]:
    """A section's entries in a case dict: none when it is left out or written ``unknown``."""
    value = data.get(section, [])
    return value if isinstance(value, list) else []


def to_case(data: dict[str, Any]) -> Case:
    return Case.model_validate_json(json.dumps(data))


def fixture_dict(path: Path) -> dict[str, Any]:
    dumped: dict[str, Any] = load_case(path).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    return dumped


#: The fixture cases and generated ones, as plain dicts to edit.
any_case = st.one_of(st.sampled_from(FIXTURES).map(fixture_dict), case_dicts())


@dataclass(frozen=True)
class Summary:
    levels: dict[str, str]
    shares: dict[str, float]
    scores: dict[str, float]
    ratings: dict[str, str]
    residual: dict[str, int]


def summary(result: Assessment) -> Summary:
    criteria = [c for r in result.rubrics for c in r.criteria]
    return Summary(
        levels={c.id: c.level for c in criteria},
        shares={c.id: c.share for c in criteria},
        scores={r.id: r.score for r in result.rubrics},
        ratings={r.id: r.rating for r in result.rubrics},
        residual={k.id: k.residual_likelihood for k in result.risks},
    )


def run(data: dict[str, Any], rubrics: list[LoadedRubric] = CORE) -> Summary:
    return summary(assess(to_case(data), rubrics))


# --- bounds ----------------------------------------------------------------------------------


@ENGINE_SETTINGS
@given(any_case)
def test_scores_and_shares_stay_in_range(data: dict[str, Any]) -> None:
    result = assess(to_case(data), [*CORE, TEST_RUBRIC])
    for rubric in result.rubrics:
        assert 0.0 <= rubric.score <= 100.0
        for criterion in rubric.criteria:
            assert 0.0 <= criterion.share <= 1.0
            assert 0.0 <= criterion.score <= criterion.weight
    for risk in result.risks:
        assert 1 <= risk.residual_likelihood <= risk.inherent_likelihood


# --- order of entries ------------------------------------------------------------------------

SHUFFLED = (
    "parties",
    "flows",
    "purposes",
    "authorities",
    "safeguards",
    "oversight",
    "notice",
    "redress",
    "risks",
)


@ENGINE_SETTINGS
@given(any_case, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_the_order_of_entries(data: dict[str, Any], rnd: Any) -> None:
    shuffled = copy.deepcopy(data)
    for section in SHUFFLED:
        rnd.shuffle(listed(shuffled, section))
        for entry in listed(shuffled, section):
            for field in ("controls", "mitigations", "purposes", "authorities"):
                if isinstance(entry.get(field), list):
                    rnd.shuffle(entry[field])
    assert run(shuffled) == run(data)


# --- safeguards getting stronger -------------------------------------------------------------

STRONGER = ("stated", "implemented", "verified")


def with_status(data: dict[str, Any], index: int, status: str) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    for state in changed["safeguards"][index]["status"]:
        state["status"] = status
    return changed


@ENGINE_SETTINGS
@given(any_case.filter(lambda d: bool(d.get("safeguards"))), st.data())
def test_stronger_safeguard_never_lowers_a_score_or_raises_a_risk(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    index = pick.draw(st.integers(0, len(data["safeguards"]) - 1), label="safeguard")
    weaker, stronger = (run(with_status(data, index, s)) for s in STRONGER[:2])
    strongest = run(with_status(data, index, STRONGER[2]))
    for lower, higher in ((weaker, stronger), (stronger, strongest)):
        assert all(higher.scores[r] >= lower.scores[r] for r in lower.scores)
        assert all(higher.residual[k] <= lower.residual[k] for k in lower.residual)


# --- unknown never scores as met -------------------------------------------------------------

#: Fields whose value may be written ``unknown``: (section, field), and history lists.
TRI_FIELDS = {
    "flows": ("bulk", "automated_matching"),
    "purposes": ("compatible_with_collection",),
    "authorities": ("relied_on",),
    "retention": ("period", "disposal"),
    "notice": ("provided",),
    "redress": ("available", "used"),
    "data_quality": ("issue",),
    "subjects": ("vulnerability",),
}
HISTORY_FIELDS = {"flows": "status", "safeguards": "status", "authorities": "standing"}


def known_facts(data: dict[str, Any]) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Setters that turn one known fact of ``data`` unknown."""

    def set_field(section: str, i: int, field: str) -> Callable[[dict[str, Any]], None]:
        def apply(d: dict[str, Any]) -> None:
            d[section][i][field] = "unknown"

        return apply

    def set_state(section: str, i: int, field: str, j: int) -> Callable[[dict[str, Any]], None]:
        def apply(d: dict[str, Any]) -> None:
            d[section][i][field][j]["status"] = "unknown"

        return apply

    for section, fields in TRI_FIELDS.items():
        for i, entry in enumerate(listed(data, section)):
            for field in fields:
                if field in entry and entry[field] != "unknown":
                    yield set_field(section, i, field)
    for section, field in HISTORY_FIELDS.items():
        for i, entry in enumerate(listed(data, section)):
            for j, state in enumerate(entry.get(field, [])):
                if state["status"] != "unknown":
                    yield set_state(section, i, field, j)


@ENGINE_SETTINGS
@given(any_case.filter(lambda d: any(True for _ in known_facts(d))), st.data())
def test_turning_a_fact_unknown_never_raises_a_share(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    setter = pick.draw(st.sampled_from(list(known_facts(data))), label="fact")
    unknown = copy.deepcopy(data)
    setter(unknown)
    before, after = run(data), run(unknown)
    assert {c: s for c, s in after.shares.items() if s > before.shares[c]} == {}


# --- Kleene monotonicity ---------------------------------------------------------------------

VARIABLES = ("a", "b", "c", "d")

Tree = tuple[Any, ...]

trees: st.SearchStrategy[Tree] = st.recursive(
    st.sampled_from(VARIABLES).map(lambda v: ("var", v)),
    lambda inner: st.one_of(
        inner.map(lambda t: ("not", t)),
        st.tuples(st.sampled_from(["and", "or"]), inner, inner),
    ),
    max_leaves=8,
)


def source_of(tree: Tree) -> str:
    match tree:
        case ("var", name):
            return f"case.{name}"
        case ("not", inner):
            return f"!({source_of(inner)})"
        case (op, left, right):
            return f"({source_of(left)} {'&&' if op == 'and' else '||'} {source_of(right)})"
    raise AssertionError(tree)


def kleene(tree: Tree, values: dict[str, Truth]) -> Truth:
    """Kleene's strong three-valued logic, written out as the reference."""
    match tree:
        case ("var", name):
            return values[name]
        case ("not", inner):
            return {Truth.TRUE: Truth.FALSE, Truth.FALSE: Truth.TRUE}.get(
                kleene(inner, values), Truth.UNKNOWN
            )
        case ("and", left, right):
            sides = {kleene(left, values), kleene(right, values)}
            if Truth.FALSE in sides:
                return Truth.FALSE
            return Truth.UNKNOWN if Truth.UNKNOWN in sides else Truth.TRUE
        case ("or", left, right):
            sides = {kleene(left, values), kleene(right, values)}
            if Truth.TRUE in sides:
                return Truth.TRUE
            return Truth.UNKNOWN if Truth.UNKNOWN in sides else Truth.FALSE
    raise AssertionError(tree)


def cel_truth(tree: Tree, values: dict[str, Truth]) -> Truth:
    view = {
        name: Unknown(f"case.{name}") if t is Truth.UNKNOWN else t is Truth.TRUE
        for name, t in values.items()
    }
    recorder = Recorder()
    outcome = evaluate(
        compile_expression(source_of(tree), new_environment()),
        {"case": to_cel(view, recorder)},
        recorder,
    )
    assert outcome.error is None, outcome.error
    return outcome.truth


@settings(max_examples=150, deadline=None)
@given(
    trees,
    st.fixed_dictionaries({v: st.booleans() for v in VARIABLES}),
    st.sets(st.sampled_from(VARIABLES), min_size=1),
)
def test_unknown_inputs_never_flip_a_settled_result(
    tree: Tree, assignment: dict[str, bool], hidden: set[str]
) -> None:
    known = {v: Truth.TRUE if b else Truth.FALSE for v, b in assignment.items()}
    partial = {v: Truth.UNKNOWN if v in hidden else t for v, t in known.items()}
    full_result, partial_result = cel_truth(tree, known), cel_truth(tree, partial)
    assert partial_result in (full_result, Truth.UNKNOWN)
    assert partial_result is kleene(tree, partial)


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_case_assesses_with_core(path: Path) -> None:
    assert assess(load_case(path), CORE).rubrics[0].id == "core"
