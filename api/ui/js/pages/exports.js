// Exports for leads: references with their outcome, the decision log, extracted data, the methods text.
import { api, download } from "../api.js";
import { h, field, select, button, pageHeader, notify, errorText } from "../dom.js";

function exportCard(title, text, controls, onDownload) {
  async function submit(event) {
    event.preventDefault();
    try {
      await onDownload();
    } catch (error) {
      notify(errorText(error), "error");
    }
  }
  return h(
    "form",
    { class: "card export-card", onsubmit: submit, "aria-label": title },
    h("h2", {}, title),
    h("p", { class: "muted small" }, text),
    h("div", { class: "form-row" }, controls),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Download")),
  );
}

function referencesCard(rid) {
  const format = select([["ris", "RIS (EndNote, Zotero, Mendeley)"], ["csv", "CSV (spreadsheet)"]], "ris", { name: "format" });
  const status = select([["included", "Included"], ["excluded", "Excluded"], ["all", "All records"]], "included", { name: "status" });
  return exportCard(
    "References",
    "Records with their screening outcome, for a reference manager or a spreadsheet.",
    [field("Format", format), field("Records", status)],
    () => download(`/reviews/${rid}/export?format=${format.value}&status=${status.value}`, `review-${rid}-${status.value}.${format.value}`),
  );
}

function decisionsCard(rid) {
  const format = select([["csv", "CSV"], ["json", "JSON"]], "csv", { name: "format" });
  return exportCard(
    "Decision log",
    "Every vote and resolution with who, when and why, superseded votes included.",
    [field("Format", format)],
    () => download(`/reviews/${rid}/decisions/export?format=${format.value}`, `review-${rid}-decisions.${format.value}`),
  );
}

function extractionCard(rid) {
  const format = select([["csv", "CSV"], ["json", "JSON"]], "csv", { name: "format" });
  const layout = select([["wide", "One row per study"], ["long", "One row per value"]], "wide", { name: "layout" });
  return exportCard(
    "Extracted data",
    "The final extracted values of the included studies.",
    [field("Format", format), field("Layout", layout)],
    () => download(`/reviews/${rid}/extraction/export?format=${format.value}&layout=${layout.value}`, `review-${rid}-extraction.${format.value}`),
  );
}

async function methodsCard(rid) {
  const methods = await api(`/reviews/${rid}/screening/methods`);
  const text = h("p", { class: "methods-text" }, methods.text);
  return h(
    "section",
    { class: "card", "aria-labelledby": "methods-h" },
    h("div", { class: "card-head" }, h("h2", { id: "methods-h" }, "Methods paragraph"), button("Copy", async () => {
      await navigator.clipboard.writeText(methods.text);
      notify("Copied.");
    }, { kind: "ghost" })),
    h("p", { class: "muted small" }, "For PRISMA item 8 (selection process), written from the settings and the figures so far."),
    text,
  );
}

export async function render(ctx) {
  const rid = ctx.review.id;
  ctx.title = "Exports";
  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader("Exports", "Files for the report, the reference manager and the analysis."),
      h("div", { class: "grid grid-3" }, referencesCard(rid), decisionsCard(rid), extractionCard(rid)),
      await methodsCard(rid),
    ),
  );
}
