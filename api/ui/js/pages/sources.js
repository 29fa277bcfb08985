// Sources searched for the review, file uploads with their per-record report, PubMed searches.
import { api, followJob, routeMissing } from "../api.js";
import { can } from "../roles.js";
import { h, field, button, select, table, pageHeader, notify, errorText, formatDate, progressBar, setFieldError } from "../dom.js";

const KINDS = [
  ["database", "Database"],
  ["register", "Register"],
  ["website", "Website"],
  ["organisation", "Organisation"],
  ["citation", "Citation searching"],
];
const FORMATS = [
  ["auto", "Detect automatically"],
  ["ris", "RIS"],
  ["medline", "MEDLINE / PubMed (nbib)"],
  ["pubmed-xml", "PubMed XML"],
  ["bibtex", "BibTeX"],
  ["endnote-xml", "EndNote XML"],
  ["endnote-tagged", "EndNote tagged"],
  ["csv", "CSV"],
  ["wos", "Web of Science"],
  ["ovid", "Ovid"],
];

/** The form to add a source, or to edit *existing* (PATCH). */
function sourceForm(rid, onSaved, existing = null, onCancel = null) {
  const name = h("input", { type: "text", name: "name", maxlength: "200", value: existing?.name ?? "" });
  const kind = select(KINDS, existing?.kind ?? "database", { name: "kind" });
  const searched = h("input", { type: "date", name: "searched_on", value: existing?.searched_on ?? "" });
  const query = h("textarea", { name: "query", rows: "3", class: "mono" });
  query.value = existing?.query ?? "";
  const title = existing ? `Edit the source “${existing.name}”` : "Add a source";
  async function submit(event) {
    event.preventDefault();
    const body = { name: name.value.trim(), kind: kind.value, query: query.value, searched_on: searched.value || null };
    try {
      const source = existing
        ? await api(`/reviews/${rid}/sources/${existing.id}`, { method: "PATCH", json: body })
        : await api(`/reviews/${rid}/sources`, { method: "POST", json: body });
      notify(existing ? `Source “${source.name}” saved.` : `Source “${source.name}” added.`);
      onSaved(source);
    } catch (error) {
      setFieldError(name, errorText(error));
      name.focus();
    }
  }
  return h(
    "form",
    { class: "card", onsubmit: submit, "aria-label": title },
    h("h2", {}, title),
    h("div", { class: "form-row" }, field("Name", name, { required: true, hint: "e.g. Embase (Ovid)" }), field("Kind", kind), field("Date searched", searched)),
    field("Search strategy", query, { hint: "Kept for the report; paste the full strategy." }),
    h(
      "div",
      { class: "form-actions" },
      onCancel ? button("Cancel", onCancel, { kind: "ghost" }) : null,
      h("button", { type: "submit", class: "btn btn-primary" }, existing ? "Save source" : "Add source"),
    ),
  );
}

export function reportView(report) {
  const stats = h(
    "div",
    { class: "grid grid-3 report-stats" },
    stat(report.records_total, "records in the file"),
    stat(report.records_imported, "imported"),
    stat(report.records_rejected, "rejected"),
  );
  const rows = report.warnings.map((w) => ({ ...w }));
  return h(
    "section",
    { class: "card", "aria-label": "Import report" },
    h("div", { class: "card-head" }, h("h2", {}, `Import report: ${report.filename || report.query || "PubMed"}`), h("span", { class: "muted small" }, `${report.format} · ${report.encoding || "—"}`)),
    report.already_imported ? h("p", { class: "form-message ok" }, "This file was imported into this source before; nothing was added. This is the earlier report.") : null,
    stats,
    table(
      [
        { label: "Record", key: "record", class: "num" },
        { label: "Line", key: "line", class: "num" },
        { label: "Outcome", render: (w) => h("span", { class: `badge ${w.outcome === "rejected" ? "badge-exclude" : "badge-maybe"}` }, w.outcome) },
        { label: "What happened", key: "message" },
      ],
      rows,
      { caption: "Per-record report", empty: "Every record was read cleanly." },
    ),
  );
}

function stat(value, label) {
  return h("div", { class: "stat" }, h("span", { class: "stat-value" }, String(value)), h("span", { class: "stat-label" }, label));
}

// The source chosen last stays chosen in both forms while the page is open.
const chosen = { source: null };

function sourceSelect(sources) {
  const known = sources.some((s) => String(s.id) === String(chosen.source));
  const control = select(sources.map((s) => [s.id, s.name]), known ? chosen.source : sources[0]?.id, { name: "source_id" });
  control.addEventListener("change", () => (chosen.source = control.value));
  return control;
}

function uploadForm(rid, sources, showReport) {
  const source = sourceSelect(sources);
  const format = select(FORMATS, "auto", { name: "format" });
  const file = h("input", { type: "file", name: "file", accept: ".ris,.txt,.nbib,.xml,.bib,.csv,.enw,.ciw" });
  const submitButton = h("button", { type: "submit", class: "btn btn-primary" }, "Upload and import");
  async function submit(event) {
    event.preventDefault();
    if (!file.files.length) {
      setFieldError(file, "Choose a file to import.");
      file.focus();
      return;
    }
    setFieldError(file, "");
    const body = new FormData();
    body.append("file", file.files[0]);
    body.append("source_id", source.value);
    body.append("format", format.value);
    submitButton.disabled = true;
    submitButton.textContent = "Importing…";
    chosen.source = source.value;
    try {
      const report = await api(`/reviews/${rid}/imports`, { method: "POST", form: body });
      await showReport(report);
    } catch (error) {
      setFieldError(file, errorText(error));
    } finally {
      submitButton.disabled = false;
      submitButton.textContent = "Upload and import";
    }
  }
  return h(
    "form",
    { class: "card", onsubmit: submit, "aria-label": "Upload a file" },
    h("h2", {}, "Upload a file"),
    h("div", { class: "form-row" }, field("Source", source), field("Format", format)),
    field("File", file, { hint: "RIS, MEDLINE/nbib, PubMed XML, BibTeX, EndNote, CSV. The same file twice adds nothing." }),
    h("div", { class: "form-actions" }, submitButton),
  );
}

function pubmedForm(rid, sources, onDone) {
  const source = sourceSelect(sources);
  const query = h("textarea", { name: "query", rows: "3" });
  const mindate = h("input", { type: "text", name: "mindate", placeholder: "2015/01/01" });
  const maxdate = h("input", { type: "text", name: "maxdate", placeholder: "2024/12/31" });
  const status = h("div", { class: "job-status", "aria-live": "polite" });
  async function submit(event) {
    event.preventDefault();
    const body = { query: query.value, source_id: Number(source.value), mindate: mindate.value || null, maxdate: maxdate.value || null };
    try {
      const job = await api(`/reviews/${rid}/imports/pubmed`, { method: "POST", json: body });
      setFieldError(query, "");
      onDone(await followJob(job, showImportJob(status), "the import failed"));
    } catch (error) {
      setFieldError(query, errorText(error));
    }
  }
  return h(
    "form",
    { class: "card", onsubmit: submit, "aria-label": "Search PubMed" },
    h("h2", {}, "Search PubMed"),
    field("Source", source),
    field("Query", query, { required: true, hint: "PubMed syntax, e.g. exercise[tiab] AND “low back pain”[mh]" }),
    h("div", { class: "form-row" }, field("From date", mindate), field("To date", maxdate)),
    status,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Search and import")),
  );
}

function showImportJob(into) {
  return (job) => {
    const label = job.total ? `${job.done} of ${job.total} records` : `${job.status}…`;
    into.replaceChildren(h("p", { class: "small muted" }, `PubMed import: ${label}`), progressBar(job.done, job.total || 1, "PubMed import"));
  };
}

async function loadImports(rid) {
  try {
    return await api(`/reviews/${rid}/imports`);
  } catch (error) {
    if (routeMissing(error)) return null;
    throw error;
  }
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "Sources";
  const librarian = can(ctx.review.role, "manage_sources");
  const container = h("div", { class: "container" });
  ctx.main.append(container);
  const reportSlot = h("div", { id: "import-report", tabindex: "-1" });

  async function draw() {
    const [sources, imports] = await Promise.all([api(`/reviews/${rid}/sources`), loadImports(rid)]);
    const names = new Map(sources.map((s) => [s.id, s.name]));
    const formSlot = h("div");
    const addButton = librarian ? button("Add source", () => formSlot.replaceChildren(sourceForm(rid, draw)), { kind: librarian && sources.length ? "secondary" : "primary" }) : null;
    container.replaceChildren(pageHeader("Sources", "Where the records came from; PRISMA counts records per source.", addButton), formSlot);
    if (librarian && !sources.length) formSlot.replaceChildren(sourceForm(rid, draw));
    container.append(
      h(
        "section",
        { class: "card", "aria-label": "Sources" },
        table(
          [
            { label: "Source", render: (s) => h("strong", {}, s.name) },
            { label: "Kind", render: (s) => KINDS.find(([k]) => k === s.kind)?.[1] || s.kind },
            { label: "Searched", render: (s) => formatDate(s.searched_on) },
            { label: "Strategy", render: (s) => h("span", { class: "muted small clamp" }, s.query || "—") },
            librarian ? { label: h("span", { class: "sr-only" }, "Actions"), render: (s) => sourceActions(s, formSlot) } : null,
          ].filter(Boolean),
          sources,
          { empty: "No sources yet." },
        ),
      ),
    );
    if (librarian && sources.length && imports !== null) {
      // Redraw first, then show the report: a redraw landing later would wipe a form opened
      // in between (an edit started right after the import).
      const showReport = async (report) => {
        await draw();
        reportSlot.replaceChildren(reportView(report));
        reportSlot.focus();
      };
      container.append(h("div", { class: "grid grid-2" }, uploadForm(rid, sources, showReport), pubmedForm(rid, sources, pubmedDone)));
    }
    container.append(reportSlot);
    if (imports && imports.length) container.append(importsTable(imports, names));
    return imports || [];
  }

  async function pubmedDone(job) {
    const imports = await draw();
    const batch = imports.find((b) => b.job_id === job.id);
    if (batch) {
      reportSlot.replaceChildren(reportView(batch));
      reportSlot.focus();
    }
  }

  function sourceActions(source, formSlot) {
    const edit = () => {
      const form = sourceForm(rid, () => draw(), source, () => formSlot.replaceChildren());
      formSlot.replaceChildren(form);
      form.querySelector("input")?.focus();
    };
    return h(
      "div",
      { class: "actions row-actions" },
      button("Edit", edit, { class: "btn btn-secondary btn-small", "aria-label": `Edit the source ${source.name}` }),
      button("Delete", () => deleteSource(source), { class: "btn btn-ghost btn-small", "aria-label": `Delete the source ${source.name}` }),
    );
  }

  async function deleteSource(source) {
    if (!confirm(`Delete the source “${source.name}”?`)) return;
    try {
      await api(`/reviews/${rid}/sources/${source.id}`, { method: "DELETE" });
      notify(`Source “${source.name}” deleted.`);
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  async function removeImport(batch, names) {
    const what = batch.filename || batch.query || "this import";
    if (!confirm(`Remove “${what}” from ${names.get(batch.source_id)} with its ${batch.records_imported} records? Only possible before any of them is screened.`)) return;
    try {
      const result = await api(`/reviews/${rid}/imports/${batch.id}`, { method: "DELETE" });
      notify(`Import removed with its ${result.records_removed} record${result.records_removed === 1 ? "" : "s"}.`);
      reportSlot.replaceChildren();
      await draw();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  function importsTable(imports, names) {
    return h(
      "section",
      { class: "card", "aria-label": "Imports" },
      h("h2", {}, "Imports"),
      table(
        [
          { label: "When", render: (b) => formatDate(b.created_at) },
          { label: "File or query", render: (b) => b.filename || b.query },
          { label: "Source", render: (b) => names.get(b.source_id) || b.source_id },
          { label: "Format", key: "format" },
          { label: "Records", key: "records_total", class: "num" },
          { label: "Imported", key: "records_imported", class: "num" },
          { label: "Rejected", key: "records_rejected", class: "num" },
          {
            label: "Report",
            render: (b) =>
              button("View", () => {
                reportSlot.replaceChildren(reportView(b));
                reportSlot.focus();
              }, { kind: "ghost", class: "btn btn-ghost btn-small", "aria-label": `View the report of ${b.filename || "this import"}` }),
          },
          librarian
            ? {
                label: h("span", { class: "sr-only" }, "Remove"),
                render: (b) => button("Remove", () => removeImport(b, names), { class: "btn btn-ghost btn-small", "aria-label": `Remove the import ${b.filename || b.query || b.id} and its records` }),
              }
            : null,
        ].filter(Boolean),
        imports,
      ),
    );
  }

  await draw();
}
