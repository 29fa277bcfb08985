// Record text for reading: keyword spans as <mark>s and structured abstracts split at their labels.
import { h } from "./dom.js";

// "BACKGROUND:", "Methods and findings:" at the start or after a sentence: a structured abstract.
const SECTION_LABEL = /(^|[.!?]\s+|\n\s*)([A-Z][A-Za-z]+(?:[ /&-]+[A-Za-z]+){0,3}):\s+/g;

/** Nodes for text[from, to) with the keyword spans that fall in it marked by kind. */
export function marked(text, spans, from = 0, to = text.length) {
  const nodes = [];
  let at = from;
  const inside = spans.filter((s) => s.end > from && s.start < to).sort((a, b) => a.start - b.start);
  for (const span of inside) {
    const start = Math.max(span.start, at);
    const end = Math.min(span.end, to);
    if (end <= start) continue;
    if (start > at) nodes.push(text.slice(at, start));
    nodes.push(h("mark", { class: `kw kw-${span.kind}`, title: `${span.kind} term: ${span.keyword}` }, text.slice(start, end)));
    at = end;
  }
  if (at < to) nodes.push(text.slice(at, to));
  return nodes;
}

/** Split an abstract into [{label, start, end}] sections (one unlabelled section if unstructured). */
export function sections(text) {
  const found = [];
  for (const match of text.matchAll(SECTION_LABEL)) {
    const labelStart = match.index + match[1].length;
    found.push({ label: match[2], labelStart, bodyStart: match.index + match[0].length });
  }
  if (found.length < 2) return [{ label: null, start: 0, end: text.length }];
  const result = [];
  if (found[0].labelStart > 0) result.push({ label: null, start: 0, end: found[0].labelStart });
  found.forEach((section, i) => {
    const end = i + 1 < found.length ? found[i + 1].labelStart : text.length;
    result.push({ label: section.label, start: section.bodyStart, end });
  });
  return result;
}

function titleCase(label) {
  return label.length > 3 && label === label.toUpperCase() ? label[0] + label.slice(1).toLowerCase() : label;
}

/** The abstract as paragraphs, each with its section label, keyword spans marked. */
export function abstractNodes(text, spans) {
  if (!text) return [h("p", { class: "muted" }, "No abstract.")];
  return sections(text).map((section) =>
    h(
      "p",
      {},
      section.label ? h("strong", { class: "section-label" }, titleCase(section.label)) : null,
      marked(text, spans, section.start, section.end),
    ),
  );
}
