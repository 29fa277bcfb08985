// The duplicate queue: one question per two groups of records, both groups side by side with the
// fields that differ marked and why the matcher asks, in words. c merge, k keep apart, u undo.
// Identifiers can be corrected here; merges, automatic or not, can be undone from the lists.
import { api, followJob } from "../api.js";
import { can } from "../roles.js";
import { h, button, pageHeader, emptyState, notify, errorText, typingInto, table, formatDate, progressBar } from "../dom.js";
import { citation, plural, shorten, titleOf } from "../cite.js";
import { centralNote, identifiersEditor, removeAccession, savedText } from "../identifiers.js";

const FIELDS = [
  ["title", "Title"],
  ["authors", "Authors"],
  ["year", "Year"],
  ["journal", "Journal"],
  ["volume", "Volume"],
  ["issue", "Issue"],
  ["pages", "Pages"],
  ["doi", "DOI"],
  ["pmid", "PMID"],
  ["type", "Type"],
  ["abstract", "Abstract"],
];
const TABS = [
  ["pending", "To decide"],
  ["confirmed", "Merged by people"],
  ["auto", "Merged automatically"],
  ["rejected", "Kept apart"],
  ["undone", "Merges undone"],
];
const EMPTY_LISTS = {
  confirmed: "No one has merged records here yet.",
  auto: "The matcher has merged no records yet.",
  rejected: "No one has kept records apart yet.",
  undone: "No merge has been undone.",
};
const TYPES = { journal_article: "Journal article", conference_abstract: "Conference abstract", conference_paper: "Conference paper" };

function shown(record, key) {
  const value = record[key];
  if (key === "type") return TYPES[value] || (value ? value.replace(/_/g, " ") : "");
  if (Array.isArray(value)) return value.join("; ");
  return value === null || value === undefined ? "" : String(value);
}

function comparable(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

/** A refused decision in words: what happened and what the person can do. */
function refusalText(error, decision) {
  const detail = error.detail || "";
  if (error.status === 404 || /already/.test(detail)) return "Someone already answered this question (perhaps in another tab). Here is the queue as it is now.";
  if (error.status === 409 && decision === "confirmed")
    return "These records cannot be merged: someone said that a record of one group and a record of the other are different publications. Open “Kept apart” to see that answer, and merge that pair there if it was wrong.";
  if (error.status === 409 && decision === "undo") return "This merge was already undone (perhaps in another tab).";
  return errorText(error);
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "Duplicates";
  const librarian = can(ctx.review.role, "manage_sources");
  const container = h("div", { class: "container" });
  ctx.main.append(container);
  const params = new URLSearchParams(location.search);
  let status = TABS.some(([value]) => value === params.get("status")) ? params.get("status") : "pending";
  const recordFilter = Number(params.get("record")) || null;
  let position = 0; // which question of the queue is shown (skipping moves on)
  let lastDecided = null;
  let current = null;
  const sources = new Map((await api(`/reviews/${rid}/sources`)).map((source) => [source.id, source.name]));
  const filtered = recordFilter ? await api(`/reviews/${rid}/records/${recordFilter}`) : null;

  const summary = h("p", { class: "muted", "aria-live": "polite" });
  const message = h("div", { role: "status", class: "dup-message" });
  const runButton = librarian ? button("Find duplicates", runDedup, { kind: "secondary" }) : null;
  const tabs = h("div", { class: "tabs", role: "group", "aria-label": "Pairs by status" });
  const body = h("div", { class: "dup-body" });
  container.append(
    pageHeader("Duplicates", "Records the matcher was not sure about, and the merges made so far. A merge keeps every record; screening sees each study once.", runButton),
    filtered ? filterNote(filtered) : "",
    tabs,
    summary,
    message,
    body,
  );

  function filterNote(record) {
    return h(
      "p",
      { class: "filter-note" },
      "Only pairs about “",
      h("a", { href: `/reviews/${rid}/records/${record.id}` }, titleOf(record, 90)),
      "” and the records merged with it. ",
      h("a", { href: `/reviews/${rid}/duplicates${status === "pending" ? "" : `?status=${status}`}` }, "Show all pairs"),
    );
  }

  function say(text) {
    message.replaceChildren(text ? h("p", { class: "form-message ok" }, text) : "");
  }

  function drawTabs() {
    tabs.replaceChildren(...TABS.map(([value, label]) => h("button", { type: "button", class: "tab", "aria-pressed": String(value === status), onclick: () => switchTo(value) }, label)));
  }

  async function switchTo(value) {
    status = value;
    position = 0;
    say("");
    const url = new URLSearchParams();
    if (value !== "pending") url.set("status", value);
    if (recordFilter) url.set("record", String(recordFilter));
    history.replaceState(null, "", `${location.pathname}${url.size ? `?${url}` : ""}`);
    await load();
  }

  async function runDedup() {
    runButton.disabled = true;
    try {
      let result = await api(`/reviews/${rid}/dedup`, { method: "POST" });
      // A large review answers 202 with a background job: follow it to its result.
      if (result.kind === "dedup" && result.status !== undefined) result = (await followJob(result, showJob, "deduplication failed")).result;
      notify(`${plural(result.auto_merged, "pair")} merged automatically, ${plural(result.pending, "question")} to decide.`);
      position = 0;
      await load();
    } catch (error) {
      notify(errorText(error), "error");
    } finally {
      runButton.disabled = false;
    }
  }

  function showJob(job) {
    summary.replaceChildren(h("p", { class: "small muted" }, `Finding duplicates: ${job.status}, ${job.done}%`), progressBar(job.done, job.total || 100, "Finding duplicates"));
  }

  function query(extra) {
    const search = new URLSearchParams({ status, ...extra });
    if (recordFilter) search.set("record_id", String(recordFilter));
    return `/reviews/${rid}/duplicates?${search}`;
  }

  async function load() {
    drawTabs();
    if (status !== "pending") {
      drawList(await api(query({ limit: "100" })));
      return;
    }
    let page = await api(query({ limit: "1", offset: String(position) }));
    if (!page.items.length && position > 0) {
      position = 0; // skipped past the last question: back to the first
      page = await api(query({ limit: "1", offset: "0" }));
    }
    drawQueue(page);
  }

  function drawQueue(page) {
    current = page.items[0] || null;
    summary.textContent = page.total ? `${plural(page.total, "question")} to decide${page.total > 1 ? ` · showing ${position + 1} of ${page.total}` : ""}.` : "";
    const undo = lastDecided && librarian ? undoBar() : null;
    if (!current) {
      body.replaceChildren(undo || "", emptyState("No pairs to decide", "Every question has been answered. Run “Find duplicates” again after importing more records."));
      return;
    }
    const actions = librarian
      ? h(
          "div",
          { class: "actions dup-actions" },
          button(["Same publication: merge ", h("kbd", {}, "c")], () => decide("confirmed"), { kind: "primary", "aria-keyshortcuts": "c" }),
          button(["Different publications ", h("kbd", {}, "k")], () => decide("rejected"), { "aria-keyshortcuts": "k" }),
          page.total > 1 ? button("Skip for now", skip, { kind: "ghost" }) : null,
        )
      : null;
    body.replaceChildren(
      undo || "",
      h(
        "section",
        { class: "card dup-summary", "aria-labelledby": "dup-question" },
        h("div", { class: "dup-why" }, h("h2", { id: "dup-question" }, "Are these the same publication?"), current.explanation.map((sentence) => h("p", {}, sentence))),
        actions,
      ),
      h("div", { class: "compare" }, groupColumn(current.record_a, current.group_a, current.record_b, "A"), groupColumn(current.record_b, current.group_b, current.record_a, "B")),
    );
  }

  function skip() {
    position += 1;
    say("");
    load();
  }

  function recordLink(record, text) {
    const whole = record.title && record.title !== text && !text.startsWith("Open") ? record.title : null;
    return h("a", { href: `/reviews/${rid}/records/${record.id}`, title: whole }, text);
  }

  function groupColumn(record, group, other, letter) {
    const source = sources.get(record.source_id) || "an unknown source";
    const heading = `Record ${letter} · from ${source}`;
    const column = h(
      "section",
      { class: "card dup-record", "aria-label": `Record ${letter}` },
      h("div", { class: "card-head" }, h("h3", { class: "dup-record-head" }, heading), recordLink(record, `Open record ${letter}`)),
    );
    for (const [key, name] of FIELDS) {
      const value = shown(record, key);
      const differs = comparable(value) !== comparable(shown(other, key));
      column.append(
        h("p", { class: "field-name" }, name, differs ? h("span", { class: "sr-only" }, " (differs)") : null),
        h("p", { class: `field-value${differs ? " diff" : ""}${key === "abstract" ? " abstract-text" : ""}`, "data-differs": differs ? "true" : null }, value || "—"),
      );
      if (key === "doi") column.append(centralNote(record, librarian ? () => dropAccession(record) : null) || "");
    }
    if (librarian) column.append(identifiersEditor(rid, record, afterCorrection));
    if (group.length) {
      column.append(
        h(
          "div",
          { class: "dup-group" },
          h("h4", {}, `Already merged with it: ${plural(group.length, "record")}`),
          h("p", { class: "small muted" }, "Merging joins both groups whole."),
          h(
            "ul",
            { class: "plain-list" },
            group.map((member) =>
              h("li", {}, recordLink(member, titleOf(member, 100)), h("span", { class: "small muted" }, ` — ${[citation(member), sources.get(member.source_id)].filter(Boolean).join(" · ")}`)),
            ),
          ),
        ),
      );
    }
    return column;
  }

  async function afterCorrection(_saved, text) {
    await load();
    say(text);
  }

  async function dropAccession(record) {
    try {
      await removeAccession(rid, record);
      await load();
      say(savedText({ doi: null }));
    } catch (error) {
      say("");
      notify(errorText(error), "error");
    }
  }

  function undoBar() {
    const merged = lastDecided.status === "confirmed";
    const title = shorten(lastDecided.record_a.title || "(no title)", 80);
    return h(
      "div",
      { class: "undo-bar", role: "status" },
      merged ? `Merged: “${title}”.` : `Kept apart: “${title}”.`,
      merged ? button(["Undo ", h("kbd", {}, "u")], undoLast, { kind: "ghost", "aria-keyshortcuts": "u" }) : null,
    );
  }

  async function decide(decision) {
    if (!current) return;
    say("");
    try {
      lastDecided = await api(`/reviews/${rid}/duplicates/${current.id}`, { method: "POST", json: { decision } });
    } catch (error) {
      say(refusalText(error, decision));
    }
    await load();
  }

  async function undoLast() {
    if (!lastDecided || lastDecided.status !== "confirmed") return;
    const pair = lastDecided;
    lastDecided = null;
    await undoMerge(pair);
  }

  async function undoMerge(pair) {
    try {
      await api(`/reviews/${rid}/duplicates/${pair.id}/undo`, { method: "POST" });
      say("Merge undone: the records stand on their own again, and the matcher will not merge them again.");
    } catch (error) {
      say(refusalText(error, "undo"));
    }
    await load();
  }

  function drawList(page) {
    current = null;
    summary.textContent = page.total ? `${plural(page.total, "pair")}.` : "";
    const undoable = librarian && (status === "confirmed" || status === "auto");
    const who = status === "auto" ? null : { label: status === "undone" ? "Undone by" : "Decided by", render: (p) => p.decided_by || "a former member" };
    body.replaceChildren(
      h(
        "section",
        { class: "card" },
        table(
          [
            { label: "Record A", render: (p) => pairSide(p.record_a) },
            { label: "Record B", render: (p) => pairSide(p.record_b) },
            who,
            status === "auto" ? null : { label: "When", render: (p) => formatDate(p.decided_at) },
            undoable ? { label: h("span", { class: "sr-only" }, "Actions"), render: (p) => button("Undo merge", () => undoMerge(p), { kind: "ghost", "aria-label": `Undo the merge of “${titleOf(p.record_b, 60)}”` }) } : null,
          ].filter(Boolean),
          page.items,
          { empty: EMPTY_LISTS[status] },
        ),
      ),
    );
  }

  function pairSide(record) {
    return h(
      "div",
      {},
      h("div", {}, recordLink(record, titleOf(record, 120))),
      h("div", { class: "muted small" }, [citation(record), sources.get(record.source_id)].filter(Boolean).join(" · ")),
    );
  }

  document.addEventListener("keydown", (event) => {
    if (typingInto(event) || event.ctrlKey || event.metaKey || event.altKey || status !== "pending" || !librarian) return;
    if (event.key === "c") decide("confirmed");
    else if (event.key === "k") decide("rejected");
    else if (event.key === "u") undoLast();
    else return;
    event.preventDefault();
  });

  await load();
}
