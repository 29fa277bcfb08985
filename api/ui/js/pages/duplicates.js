// The duplicate queue: both records side by side, differing fields marked; c confirm, k keep apart, u undo.
import { api, followJob } from "../api.js";
import { can } from "../roles.js";
import { h, button, pageHeader, emptyState, notify, errorText, typingInto, table, formatDate, progressBar } from "../dom.js";

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
];

function shown(record, key) {
  const value = record[key];
  if (Array.isArray(value)) return value.join("; ");
  return value === null || value === undefined ? "" : String(value);
}

function comparable(text) {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

function recordColumn(record, other, label) {
  const column = h("section", { class: "card dup-record", "aria-label": label }, h("h2", { class: "small muted" }, `${label} · record ${record.id}`));
  for (const [key, name] of FIELDS) {
    const value = shown(record, key);
    const differs = comparable(value) !== comparable(shown(other, key));
    column.append(
      h("p", { class: "field-name" }, name, differs ? h("span", { class: "sr-only" }, " (differs)") : null),
      h("p", { class: `field-value${differs ? " diff" : ""}${key === "abstract" ? " abstract-text" : ""}`, "data-differs": differs ? "true" : null }, value || "—"),
    );
  }
  return column;
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "Duplicates";
  const librarian = can(ctx.review.role, "manage_sources");
  const container = h("div", { class: "container" });
  ctx.main.append(container);
  let status = new URLSearchParams(location.search).get("status") || "pending";
  let lastDecided = null;
  let current = null;

  const summary = h("p", { class: "muted", "aria-live": "polite" });
  const runButton = librarian ? button("Find duplicates", runDedup, { kind: "secondary" }) : null;
  const tabs = h("div", { class: "tabs", role: "group", "aria-label": "Pairs by status" });
  const body = h("div", { class: "dup-body" });
  container.append(pageHeader("Duplicates", "Pairs the matcher was not sure about, and the merges made so far.", runButton), tabs, summary, body);

  function drawTabs() {
    tabs.replaceChildren(
      ...TABS.map(([value, label]) =>
        h("button", { type: "button", class: "tab", "aria-pressed": String(value === status), onclick: () => switchTo(value) }, label),
      ),
    );
  }

  async function switchTo(value) {
    status = value;
    history.replaceState(null, "", value === "pending" ? location.pathname : `?status=${value}`);
    await load();
  }

  async function runDedup() {
    runButton.disabled = true;
    try {
      let result = await api(`/reviews/${rid}/dedup`, { method: "POST" });
      // A large review answers 202 with a background job: follow it to its result.
      if (result.kind === "dedup" && result.status !== undefined) result = (await followJob(result, showJob, "deduplication failed")).result;
      notify(`${result.auto_merged} pairs merged automatically, ${result.pending} to decide.`);
      await load();
    } catch (error) {
      notify(errorText(error), "error");
    } finally {
      runButton.disabled = false;
    }
  }

  function showJob(job) {
    summary.replaceChildren(
      h("p", { class: "small muted" }, `Finding duplicates: ${job.status}, ${job.done}%`),
      progressBar(job.done, job.total || 100, "Finding duplicates"),
    );
  }

  async function load() {
    drawTabs();
    const page = await api(`/reviews/${rid}/duplicates?status=${status}&limit=${status === "pending" ? 1 : 100}`);
    if (status === "pending") drawQueue(page);
    else drawList(page);
  }

  function drawQueue(page) {
    current = page.items[0] || null;
    summary.textContent = page.total ? `${page.total} pair${page.total === 1 ? "" : "s"} to decide.` : "";
    const undo = lastDecided && librarian ? undoBar() : null;
    if (!current) {
      body.replaceChildren(undo || "", emptyState("No pairs to decide", "Every candidate pair has been decided. Run the matcher again after importing more records."));
      return;
    }
    const actions = librarian
      ? h(
          "div",
          { class: "actions dup-actions" },
          button(["Duplicates: merge ", h("kbd", {}, "c")], () => decide("confirmed"), { kind: "primary", "aria-keyshortcuts": "c" }),
          button(["Not duplicates ", h("kbd", {}, "k")], () => decide("rejected"), { "aria-keyshortcuts": "k" }),
        )
      : null;
    body.replaceChildren(
      undo || "",
      h(
        "div",
        { class: "card dup-summary" },
        h("div", {}, h("strong", {}, `Title similarity ${Math.round(current.score)}%`), h("p", { class: "muted small" }, current.reason)),
        actions,
      ),
      h("div", { class: "compare" }, recordColumn(current.record_a, current.record_b, "Record A"), recordColumn(current.record_b, current.record_a, "Record B")),
    );
  }

  function undoBar() {
    const verb = lastDecided.status === "confirmed" ? "Merged" : "Kept apart";
    const canUndo = lastDecided.status === "confirmed";
    return h(
      "div",
      { class: "undo-bar", role: "status" },
      `${verb}: “${lastDecided.record_a.title.slice(0, 80)}”.`,
      canUndo ? button(["Undo ", h("kbd", {}, "u")], undoLast, { kind: "ghost", "aria-keyshortcuts": "u" }) : null,
    );
  }

  async function decide(decision) {
    if (!current) return;
    try {
      lastDecided = await api(`/reviews/${rid}/duplicates/${current.id}`, { method: "POST", json: { decision } });
      await load();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  async function undoLast() {
    if (!lastDecided || lastDecided.status !== "confirmed") return;
    await undoMerge(lastDecided);
    lastDecided = null;
    await load();
  }

  async function undoMerge(pair) {
    try {
      await api(`/reviews/${rid}/duplicates/${pair.id}/undo`, { method: "POST" });
      notify("Merge undone: both records stand on their own again.");
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  function drawList(page) {
    summary.textContent = `${page.total} pair${page.total === 1 ? "" : "s"}.`;
    const undoable = librarian && (status === "confirmed" || status === "auto");
    body.replaceChildren(
      h(
        "section",
        { class: "card" },
        table(
          [
            { label: "Record A", render: (p) => pairSide(p.record_a) },
            { label: "Record B", render: (p) => pairSide(p.record_b) },
            { label: "Similarity", render: (p) => `${Math.round(p.score)}%`, class: "num" },
            { label: "Decided", render: (p) => formatDate(p.decided_at) },
            undoable ? { label: "", render: (p) => button("Undo merge", async () => { await undoMerge(p); await load(); }, { kind: "ghost" }) } : null,
          ].filter(Boolean),
          page.items,
          { empty: "No pairs with this status." },
        ),
      ),
    );
  }

  function pairSide(record) {
    return h("div", {}, h("div", {}, record.title || "(no title)"), h("div", { class: "muted small" }, [record.authors[0], record.year, record.journal].filter(Boolean).join(" · ")));
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
