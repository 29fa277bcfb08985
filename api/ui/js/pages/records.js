// The records browser: every unique record (merged duplicates hidden unless asked for, and marked
// as such), a search over title, abstract, authors, DOI and PMID, filters by source and year,
// long values shortened. Librarians and leads select records (one by one, the whole page, or
// every match) and set them aside before screening (PRISMA's "removed by automation tools" and
// "removed for other reasons"), or bring them back.
import { api } from "../api.js";
import { can } from "../roles.js";
import { h, field, button, select, table, pageHeader, notify, errorText, setFieldError, nextId } from "../dom.js";
import { citation, plural, shorten, titleOf } from "../cite.js";

const PAGE_SIZE = 50;
const FETCH_SIZE = 500; // the API's largest page, to collect every match's id
const MAX_SELECTED = 10000; // the most records one removal may name
const REMOVALS = [
  ["automation", "Marked ineligible by an automation tool"],
  ["other", "Removed for another reason"],
];
const REMOVAL_LABELS = Object.fromEntries(REMOVALS);
const DUPLICATE_CHOICES = [
  ["exclude", "Hidden"],
  ["include", "Shown and marked"],
  ["only", "Only duplicates"],
];
const STAGE_CHOICES = [
  ["", "Any stage"],
  ["title_abstract", "Title and abstract"],
  ["full_text", "Full text"],
];
// Settled outcomes are anyone's; the others tell of unsettled votes, so the API serves them to leads.
const SETTLED_DECISIONS = [
  ["", "Any decision"],
  ["included", "Included"],
  ["excluded", "Excluded"],
];
const LEAD_DECISIONS = [
  ["conflict", "Conflict (for a lead)"],
  ["awaiting", "Awaiting a check"],
  ["needs_votes", "Needs votes"],
];
const chosen = (choices, value) => (choices.some(([choice]) => choice === value) ? value : "");

/** The bulk action: what is selected, ways to select more, and the removal with its reason. */
function removalForm(onRemove, selection) {
  const kind = select(REMOVALS, "automation", { name: "removed" });
  const reason = h("input", { type: "text", name: "reason", maxlength: "1000" });
  async function submit(event) {
    event.preventDefault();
    if (!reason.value.trim()) {
      setFieldError(reason, "Name the tool, or say why: PRISMA reports it.");
      reason.focus();
      return;
    }
    setFieldError(reason, "");
    const error = await onRemove(kind.value, reason.value.trim());
    if (error) {
      setFieldError(reason, error);
      reason.focus();
    } else {
      reason.value = "";
    }
  }
  return h(
    "form",
    { class: "card bulk-form", onsubmit: submit, novalidate: true, "aria-label": "Remove before screening" },
    selection,
    h(
      "div",
      { class: "bulk-row" },
      field("Removed", kind),
      field("Tool or reason", reason, { required: true, hint: "e.g. RobotSearch RCT classifier, or “conference abstracts before 2010”" }),
      h("button", { type: "submit", class: "btn btn-primary" }, "Remove selected"),
    ),
  );
}

/** The filters as they are in the address, so a filtered list can be linked to and reloaded. */
function filtersFromAddress() {
  const params = new URLSearchParams(location.search);
  const duplicates = params.get("duplicates");
  return {
    removed: params.get("removed") === "1",
    search: params.get("search") || "",
    source: params.get("source") || "",
    from: params.get("from") || "",
    to: params.get("to") || "",
    duplicates: DUPLICATE_CHOICES.some(([value]) => value === duplicates) ? duplicates : "exclude",
    stage: chosen(STAGE_CHOICES, params.get("stage") || ""),
    decision: chosen([...SETTLED_DECISIONS, ...LEAD_DECISIONS], params.get("decision") || ""),
    label: params.get("label") || "",
  };
}

function yearProblem(text) {
  if (!text) return "";
  return /^\d{4}$/.test(text.trim()) ? "" : "Enter a year such as 2015.";
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const manage = can(ctx.review.role, "manage_sources");
  const filters = filtersFromAddress();
  const showRemoved = filters.removed;
  ctx.title = "Records";
  let offset = 0;
  let page = { items: [], total: 0 };
  const selected = new Set();
  const sources = await api(`/reviews/${rid}/sources`);
  const sourceNames = new Map(sources.map((source) => [source.id, source.name]));

  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Records shown" },
    h("a", { href: "?", "aria-current": showRemoved ? null : "page" }, "In screening"),
    h("a", { href: "?removed=1", "aria-current": showRemoved ? "page" : null }, "Removed before screening"),
  );

  const search = h("input", { type: "search", name: "search", maxlength: "500", value: filters.search });
  const source = select([["", "All sources"], ...sources.map((s) => [s.id, s.name])], filters.source, { name: "source" });
  const from = h("input", { type: "text", name: "from", inputmode: "numeric", maxlength: "4", value: filters.from, class: "year-input" });
  const to = h("input", { type: "text", name: "to", inputmode: "numeric", maxlength: "4", value: filters.to, class: "year-input" });
  const duplicates = select(DUPLICATE_CHOICES, filters.duplicates, { name: "duplicates" });
  const decisions = can(ctx.review.role, "manage_review") ? [...SETTLED_DECISIONS, ...LEAD_DECISIONS] : SETTLED_DECISIONS;
  const stage = select(STAGE_CHOICES, filters.stage, { name: "stage" });
  const decision = select(decisions, chosen(decisions, filters.decision), { name: "decision" });
  const label = h("input", { type: "text", name: "label", maxlength: "100", value: filters.label });
  const filterForm = h(
    "form",
    { class: "card record-filters", role: "search", "aria-label": "Find records", onsubmit: applyFilters, novalidate: true },
    h(
      "div",
      { class: "filter-grid" },
      h("div", { class: "filter-search" }, field("Search", search, { hint: "Title, abstract, authors, DOI or PMID. Every word must be found; put a phrase in “quotes”." })),
      field("Source", source),
      field("From year", from),
      field("To year", to),
      showRemoved ? null : field("Merged duplicates", duplicates, { hint: "Copies of a study from other sources" }),
      showRemoved ? null : field("Stage", stage, { hint: "Records at this screening stage now" }),
      showRemoved ? null : field("Decision", decision, { hint: "At the stage chosen, or at either" }),
      showRemoved ? null : field("Note tag", label, { hint: "A tag on a note, such as “pilot”" }),
    ),
    h("div", { class: "form-actions" }, button("Clear", clearFilters, { kind: "ghost" }), h("button", { type: "submit", class: "btn btn-secondary" }, "Search")),
  );
  const count = h("p", { class: "muted", "aria-live": "polite" });
  const selection = h("div", { class: "selection-bar", role: "status", "aria-live": "polite" });
  const list = h("div");
  const pager = h("div", { class: "form-actions" });
  const form = manage && !showRemoved ? removalForm(removeSelected, selection) : "";
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader("Records", "Imported records, each study once: copies merged as duplicates stay out of screening. Records an automation tool or another reason rules out before screening leave the queue; PRISMA counts them in their own boxes.", tabs),
      filterForm,
      form,
      count,
      list,
      pager,
    ),
  );

  function currentFilters() {
    return {
      search: search.value.trim(),
      source: source.value,
      from: from.value.trim(),
      to: to.value.trim(),
      duplicates: duplicates.value,
      stage: showRemoved ? "" : stage.value,
      decision: showRemoved ? "" : decision.value,
      label: showRemoved ? "" : label.value.trim(),
    };
  }

  async function applyFilters(event) {
    event?.preventDefault();
    const wanted = currentFilters();
    const problems = [
      [from, yearProblem(wanted.from)],
      [to, yearProblem(wanted.to)],
    ];
    for (const [control, problem] of problems) setFieldError(control, problem);
    const first = problems.find(([, problem]) => problem);
    if (first) {
      first[0].focus();
      return;
    }
    const address = new URLSearchParams();
    if (showRemoved) address.set("removed", "1");
    for (const [key, value] of Object.entries(wanted)) if (value && !(key === "duplicates" && value === "exclude")) address.set(key, value);
    history.replaceState(null, "", `${location.pathname}${address.size ? `?${address}` : ""}`);
    offset = 0;
    await draw();
  }

  async function clearFilters() {
    search.value = "";
    source.value = "";
    from.value = "";
    to.value = "";
    duplicates.value = "exclude";
    stage.value = "";
    decision.value = "";
    label.value = "";
    await applyFilters();
  }

  /** The API query for the filters, without paging. */
  function query() {
    const wanted = currentFilters();
    const params = new URLSearchParams({ removed: showRemoved ? "true" : "false" });
    if (wanted.search) params.set("search", wanted.search);
    if (wanted.source) params.set("source_id", wanted.source);
    if (wanted.from) params.set("year_from", wanted.from);
    if (wanted.to) params.set("year_to", wanted.to);
    params.set("duplicates", showRemoved ? "include" : wanted.duplicates);
    for (const key of ["stage", "decision", "label"]) if (wanted[key]) params.set(key, wanted[key]);
    return params;
  }

  async function removeSelected(removed, reason) {
    if (!selected.size) return "Select the records to remove first.";
    try {
      const result = await api(`/reviews/${rid}/records/remove`, { method: "POST", json: { record_ids: [...selected], removed, reason } });
      notify(`${plural(result.records, "record")} removed before screening.`);
      selected.clear();
      await draw();
      return null;
    } catch (error) {
      return errorText(error);
    }
  }

  async function restore(record) {
    try {
      await api(`/reviews/${rid}/records/restore`, { method: "POST", json: { record_ids: [record.id] } });
      notify(`“${titleOf(record, 80)}” is back in screening.`);
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  /** Merged duplicates are out of screening already: they cannot be selected for removal. */
  const selectable = (record) => record.duplicate_of_id === null;

  function checkbox(record) {
    if (!selectable(record)) return "";
    const box = h("input", { type: "checkbox", id: nextId("pick"), checked: selected.has(record.id), "aria-label": `Select “${titleOf(record, 120)}”` });
    box.addEventListener("change", () => {
      if (box.checked) selected.add(record.id);
      else selected.delete(record.id);
      drawSelection();
    });
    return box;
  }

  function pageCheckbox() {
    const ids = page.items.filter(selectable).map((record) => record.id);
    const all = ids.length > 0 && ids.every((id) => selected.has(id));
    const box = h("input", { type: "checkbox", checked: all, disabled: !ids.length, "aria-label": "Select every record on this page" });
    box.indeterminate = !all && ids.some((id) => selected.has(id));
    box.addEventListener("change", () => {
      for (const id of ids) {
        if (box.checked) selected.add(id);
        else selected.delete(id);
      }
      for (const pick of list.querySelectorAll("tbody input[type=checkbox]")) pick.checked = box.checked;
      drawSelection();
    });
    return box;
  }

  async function selectEveryMatch() {
    const params = query();
    params.set("duplicates", "exclude");
    params.set("limit", String(FETCH_SIZE));
    let at = 0;
    let total = 0;
    do {
      params.set("offset", String(at));
      const chunk = await api(`/reviews/${rid}/records?${params}`);
      total = chunk.total;
      for (const record of chunk.items) if (selected.size < MAX_SELECTED) selected.add(record.id);
      at += FETCH_SIZE;
    } while (at < total && selected.size < MAX_SELECTED);
    await draw();
    if (total > MAX_SELECTED) notify(`At most ${MAX_SELECTED.toLocaleString()} records can be removed at once: the first ${MAX_SELECTED.toLocaleString()} are selected.`);
  }

  function drawSelection() {
    if (!manage || showRemoved) return;
    const onPage = page.items.filter(selectable).length;
    const everyMatch = page.total > onPage && selected.size < Math.min(page.total, MAX_SELECTED);
    selection.replaceChildren(
      h("span", {}, selected.size ? `${plural(selected.size, "record")} selected.` : "No record selected."),
      everyMatch && page.total ? button(`Select all ${page.total.toLocaleString()} matching records`, selectEveryMatch, { class: "btn btn-ghost btn-small" }) : "",
      selected.size ? button("Clear selection", () => (selected.clear(), draw()), { class: "btn btn-ghost btn-small" }) : "",
    );
  }

  function titleCell(record) {
    const title = record.title || "(no title)";
    return h(
      "div",
      { class: "record-cell" },
      h("a", { href: `/reviews/${rid}/records/${record.id}`, title: title.length > 140 ? title : null }, shorten(title, 140)),
      h("div", { class: "muted small" }, citation(record)),
    );
  }

  function stateCell(record) {
    if (record.duplicate_of_id !== null) {
      return h("a", { class: "badge badge-muted plain nowrap", href: `/reviews/${rid}/records/${record.duplicate_of_id}`, title: "Open the record kept for this study" }, "Merged duplicate");
    }
    if (record.merged) return h("span", { class: "badge plain nowrap" }, `${plural(record.merged, "copy", "copies")} merged in`);
    return "";
  }

  async function draw() {
    const params = query();
    params.set("limit", String(PAGE_SIZE));
    params.set("offset", String(offset));
    page = await api(`/reviews/${rid}/records?${params}`);
    const columns = [
      manage && !showRemoved ? { label: pageCheckbox(), render: checkbox, class: "pick" } : null,
      { label: "Title", render: titleCell },
      { label: "Source", render: (r) => sourceNames.get(r.source_id) || "" },
      showRemoved ? null : { label: "Duplicates", render: stateCell },
      showRemoved ? { label: "Removed", render: (r) => REMOVAL_LABELS[r.removed] || r.removed } : null,
      showRemoved ? { label: "Tool or reason", render: (r) => shorten(r.removal_reason || "", 120) } : null,
      manage && showRemoved ? { label: h("span", { class: "sr-only" }, "Actions"), render: (r) => button("Restore", () => restore(r), { "aria-label": `Restore “${titleOf(r, 120)}”` }) } : null,
    ].filter(Boolean);
    const empty = showRemoved ? "No record was removed before screening." : "No records match.";
    list.replaceChildren(table(columns, page.items, { caption: showRemoved ? "Removed before screening" : "In screening", empty }));
    const last = Math.min(offset + page.items.length, page.total);
    count.textContent = page.total ? `${offset + 1}–${last} of ${plural(page.total, "record")}.` : "";
    pager.replaceChildren(
      offset > 0 ? button("Previous", () => ((offset = Math.max(0, offset - PAGE_SIZE)), draw())) : "",
      last < page.total ? button("Next", () => ((offset += PAGE_SIZE), draw())) : "",
    );
    drawSelection();
  }
  await draw();
}
