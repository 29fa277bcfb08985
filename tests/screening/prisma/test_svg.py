"""The PRISMA 2020 SVG: well-formed, every count in its box, no overlaps, text inside its box."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest

from screening.prisma.counts import compute_prisma
from screening.prisma.labels import identified_label, removed_label, reports_excluded_label
from screening.prisma.layout import BOX_WIDTH, FONT_ALLOWANCE, PAD_X
from screening.prisma.model import NamedCount, PrismaCounts, ScreeningTally, StudiesAndReports
from screening.prisma.svg import render_prisma_svg
from screening.prisma.text import fit_line, text_width, xml_safe
from tests.screening.prisma.test_counts import worked_example_input

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prisma"
NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Box:
    name: str
    x: float
    y: float
    width: float
    height: float
    lines: tuple[tuple[str, float, float], ...]  # text, x, y

    @property
    def text(self) -> str:
        return "\n".join(line for line, _, _ in self.lines)


def _boxes(svg: str) -> dict[str, Box]:
    root = SafeET.fromstring(svg.encode("utf-8"))
    boxes = {}
    for group in root.iter(f"{NS}g"):
        if group.get("class") != "prisma-box":
            continue
        rect = group.find(f"{NS}rect")
        text = group.find(f"{NS}text")
        assert rect is not None
        assert text is not None
        x, y, width, height = (
            float(rect.get(attr, "nan")) for attr in ("x", "y", "width", "height")
        )
        name = group.get("id", "")
        boxes[name] = Box(name, x, y, width, height, _lines(text))
    return boxes


def _lines(text: Element) -> tuple[tuple[str, float, float], ...]:
    spans = list(text.iter(f"{NS}tspan"))
    if not spans:
        return ((text.text or "", float(text.get("x", "0")), float(text.get("y", "0"))),)
    return tuple((s.text or "", float(s.get("x", "0")), float(s.get("y", "0"))) for s in spans)


def _example_counts() -> PrismaCounts:
    return compute_prisma(worked_example_input()).counts


def _new_review_counts() -> PrismaCounts:
    flow = replace(
        worked_example_input(),
        sources=worked_example_input().sources[:5],
        other_methods=None,
        previous=None,
        meta_analysis=None,
        included=StudiesAndReports(20, 25),
    )
    return compute_prisma(flow).counts


def test_svg_is_well_formed_and_deterministic() -> None:
    svg = render_prisma_svg(_example_counts())
    root = SafeET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{NS}svg"
    assert svg == render_prisma_svg(_example_counts())


# Worked example (DOMAIN.md 1.10): box -> lines that must appear in it, numbers as printed.
EXPECTED_LINES = {
    "box1": ["(n = 15)", "(n = 20)"],
    "box2": ["Databases (n = 2,400)", "Registers (n = 200)", "MEDLINE (n = 1,200)"],
    "box3": [
        "Duplicate records (n = 600)",
        "Embase (n = 350)",
        "tools (n = 100)",
        "other reasons (n = 50)",
    ],
    "box4": ["Records screened", "(n = 1,850)"],
    "box5": ["Records excluded", "(n = 1,700)"],
    "box6": ["Reports sought for retrieval", "(n = 150)"],
    "box7": ["Reports not retrieved", "(n = 10)"],
    "box8": ["Reports assessed for eligibility", "(n = 140)"],
    "box9": ["Wrong population (n = 60)", "Wrong intervention (n = 30)", "design (n = 25)"],
    "box10": ["New studies included in review", "(n = 22)", "(n = 29)"],
    "box11": ["Websites (n = 20)", "Organisations (n = 5)", "Citation searching (n = 15)"],
    "box12": ["(n = 12)"],
    "box13": ["(n = 2)"],
    "box14": ["(n = 10)"],
    "box15": ["Wrong population (n = 4)", "Wrong outcome (n = 2)"],
    "box16": ["(n = 37)", "(n = 49)"],
    "box17": ["(n = 30)", "(n = 40)"],
}


@pytest.mark.parametrize("box", sorted(EXPECTED_LINES))
def test_every_count_is_in_its_box(box: str) -> None:
    text = _boxes(render_prisma_svg(_example_counts()))[box].text
    for expected in EXPECTED_LINES[box]:
        assert expected in text.replace("\n", " ") or expected in text.split("\n")


def test_phases_and_titles_are_labelled() -> None:
    boxes = _boxes(render_prisma_svg(_example_counts()))
    assert [boxes[name].text for name in ("identification", "screening", "included")] == [
        "Identification",
        "Screening",
        "Included",
    ]
    assert "new studies via databases and registers" in boxes["newstud"].text
    assert "via other methods" in boxes["othstud"].text
    assert boxes["prevstud"].text == "Previous studies"


def test_no_two_boxes_overlap() -> None:
    for counts in (_example_counts(), _new_review_counts()):
        boxes = list(_boxes(render_prisma_svg(counts)).values())
        for a, b in itertools.combinations(boxes, 2):
            apart = (
                a.x + a.width <= b.x
                or b.x + b.width <= a.x
                or a.y + a.height <= b.y
                or b.y + b.height <= a.y
            )
            assert apart, f"{a.name} overlaps {b.name}"


def test_every_text_line_sits_inside_its_box() -> None:
    boxes = _boxes(render_prisma_svg(_long_labels_counts()))
    for box in boxes.values():
        if box.name in ("identification", "screening", "included"):
            continue  # rotated side labels
        for line, x, y in box.lines:
            width = text_width(line, 12) * FONT_ALLOWANCE
            left = x - width / 2 if x == box.x + box.width / 2 else x
            assert box.x <= left
            assert left + width <= box.x + box.width + 0.5, f"{box.name}: {line!r}"
            assert box.y < y < box.y + box.height


def _long_labels_counts() -> PrismaCounts:
    reasons = (
        NamedCount("Wrong population: adults and children enrolled in hospital settings", 110),
        NamedCount("Pneumonoultramicroscopicsilicovolcanoconiosisandmoreletters", 5),
    )
    return replace(_example_counts(), dbr_excluded=reasons)


def test_arrows_connect_box_edges() -> None:
    svg = render_prisma_svg(_example_counts())
    root = SafeET.fromstring(svg.encode("utf-8"))
    boxes = _boxes(svg)
    paths = [p.get("d", "") for p in root.iter(f"{NS}path") if p.get("marker-end")]
    # 6 down the main column, 2 down the other arm, 6 to loss boxes, 2 elbows (other, previous)
    assert len(paths) == 16
    for d in paths:
        x, y = (float(v) for v in d.split()[-1].lstrip("ML").split(","))
        assert any(_on_edge(box, x, y) for box in boxes.values()), d


def _on_edge(box: Box, x: float, y: float) -> bool:
    inside_x = box.x - 0.1 <= x <= box.x + box.width + 0.1
    inside_y = box.y - 0.1 <= y <= box.y + box.height + 0.1
    on_vertical = abs(x - box.x) < 0.1 or abs(x - box.x - box.width) < 0.1
    on_horizontal = abs(y - box.y) < 0.1 or abs(y - box.y - box.height) < 0.1
    return inside_x and inside_y and (on_vertical or on_horizontal)


def test_new_review_has_no_previous_or_other_column() -> None:
    boxes = _boxes(render_prisma_svg(_new_review_counts()))
    assert not {"box1", "box11", "box12", "box16", "box17", "prevstud", "othstud"} & set(boxes)
    assert boxes["newstud"].text == "Identification of studies via databases and registers"
    assert boxes["box10"].text.split("\n")[0] == "Studies included in review"


def test_labels_are_xml_escaped_and_control_characters_dropped() -> None:
    reasons = (NamedCount('<b>Wrong</b> & "other"\x0b', 115),)
    svg = render_prisma_svg(replace(_example_counts(), dbr_excluded=reasons))
    assert "<b>" not in svg
    assert '<b>Wrong</b> & "other" (n = 115)' in _boxes(svg)["box9"].text


def test_automation_split_is_shown_in_records_excluded() -> None:
    flow = replace(worked_example_input(), screening=ScreeningTally(1850, 1700, 1500, 200))
    text = _boxes(render_prisma_svg(compute_prisma(flow).counts))["box5"].text
    assert "by a human (n = 1,500)" in text
    assert "by automation tools (n = 200)" in text


def test_package_style_labels_match_the_worked_example() -> None:
    expected: dict[str, Any] = json.loads((FIXTURES / "example_expected.json").read_text("utf-8"))
    labels = expected["rendered_labels_package_style"]
    counts = _example_counts()
    assert identified_label(counts) == labels["box2"]
    assert removed_label(counts) == labels["box3"]
    assert reports_excluded_label(counts.dbr_excluded) == labels["box9"]


def test_blank_removal_and_bare_exclusion_total_follow_the_package() -> None:
    assert removed_label(PrismaCounts()) == "Records removed before screening:\n(n = 0)"
    assert reports_excluded_label((NamedCount("", 1234),)) == "Reports excluded:\n(n = 1,234)"


def test_wrapping_respects_width_and_splits_overlong_words() -> None:
    lines = fit_line("alpha beta gamma delta epsilon " + "x" * 80, 100, 12)
    assert all(text_width(line, 12) <= 100 for line in lines)
    assert "".join(lines).replace(" ", "") == "alphabetagammadeltaepsilon" + "x" * 80
    assert xml_safe("a\x00b\x1fc\td") == "abc\td"
    assert BOX_WIDTH - 2 * PAD_X > 0
