// Records for librarians and leads: find records and set them aside before screening (PRISMA's
// "removed by automation tools" and "removed for other reasons"), or bring them back.
import { api } from "../api.js";
import { can } from "../roles.js";
import { h, field, button, select, table, pageHeader, notify, errorText, setFieldError, nextId } from "../dom.js";

const PAGE_SIZE = 50;
const REMOVALS = [
  ["automation", "Marked ineligible by an automation tool"],
  ["other", "Removed for another reason"],
];
const REMOVAL_LABELS = Object.fromEntries(REMOVALS);

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function removalForm(onRemove) {
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
    { class: "card", onsubmit: submit, novalidate: true, "aria-label": "Remove before screening" },
    h("h2", {}, "Remove the selected records before screening"),
    h("div", { class: "form-row" }, field("Removed", kind), field("Tool or reason", reason, { required: true, hint: "e.g. RobotSearch RCT classifier, or “conference abstracts before 2010”" })),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Remove selected")),
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const params = new URLSearchParams(location.search);
  const showRemoved = params.get("removed") === "1";
  const manage = can(ctx.review.role, "manage_sources");
  ctx.title = "Records";
  let offset = 0;
  let query = "";
  const selected = new Set();

  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Records shown" },
    h("a", { href: "?", "aria-current": showRemoved ? null : "page" }, "In screening"),
    h("a", { href: "?removed=1", "aria-current": showRemoved ? "page" : null }, "Removed before screening"),
  );
  const search = h("input", { type: "search", name: "q", maxlength: "500" });
  const searchForm = h(
    "form",
    {
      class: "search-row",
      role: "search",
      onsubmit: (event) => {
        event.preventDefault();
        query = search.value.trim();
        offset = 0;
        draw();
      },
    },
    field("Title contains", search),
    h("button", { type: "submit", class: "btn btn-secondary" }, "Search"),
  );
  const count = h("p", { class: "muted", "aria-live": "polite" });
  const list = h("div");
  const pager = h("div", { class: "form-actions" });
  const form = manage && !showRemoved ? removalForm(removeSelected) : null;
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader("Records", "Imported records. Records an automation tool or another reason rules out before screening leave the queue; PRISMA counts them in their own boxes.", tabs),
      searchForm,
      count,
      list,
      pager,
      form,
    ),
  );

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
      notify(`“${record.title || "(no title)"}” is back in screening.`);
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  function checkbox(record) {
    const box = h("input", { type: "checkbox", id: nextId("pick"), checked: selected.has(record.id), "aria-label": `Select “${record.title || "(no title)"}”` });
    box.addEventListener("change", () => (box.checked ? selected.add(record.id) : selected.delete(record.id)));
    return box;
  }

  async function draw() {
    const search = new URLSearchParams({ removed: showRemoved ? "true" : "false", limit: String(PAGE_SIZE), offset: String(offset) });
    if (query) search.set("q", query);
    const page = await api(`/reviews/${rid}/records?${search}`);
    const columns = [
      manage && !showRemoved ? { label: h("span", { class: "sr-only" }, "Select"), render: checkbox } : null,
      { label: "Title", render: (r) => r.title || "(no title)" },
      { label: "Year", key: "year" },
      { label: "Journal", key: "journal" },
      showRemoved ? { label: "Removed", render: (r) => REMOVAL_LABELS[r.removed] || r.removed } : null,
      showRemoved ? { label: "Tool or reason", key: "removal_reason" } : null,
      manage && showRemoved ? { label: "", render: (r) => button("Restore", () => restore(r), { "aria-label": `Restore “${r.title || "(no title)"}”` }) } : null,
    ].filter(Boolean);
    const empty = showRemoved ? "No record was removed before screening." : "No records match.";
    list.replaceChildren(table(columns, page.items, { caption: showRemoved ? "Removed before screening" : "In screening", empty }));
    const last = Math.min(offset + page.items.length, page.total);
    count.textContent = page.total ? `${offset + 1}–${last} of ${plural(page.total, "record")}.` : "";
    pager.replaceChildren(
      offset > 0 ? button("Previous", () => ((offset = Math.max(0, offset - PAGE_SIZE)), draw())) : "",
      last < page.total ? button("Next", () => ((offset += PAGE_SIZE), draw())) : "",
    );
  }
  await draw();
}
