// A record's DOI and PMID as people correct them (librarians and leads), on the duplicate queue
// and on the record's page; a Cochrane CENTRAL accession in the DOI field is explained.
import { api } from "./api.js";
import { h, field, button, setFieldError, nextId } from "./dom.js";
import { titleOf } from "./cite.js";

const DOI = /^10\.\d{4,9}\/\S+$/;
const PMID = /^\d{1,9}$/;

/** The DOI as the server will store it (URL and "doi:" forms are accepted), or null. */
function bareDoi(text) {
  const value = text.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, "");
  return value ? value : null;
}

function barePmid(text) {
  const value = text.trim().replace(/^pmid:\s*/i, "");
  return value ? value : null;
}

/** Why a CENTRAL accession is not the article's DOI, or null for any other DOI. */
export function centralNote(record, onRemove) {
  if (!record.central_accession) return null;
  return h(
    "div",
    { class: "form-message warn small central-note" },
    h(
      "p",
      {},
      `The DOI field holds ${record.central_accession}, a Cochrane CENTRAL accession: the number of a trial register entry, not the article's own DOI. The duplicate finder ignores it. Replace it with the article's DOI if you know it, or remove it.`,
    ),
    onRemove ? button("Remove the accession", onRemove, { class: "btn btn-secondary btn-small", "aria-label": `Remove the CENTRAL accession from “${titleOf(record, 60)}”` }) : null,
  );
}

/** What went wrong, in words, for a refused correction. */
function problemText(detail) {
  if (/body\.doi/.test(detail)) return ["doi", "This is not a DOI. A DOI starts with 10., a number, a slash and more: 10.1000/xyz123."];
  if (/body\.pmid/.test(detail)) return ["pmid", "A PubMed ID is a number, such as 31234567."];
  return [null, detail];
}

/**
 * A button that opens a small form to correct the record's DOI and PMID. `onSaved(record)` gets
 * the record as stored. Only for people who may correct identifiers.
 */
export function identifiersEditor(rid, record, onSaved) {
  const formId = nextId("ids");
  const doi = h("input", { type: "text", name: "doi", value: record.doi || "", autocomplete: "off", spellcheck: "false" });
  const pmid = h("input", { type: "text", name: "pmid", value: record.pmid || "", inputmode: "numeric", autocomplete: "off" });
  const status = h("p", { class: "small", role: "status" });
  const toggle = button("Correct DOI or PMID", () => setOpen(form.hidden), {
    class: "btn btn-secondary btn-small",
    "aria-expanded": "false",
    "aria-controls": formId,
    "aria-label": `Correct the DOI or PMID of “${titleOf(record, 60)}”`,
  });
  const form = h(
    "form",
    { id: formId, class: "identifiers-form", hidden: true, novalidate: true, "aria-label": `Identifiers of “${titleOf(record, 60)}”`, onsubmit: save },
    h("div", { class: "form-row" }, field("DOI", doi, { hint: "e.g. 10.1000/xyz123; leave empty to remove" }), field("PMID", pmid, { hint: "digits only; leave empty to remove" })),
    h("div", { class: "form-actions" }, button("Cancel", () => setOpen(false), { kind: "ghost" }), h("button", { type: "submit", class: "btn btn-primary" }, "Save identifiers")),
  );

  function setOpen(open) {
    form.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) doi.focus();
  }

  async function save(event) {
    event.preventDefault();
    setFieldError(doi, "");
    setFieldError(pmid, "");
    const change = {};
    const newDoi = bareDoi(doi.value);
    const newPmid = barePmid(pmid.value);
    if (newDoi && !DOI.test(newDoi)) return refuse(doi, problemText("body.doi")[1]);
    if (newPmid && !PMID.test(newPmid)) return refuse(pmid, problemText("body.pmid")[1]);
    if ((newDoi || "").toLowerCase() !== (record.doi || "").toLowerCase()) change.doi = newDoi;
    if (newPmid !== (record.pmid || null)) change.pmid = newPmid;
    if (!Object.keys(change).length) {
      status.textContent = "Nothing changed.";
      return undefined;
    }
    try {
      const saved = await api(`/reviews/${rid}/records/${record.id}`, { method: "PATCH", json: change });
      setOpen(false);
      await onSaved(saved, savedText(change));
    } catch (error) {
      const [name, text] = problemText(error.detail || String(error));
      if (name) return refuse(name === "doi" ? doi : pmid, text);
      status.textContent = text;
    }
    return undefined;
  }

  function refuse(control, text) {
    setFieldError(control, text);
    control.focus();
  }

  return h("div", { class: "identifiers" }, toggle, form, status);
}

/** Remove the DOI field's CENTRAL accession; resolves to the record as stored. */
export async function removeAccession(rid, record) {
  return api(`/reviews/${rid}/records/${record.id}`, { method: "PATCH", json: { doi: null } });
}

export function savedText(change) {
  const names = Object.entries(change).map(([key, value]) => `${key === "doi" ? "DOI" : "PMID"} ${value === null ? "removed" : "saved"}`);
  return `${names.join(", ")}. The duplicate finder reads it the next time someone runs “Find duplicates”.`;
}
