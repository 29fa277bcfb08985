// The extraction form for one study, checked as you type, with the study's PDF beside it.
// With ?consensus=1 a lead records the agreed values instead of their own extraction.
import { api, apiBlob, ApiError } from "../api.js";
import { h, button, pageHeader, emptyState, notify, errorText } from "../dom.js";
import { formControls } from "../fields.js";

async function pdfPanel(rid, study) {
  for (const report of study.reports) {
    try {
      const blob = await apiBlob(`/reviews/${rid}/records/${report.record_id}/full-text`);
      const url = URL.createObjectURL(blob);
      return h(
        "div",
        { class: "pdf-panel" },
        h("div", { class: "pdf-bar" }, h("span", { class: "small muted" }, "Full text"), h("a", { href: url, target: "_blank", rel: "noopener", class: "small" }, "Open in a new tab")),
        h("iframe", { class: "pdf", src: url, title: `Full text: ${report.title}` }),
      );
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
  }
  return h("div", { class: "card pdf-empty" }, h("h2", {}, "No full text attached"), h("p", { class: "muted" }, "Attach the PDF from the full-text screening page."));
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Both extractors' current values and their names, for a lead recording the consensus. */
async function bothExtractions(rid, sid) {
  const [entries, members] = await Promise.all([api(`/reviews/${rid}/studies/${sid}/extraction/entries`), api(`/reviews/${rid}/members`)]);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  return { entries, name: (entry, i) => names.get(entry.extractor_id) || `Extractor ${i + 1}` };
}

/** The values both extractors gave alike: the consensus starts from them. */
export function agreedValues(fields, entries) {
  if (entries.length < 2) return {};
  const [first, second] = entries;
  const agreed = {};
  for (const field of fields) {
    const a = first.values[field.key];
    if (a !== undefined && a !== null && same(a, second.values[field.key])) agreed[field.key] = a;
  }
  return agreed;
}

function shown(value) {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && !value.length)) return "—";
  if (value === true) return "Yes";
  if (value === false) return "No";
  if (Array.isArray(value)) {
    return value.map((item) => (item && typeof item === "object" ? Object.entries(item).map(([k, v]) => `${k}: ${shown(v)}`).join(", ") : shown(item))).join("; ");
  }
  return String(value);
}

/** Under each field, what each extractor entered, and whether they agree. */
function showBeside(fields, controls, side) {
  const [first, second] = side.entries;
  for (const field of fields) {
    const control = controls.byKey.get(field.key);
    if (!control) continue;
    const agree = first && second && same(first.values[field.key], second.values[field.key]);
    control.el.append(
      h(
        "div",
        { class: `extractor-values ${agree ? "agree" : "differ"}` },
        h("span", { class: `badge plain ${agree ? "badge-include" : "badge-maybe"}` }, agree ? "Both agree" : "They differ"),
        side.entries.map((entry, i) => h("span", { class: "extractor-value" }, h("strong", {}, `${side.name(entry, i)}:`), " ", shown(entry.values[field.key]))),
      ),
    );
  }
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const sid = Number(ctx.params[1]);
  const consensus = new URLSearchParams(location.search).get("consensus") === "1";
  ctx.title = "Extraction";
  let form;
  try {
    form = await api(`/reviews/${rid}/extraction/form`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      ctx.main.append(h("div", { class: "container" }, emptyState("No extraction form yet", "A review lead builds the form first.")));
      return;
    }
    throw error;
  }
  const [study, state] = await Promise.all([api(`/reviews/${rid}/studies/${sid}`), api(`/reviews/${rid}/studies/${sid}/extraction`)]);

  // Single-with-verification: a second person signs the extraction off, or corrects it.
  const verifying = !consensus && state.state === "awaiting_verification" && !state.extractors.includes(ctx.me.id);
  const status = h("p", { class: "form-message", role: "status", hidden: true });
  async function signOff() {
    try {
      await api(`/reviews/${rid}/studies/${sid}/extraction/verification`, { method: "POST", json: {} });
      showStatus("ok", "Verified as it stands.");
    } catch (error) {
      showStatus("error", errorText(error));
    }
  }
  const counter = h("span", { class: "small muted", "aria-live": "polite" });
  const side = consensus ? await bothExtractions(rid, sid) : null;
  const initial = state.final || (side ? agreedValues(form.fields, side.entries) : {});
  const controls = formControls(form.fields, initial, () => refreshCounter());
  if (side) showBeside(form.fields, controls, side);
  function refreshCounter() {
    const problems = controls.check(false);
    counter.textContent = problems ? `${problems} field${problems === 1 ? "" : "s"} to fix` : "Ready to save";
  }
  async function submit(event) {
    event.preventDefault();
    const problems = controls.check();
    if (problems) {
      showStatus("error", `Fix the ${problems} field${problems === 1 ? "" : "s"} marked in red first.`);
      event.target.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    const base = `/reviews/${rid}/studies/${sid}/extraction`;
    const [path, method, done] = consensus
      ? [`${base}/consensus`, "POST", "Consensus recorded."]
      : verifying
        ? [`${base}/verification`, "POST", "Corrected values recorded as verified."]
        : [base, "PUT", "Extraction saved."];
    try {
      await api(path, { method, json: { values: controls.values() } });
      showStatus("ok", done);
      notify("Saved.");
    } catch (error) {
      showStatus("error", errorText(error));
    }
  }
  function showStatus(kind, text) {
    status.className = `form-message ${kind}`;
    status.textContent = text;
    status.hidden = false;
  }

  const title = study.label || study.reports[0]?.title || `Study ${sid}`;
  const formEl = h(
    "form",
    { class: "card extraction-form", onsubmit: submit, novalidate: true, "aria-label": "Extraction form" },
    h("div", { class: "card-head" }, h("h2", {}, consensus ? "Consensus values" : verifying ? "Verify this extraction" : "Your extraction"), h("span", { class: "badge badge-muted plain" }, `form v${form.version} · ${state.state.replace(/_/g, " ")}`)),
    verifying ? h("div", { class: "verify-bar" }, h("p", { class: "muted small" }, "Sign the extraction off as it stands, or fill the corrected values below."), button("Sign off as it stands", signOff, { kind: "primary" })) : null,
    controls.el,
    status,
    h("div", { class: "form-actions spread" }, counter, h("button", { type: "submit", class: "btn btn-primary" }, consensus ? "Record consensus" : verifying ? "Save corrected values" : "Save extraction")),
  );
  ctx.main.append(
    h(
      "div",
      { class: "container wide" },
      pageHeader(title, study.reports.map((r) => [r.year, r.doi].filter(Boolean).join(" · ")).filter(Boolean).join(" | ") || null, h("a", { class: "btn", href: `/reviews/${rid}/extraction` }, "All studies")),
      h("div", { class: "extract-columns" }, h("div", { class: "pdf-slot" }, await pdfPanel(rid, study)), formEl),
    ),
  );
}
