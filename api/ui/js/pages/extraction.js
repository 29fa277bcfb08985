// Extraction hub: the included studies and where each stands; for leads the form and the conflicts.
import { api, ApiError } from "../api.js";
import { can } from "../roles.js";
import { h, pageHeader, table, emptyState } from "../dom.js";

const STATE_BADGE = { agreed: "badge-include", consensus: "badge-include", verified: "badge-include", conflict: "badge-exclude", awaiting_verification: "badge-maybe", needs_second: "badge-maybe" };

function shown(value) {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return value.map(shown).join(", ");
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

async function currentForm(rid) {
  try {
    return await api(`/reviews/${rid}/extraction/form`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function conflictsCard(rid, conflicts, names) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "xconf-h" },
    h("h2", { id: "xconf-h" }, "Extractions that differ"),
    conflicts.map((c) =>
      h(
        "div",
        { class: "xconflict" },
        h("div", { class: "card-head" }, h("h3", {}, c.study), h("a", { class: "btn btn-small btn-primary", href: `/reviews/${rid}/studies/${c.study_id}/extraction?consensus=1` }, "Record consensus")),
        table(
          [
            { label: "Field", key: "label" },
            { label: names.get(c.first) || `Extractor ${c.first}`, render: (d) => shown(d.first) },
            { label: names.get(c.second) || `Extractor ${c.second}`, render: (d) => shown(d.second) },
          ],
          c.differences,
        ),
      ),
    ),
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const lead = can(ctx.review.role, "manage_review");
  ctx.title = "Extraction";
  const [form, page, members] = await Promise.all([currentForm(rid), api(`/reviews/${rid}/studies?status=included&limit=1000`), api(`/reviews/${rid}/members`)]);
  const studies = page.items;
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const builder = lead ? h("a", { class: `btn ${form ? "" : "btn-primary"}`, href: `/reviews/${rid}/extraction/form` }, form ? "Edit the form" : "Build the form") : null;
  const container = h("div", { class: "container" }, pageHeader("Extraction", form ? `Form version ${form.version} · ${form.fields.length} fields` : "No form yet.", builder));
  ctx.main.append(container);
  if (!form) {
    container.append(emptyState("No extraction form yet", lead ? "Build the form: the fields every extractor fills for each included study." : "A review lead builds the form first."));
    return;
  }
  const states = await Promise.all(studies.map((s) => api(`/reviews/${rid}/studies/${s.id}/extraction`)));
  const rows = studies.map((study, i) => ({ study, state: states[i] }));
  container.append(
    h(
      "section",
      { class: "card", "aria-label": "Included studies" },
      table(
        [
          { label: "Study", render: (r) => h("div", {}, r.study.label || r.study.reports[0]?.title, h("div", { class: "muted small" }, `${r.study.reports.length} report${r.study.reports.length === 1 ? "" : "s"}`)) },
          { label: "State", render: (r) => h("span", { class: `badge ${STATE_BADGE[r.state.state] || "badge-muted"}` }, r.state.state.replace(/_/g, " ")) },
          { label: "Extractors", render: (r) => r.state.extractors.map((id) => names.get(id) || id).join(", ") || "—" },
          { label: "", render: (r) => h("a", { class: "btn btn-small", href: `/reviews/${rid}/studies/${r.study.id}/extraction`, "aria-label": `Extract ${r.study.label || "this study"}` }, "Extract") },
        ],
        rows,
        { empty: "No study is included at full text yet." },
      ),
    ),
  );
  if (lead) {
    const conflicts = await api(`/reviews/${rid}/extraction/conflicts`);
    if (conflicts.length) container.append(conflictsCard(rid, conflicts, names));
  }
}
