"""Geometry of the PRISMA 2020 diagram: columns, rows, box sizes from wrapped text, arrows.

Pure and deterministic; ``svg`` turns the result into SVG.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum

from screening.prisma.labels import DETAIL_INDENT, BoxId, box_labels
from screening.prisma.model import PrismaCounts
from screening.prisma.text import fit_line, xml_safe

FONT_SIZE = 12.0
LINE_HEIGHT = 15.0
PAD_X, PAD_Y = 10.0, 9.0
INDENT = 12.0
BOX_WIDTH = 290.0
# Viewers without Helvetica/Arial fall back to wider fonts (DejaVu Sans: about +12%).
FONT_ALLOWANCE = 1.15
MIN_HEIGHT = 50.0
COLUMN_GAP, ARM_GAP = 44.0, 64.0
ROW_GAP, PHASE_GAP = 30.0, 50.0
MARGIN, SIDE_WIDTH, SIDE_GAP, TITLE_HEIGHT = 16.0, 34.0, 22.0, 38.0
FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif"
WHITE, GREY, GOLD, BLUE = "#FFFFFF", "#DCDCDC", "#FFC125", "#BCD2EE"


class Column(StrEnum):
    PREVIOUS = "previous"
    MAIN = "main"
    MAIN_SIDE = "main_side"
    OTHER = "other"
    OTHER_SIDE = "other_side"


# Rows top to bottom; each row lists its boxes and their columns.
_ROWS: tuple[tuple[tuple[BoxId, Column], ...], ...] = (
    (
        (BoxId.PREVIOUS, Column.PREVIOUS),
        (BoxId.IDENTIFIED, Column.MAIN),
        (BoxId.REMOVED, Column.MAIN_SIDE),
        (BoxId.OTHER_IDENTIFIED, Column.OTHER),
    ),
    ((BoxId.SCREENED, Column.MAIN), (BoxId.RECORDS_EXCLUDED, Column.MAIN_SIDE)),
    (
        (BoxId.SOUGHT, Column.MAIN),
        (BoxId.NOT_RETRIEVED, Column.MAIN_SIDE),
        (BoxId.OTHER_SOUGHT, Column.OTHER),
        (BoxId.OTHER_NOT_RETRIEVED, Column.OTHER_SIDE),
    ),
    (
        (BoxId.ASSESSED, Column.MAIN),
        (BoxId.REPORTS_EXCLUDED, Column.MAIN_SIDE),
        (BoxId.OTHER_ASSESSED, Column.OTHER),
        (BoxId.OTHER_EXCLUDED, Column.OTHER_SIDE),
    ),
    ((BoxId.INCLUDED, Column.MAIN),),
    ((BoxId.TOTAL, Column.MAIN),),
    ((BoxId.META_ANALYSIS, Column.MAIN),),
)
_PHASE_STARTS = {1: PHASE_GAP, 4: PHASE_GAP}  # wider gaps before Screening and Included
_GREY_BOXES = frozenset(
    {
        BoxId.PREVIOUS,
        BoxId.TOTAL,
        BoxId.OTHER_IDENTIFIED,
        BoxId.OTHER_SOUGHT,
        BoxId.OTHER_NOT_RETRIEVED,
        BoxId.OTHER_ASSESSED,
        BoxId.OTHER_EXCLUDED,
    }
)
_LIST_BOXES = frozenset(
    {
        BoxId.IDENTIFIED,
        BoxId.REMOVED,
        BoxId.REPORTS_EXCLUDED,
        BoxId.OTHER_IDENTIFIED,
        BoxId.OTHER_EXCLUDED,
    }
)


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    indent: float


@dataclass(frozen=True, slots=True)
class PlacedBox:
    name: str
    rect: Rect
    lines: tuple[TextLine, ...]
    fill: str
    stroke: bool
    centred: bool
    bold: bool = False
    rounded: bool = False
    vertical: bool = False


Path = tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Diagram:
    """Everything to draw: boxes in paint order, arrow polylines, canvas size."""

    boxes: tuple[PlacedBox, ...]
    arrows: tuple[Path, ...]
    width: float
    height: float


def layout_diagram(counts: PrismaCounts, source_detail: bool = True) -> Diagram:
    """Place every box of the template that *counts* call for, and the arrows between them."""
    labels = box_labels(counts, source_detail)
    columns = _columns(labels)
    boxes, row_rects = _place_rows(labels, columns)
    updated = BoxId.PREVIOUS in labels
    placed = (*_titles(columns, updated, top=MARGIN), *_side_bars(row_rects), *boxes)
    width = max(box.rect.right for box in placed) + MARGIN
    height = max(box.rect.bottom for box in placed) + MARGIN
    return Diagram(placed, tuple(_edges({box.name: box.rect for box in boxes})), width, height)


def _columns(labels: dict[BoxId, str]) -> dict[Column, float]:
    x = MARGIN + SIDE_WIDTH + SIDE_GAP
    columns: dict[Column, float] = {}
    if BoxId.PREVIOUS in labels:
        columns[Column.PREVIOUS] = x
        x += BOX_WIDTH + COLUMN_GAP
    columns[Column.MAIN] = x
    columns[Column.MAIN_SIDE] = x + BOX_WIDTH + COLUMN_GAP
    if BoxId.OTHER_IDENTIFIED in labels:
        columns[Column.OTHER] = columns[Column.MAIN_SIDE] + BOX_WIDTH + ARM_GAP
        columns[Column.OTHER_SIDE] = columns[Column.OTHER] + BOX_WIDTH + COLUMN_GAP
    return columns


def _box_lines(label: str) -> tuple[TextLine, ...]:
    lines: list[TextLine] = []
    for raw in xml_safe(label).split("\n"):
        indent = INDENT if raw.startswith(DETAIL_INDENT) else 0.0
        room = BOX_WIDTH - 2 * PAD_X - indent
        pieces = fit_line(raw.strip(), room / FONT_ALLOWANCE, FONT_SIZE) if raw.strip() else [""]
        lines.extend(TextLine(piece, indent) for piece in pieces)
    return tuple(lines)


def _height(lines: tuple[TextLine, ...]) -> float:
    return max(MIN_HEIGHT, len(lines) * LINE_HEIGHT + 2 * PAD_Y)


def _place_rows(
    labels: dict[BoxId, str], columns: dict[Column, float]
) -> tuple[list[PlacedBox], list[Rect | None]]:
    """Boxes centred on their row; a row is as tall as its tallest box. Empty rows: ``None``."""
    y = MARGIN + TITLE_HEIGHT + ROW_GAP
    placed: list[PlacedBox] = []
    row_rects: list[Rect | None] = []
    for index, row in enumerate(_ROWS):
        present = [(box, column) for box, column in row if box in labels]
        if not present:
            row_rects.append(None)
            continue
        if placed:
            y += _PHASE_STARTS.get(index, ROW_GAP)
        lines = {box: _box_lines(labels[box]) for box, _ in present}
        row_height = max(_height(box_lines) for box_lines in lines.values())
        for box, column in present:
            height = _height(lines[box])
            rect = Rect(columns[column], y + (row_height - height) / 2, BOX_WIDTH, height)
            grey = box in _GREY_BOXES
            centred = box not in _LIST_BOXES
            placed.append(
                PlacedBox(box.value, rect, lines[box], GREY if grey else WHITE, not grey, centred)
            )
        row_rects.append(Rect(MARGIN, y, SIDE_WIDTH, row_height))
        y += row_height
    return placed, row_rects


def _titles(columns: dict[Column, float], updated: bool, top: float) -> list[PlacedBox]:
    new = "new " if updated else ""
    span = 2 * BOX_WIDTH + COLUMN_GAP
    titles = [
        (
            "newstud",
            columns[Column.MAIN],
            span,
            GOLD,
            f"Identification of {new}studies via databases and registers",
        ),
    ]
    if Column.PREVIOUS in columns:
        titles.append(("prevstud", columns[Column.PREVIOUS], BOX_WIDTH, GREY, "Previous studies"))
    if Column.OTHER in columns:
        titles.append(
            (
                "othstud",
                columns[Column.OTHER],
                span,
                GREY,
                f"Identification of {new}studies via other methods",
            )
        )
    return [
        PlacedBox(
            name,
            Rect(x, top, width, TITLE_HEIGHT),
            (TextLine(xml_safe(text), 0.0),),
            fill,
            False,
            True,
            bold=True,
            rounded=True,
        )
        for name, x, width, fill, text in titles
    ]


def _side_bars(row_rects: list[Rect | None]) -> list[PlacedBox]:
    phases = (
        ("identification", "Identification", 0, 1),
        ("screening", "Screening", 1, 4),
        ("included", "Included", 4, 7),
    )
    bars = []
    for name, text, start, stop in phases:
        rects = [rect for rect in row_rects[start:stop] if rect is not None]
        if not rects:
            continue
        rect = Rect(MARGIN, rects[0].y, SIDE_WIDTH, rects[-1].bottom - rects[0].y)
        bars.append(
            PlacedBox(
                name,
                rect,
                (TextLine(text, 0.0),),
                BLUE,
                False,
                True,
                bold=True,
                rounded=True,
                vertical=True,
            )
        )
    return bars


def _edges(rects: dict[str, Rect]) -> list[Path]:
    """Arrows: down each arm, right to each loss box, and the elbows into Included / Total."""
    edges: list[Path] = []
    for chain in (
        (
            BoxId.IDENTIFIED,
            BoxId.SCREENED,
            BoxId.SOUGHT,
            BoxId.ASSESSED,
            BoxId.INCLUDED,
            BoxId.TOTAL,
            BoxId.META_ANALYSIS,
        ),
        (BoxId.OTHER_IDENTIFIED, BoxId.OTHER_SOUGHT, BoxId.OTHER_ASSESSED),
    ):
        present = [rects[box] for box in chain if box in rects]
        edges.extend(((a.cx, a.bottom), (a.cx, b.y)) for a, b in itertools.pairwise(present))
    for main, side in (
        (BoxId.IDENTIFIED, BoxId.REMOVED),
        (BoxId.SCREENED, BoxId.RECORDS_EXCLUDED),
        (BoxId.SOUGHT, BoxId.NOT_RETRIEVED),
        (BoxId.ASSESSED, BoxId.REPORTS_EXCLUDED),
        (BoxId.OTHER_SOUGHT, BoxId.OTHER_NOT_RETRIEVED),
        (BoxId.OTHER_ASSESSED, BoxId.OTHER_EXCLUDED),
    ):
        if main in rects and side in rects:
            a, b = rects[main], rects[side]
            edges.append(((a.right, a.cy), (b.x, a.cy)))
    if BoxId.OTHER_ASSESSED in rects:
        a, b = rects[BoxId.OTHER_ASSESSED], rects[BoxId.INCLUDED]
        edges.append(((a.cx, a.bottom), (a.cx, b.cy), (b.right, b.cy)))
    if BoxId.PREVIOUS in rects and BoxId.TOTAL in rects:
        a, b = rects[BoxId.PREVIOUS], rects[BoxId.TOTAL]
        edges.append(((a.cx, a.bottom), (a.cx, b.cy), (b.x, b.cy)))
    return edges
