"""The PRISMA 2020 flow diagram as a standalone SVG, laid out like the official template.

Deterministic (same counts, same bytes); XML-safe labels. Geometry comes from ``layout``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from screening.prisma.layout import (
    FONT_FAMILY,
    FONT_SIZE,
    LINE_HEIGHT,
    PAD_X,
    WHITE,
    Diagram,
    Path,
    PlacedBox,
    layout_diagram,
)
from screening.prisma.model import PrismaCounts


def render_prisma_svg(counts: PrismaCounts, *, source_detail: bool = True) -> str:
    """The diagram for *counts*; *source_detail* lists each database and register in box 2."""
    return _serialise(layout_diagram(counts, source_detail))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


_SVG_NS = "http://www.w3.org/2000/svg"
_ARROWHEAD = {
    "id": "arrowhead",
    "markerWidth": "10",
    "markerHeight": "8",
    "refX": "10",
    "refY": "4",
    "orient": "auto",
    "markerUnits": "userSpaceOnUse",
}


def _serialise(diagram: Diagram) -> str:
    width, height = _num(diagram.width), _num(diagram.height)
    root = ET.Element(
        "svg",
        {
            "xmlns": _SVG_NS,
            "version": "1.1",
            "width": width,
            "height": height,
            "viewBox": f"0 0 {width} {height}",
            "font-family": FONT_FAMILY,
            "font-size": _num(FONT_SIZE),
        },
    )
    ET.SubElement(root, "title").text = "PRISMA 2020 flow diagram"
    marker = ET.SubElement(ET.SubElement(root, "defs"), "marker", _ARROWHEAD)
    ET.SubElement(marker, "path", {"d": "M0,0 L10,4 L0,8 Z", "fill": "#000000"})
    ET.SubElement(root, "rect", {"width": "100%", "height": "100%", "fill": WHITE})
    _arrows(root, diagram.arrows)  # drawn first, as Graphviz's outputorder=edgesfirst
    for box in diagram.boxes:
        _box_element(root, box)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _arrows(root: ET.Element, paths: tuple[Path, ...]) -> None:
    style = {"id": "arrows", "fill": "none", "stroke": "#000000", "stroke-width": "1.2"}
    group = ET.SubElement(root, "g", style)
    for path in paths:
        points = (f"{'M' if i == 0 else 'L'}{_num(x)},{_num(y)}" for i, (x, y) in enumerate(path))
        ET.SubElement(group, "path", {"d": " ".join(points), "marker-end": "url(#arrowhead)"})


def _box_element(root: ET.Element, box: PlacedBox) -> None:
    group = ET.SubElement(root, "g", {"id": box.name, "class": "prisma-box"})
    r = box.rect
    rect_attrs = {
        "x": _num(r.x),
        "y": _num(r.y),
        "width": _num(r.width),
        "height": _num(r.height),
        "fill": box.fill,
    }
    if box.rounded:
        rect_attrs |= {"rx": "8", "ry": "8"}
    if box.stroke:
        rect_attrs |= {"stroke": "#000000", "stroke-width": "1"}
    ET.SubElement(group, "rect", rect_attrs)
    if box.vertical:
        _vertical_text(group, box)
        return
    text = ET.SubElement(group, "text", {"text-anchor": "middle" if box.centred else "start"})
    if box.bold:
        text.set("font-weight", "bold")
    top = r.cy - len(box.lines) * LINE_HEIGHT / 2
    for index, line in enumerate(box.lines):
        if not line.text:
            continue
        x = r.cx if box.centred else r.x + PAD_X + line.indent
        y = top + index * LINE_HEIGHT + LINE_HEIGHT / 2 + 0.35 * FONT_SIZE
        ET.SubElement(text, "tspan", {"x": _num(x), "y": _num(y)}).text = line.text


def _vertical_text(group: ET.Element, box: PlacedBox) -> None:
    """Side labels read bottom to top, as the app's injected JavaScript rotates them."""
    r = box.rect
    attrs = {
        "x": _num(r.cx),
        "y": _num(r.cy + 0.35 * FONT_SIZE),
        "text-anchor": "middle",
        "font-weight": "bold",
        "transform": f"rotate(-90 {_num(r.cx)} {_num(r.cy)})",
    }
    ET.SubElement(group, "text", attrs).text = box.lines[0].text
