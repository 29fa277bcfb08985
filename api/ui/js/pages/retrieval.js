// Full-text retrieval: every record included at title/abstract, its PDF attached one by one or
// many at once (matched to records by DOI, PMID or title, the person picking when unsure), or
// recorded as not retrieved. Only records with a PDF reach full-text screening.
import { api, apiBlob } from "../api.js";
import { can } from "../roles.js";
import { h, button, select, table, pageHeader, notify, errorText, progressBar, nextId, field } from "../dom.js";

const STATES = {
  attached: ["PDF attached", "badge-include"],
  not_retrieved: ["Not retrieved", "badge-exclude"],
  missing: ["Missing", "badge-maybe"],
};
const FILTERS = [
  ["all", "All records"],
  ["missing", "Missing"],
  ["not_retrieved", "Not retrieved"],
  ["attached", "PDF attached"],
];
const MATCHED_BY = { doi: "DOI in the file name", pmid: "PMID in the file name", pmcid: "PMCID in the file name", title: "title" };

function plural(count, word, words = `${word}s`) {
  return `${count} ${count === 1 ? word : words}`;
}

function shortTitle(item) {
  const title = item.title || "(no title)";
  return title.length > 90 ? `${title.slice(0, 88)}…` : title;
}

function citation(item) {
  const first = item.authors.length ? item.authors[0].split(",")[0] : "";
  const who = item.authors.length > 1 ? `${first} et al.` : first;
  return [who, item.year, item.journal].filter(Boolean).join(" · ");
}

/** "12 of 25 full texts attached · 3 not retrieved · 10 missing" */
export function countsText(counts) {
  return `${counts.attached} of ${plural(counts.total, "record")} with a PDF · ${counts.not_retrieved} not retrieved · ${counts.missing} missing`;
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const mayAttach = can(ctx.review.role, "retrieve");
  ctx.title = "Full-text retrieval";
  let data = await api(`/reviews/${rid}/retrieval`);
  let filter = new URLSearchParams(location.search).get("show") || "all";

  const progressSlot = h("div", { class: "retrieval-progress", role: "status" });
  const listSlot = h("div");
  const bulkSlot = h("div", { id: "bulk-matches", tabindex: "-1" });
  const show = select(FILTERS, filter, { name: "show" });
  show.addEventListener("change", () => {
    filter = show.value;
    const url = new URL(location.href);
    url.searchParams.set("show", filter);
    history.replaceState(null, "", url);
    drawList();
  });

  ctx.main.append(
    h(
      "div",
      { class: "container" },
      pageHeader(
        "Full-text retrieval",
        "Every record included at title and abstract. Attach its PDF, or record that it could not be retrieved: only records with a PDF reach full-text screening.",
        h("a", { class: "btn btn-secondary", href: `/reviews/${rid}/screen/full_text` }, "Screen full texts"),
      ),
      progressSlot,
      mayAttach && data.counts.total ? bulkForm() : null,
      bulkSlot,
      data.counts.total ? h("div", { class: "search-row" }, field("Show", show)) : null,
      listSlot,
    ),
  );
  drawProgress();
  drawList();

  function drawProgress() {
    const c = data.counts;
    progressSlot.replaceChildren(
      h("p", {}, h("strong", {}, countsText(c))),
      progressBar(c.attached + c.not_retrieved, c.total, "Records whose full text was sought"),
    );
  }

  function drawList() {
    if (!data.counts.total) {
      listSlot.replaceChildren(
        h("div", { class: "empty" }, h("h2", {}, "No record has passed title and abstract yet"), h("p", {}, "Records included at title and abstract appear here, ready for their full texts.")),
      );
      return;
    }
    const rows = data.items.filter((item) => filter === "all" || item.state === filter);
    const columns = [
      { label: "Record", render: recordCell },
      { label: "State", render: (item) => h("span", { class: `badge plain ${STATES[item.state][1]}` }, STATES[item.state][0]) },
      mayAttach ? { label: "Attach a PDF", render: fileCell } : null,
      { label: h("span", { class: "sr-only" }, "Actions"), render: actionsCell },
    ].filter(Boolean);
    listSlot.replaceChildren(table(columns, rows, { caption: "Records included at title and abstract", empty: "No record in this state." }));
  }

  function titleId(item) {
    return `retrieval-title-${item.record_id}`;
  }

  function recordCell(item) {
    return h(
      "div",
      { class: "retrieval-record" },
      h("span", { class: "record-title-small", id: titleId(item), title: item.title }, shortTitle(item)),
      h("span", { class: "muted small" }, [citation(item), item.doi ? `DOI ${item.doi}` : null, item.pmid ? `PMID ${item.pmid}` : null].filter(Boolean).join(" · ")),
      item.state === "attached" && item.filename ? h("span", { class: "muted small" }, `File: ${item.filename}`) : null,
    );
  }

  function fileCell(item) {
    const input = h("input", { type: "file", accept: "application/pdf,.pdf", id: nextId("pdf"), class: "file-compact", "aria-label": `PDF for “${shortTitle(item)}”` });
    input.addEventListener("change", async () => {
      if (!input.files.length) return;
      const ok = await attach(item.record_id, input.files[0]);
      if (ok) notify(`PDF attached to “${shortTitle(item)}”.`);
      input.value = "";
    });
    return input;
  }

  function actionsCell(item) {
    const described = { "aria-describedby": titleId(item) };
    const actions = [];
    if (item.state === "attached") actions.push(button("Open PDF", () => openPdf(item), { kind: "ghost", class: "btn btn-ghost btn-small", ...described }));
    if (mayAttach && item.state === "missing") actions.push(button("Not retrieved", () => markNotRetrieved(item), { class: "btn btn-secondary btn-small", ...described }));
    if (mayAttach && item.state === "not_retrieved") actions.push(button("Undo “Not retrieved”", () => undoNotRetrieved(item), { class: "btn btn-secondary btn-small", ...described }));
    return h("div", { class: "actions" }, actions);
  }

  async function refresh() {
    data = await api(`/reviews/${rid}/retrieval`);
    drawProgress();
    drawList();
  }

  async function attach(recordId, file) {
    const body = new FormData();
    body.append("file", file);
    try {
      await api(`/reviews/${rid}/records/${recordId}/full-text`, { method: "PUT", form: body });
      await refresh();
      return true;
    } catch (error) {
      notify(`${file.name}: ${errorText(error)}`, "error");
      return false;
    }
  }

  async function markNotRetrieved(item) {
    try {
      await api(`/reviews/${rid}/records/${item.record_id}/full-text`, { method: "PUT", json: { status: "not_retrieved" } });
      await refresh();
      notify(`“${shortTitle(item)}” recorded as not retrieved.`);
      focusRow(item.record_id, "button");
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  async function undoNotRetrieved(item) {
    try {
      await api(`/reviews/${rid}/records/${item.record_id}/full-text/not-retrieved`, { method: "DELETE" });
      await refresh();
      notify(`“${shortTitle(item)}” is sought again.`);
      focusRow(item.record_id, "button");
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  function focusRow(recordId, selector) {
    const title = document.getElementById(`retrieval-title-${recordId}`);
    title?.closest("tr")?.querySelector(selector)?.focus();
  }

  async function openPdf(item) {
    const blob = await apiBlob(`/reviews/${rid}/records/${item.record_id}/full-text`);
    const url = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    window.open(url, "_blank", "noopener");
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  function bulkForm() {
    const input = h("input", { type: "file", multiple: true, accept: "application/pdf,.pdf", name: "pdfs" });
    input.addEventListener("change", async () => {
      if (!input.files.length) return;
      const files = [...input.files];
      try {
        const matches = await api(`/reviews/${rid}/retrieval/match`, { method: "POST", json: { filenames: files.map((f) => f.name) } });
        bulkSlot.replaceChildren(matchReview(files, matches, () => (input.value = "")));
        bulkSlot.focus();
      } catch (error) {
        notify(errorText(error), "error");
      }
    });
    return h(
      "section",
      { class: "card", "aria-labelledby": "bulk-h" },
      h("h2", { id: "bulk-h" }, "Upload many PDFs at once"),
      field("PDF files", input, { hint: "Each file is matched to its record by the DOI or PMID in its name, then by its title. You confirm the files we are not sure of before anything is attached." }),
    );
  }

  function recordLabel(recordId) {
    const item = data.items.find((i) => i.record_id === recordId);
    return item ? `${shortTitle(item)}${item.year ? ` (${item.year})` : ""}` : `Record ${recordId}`;
  }

  function matchReview(files, matches, reset) {
    const choices = matches.map((match, index) => {
      const offered = new Set(match.options.map((o) => o.record_id));
      const others = data.items.filter((i) => i.state !== "attached" && !offered.has(i.record_id));
      const control = h("select", { id: nextId("match"), "aria-label": `Record for ${match.filename}` });
      control.append(h("option", { value: "" }, match.record_id ? "Do not attach this file" : "Choose the record… (or leave to skip)"));
      const suggested = h("optgroup", { label: "Closest records" });
      for (const option of match.options) {
        const how = option.matched_by === "title" ? `title ${Math.round(option.score)}% alike` : MATCHED_BY[option.matched_by];
        suggested.append(h("option", { value: option.record_id }, `${recordLabel(option.record_id)} — ${how}`));
      }
      if (match.options.length) control.append(suggested);
      if (others.length) {
        const rest = h("optgroup", { label: "Other records without a PDF" });
        for (const item of others) rest.append(h("option", { value: item.record_id }, recordLabel(item.record_id)));
        control.append(rest);
      }
      control.value = match.record_id ? String(match.record_id) : "";
      return { file: files[index], match, control };
    });
    const sure = choices.filter((c) => c.match.record_id).length;
    const status = h("p", { class: "small muted", role: "status" });
    const attachButton = button(`Attach the chosen PDFs`, attachChosen, { kind: "primary" });
    async function attachChosen() {
      const chosen = choices.filter((c) => c.control.value);
      if (!chosen.length) {
        status.textContent = "Choose a record for at least one file first.";
        return;
      }
      attachButton.disabled = true;
      let done = 0;
      const failed = [];
      for (const choice of chosen) {
        status.textContent = `Attaching ${done + 1} of ${chosen.length}…`;
        const body = new FormData();
        body.append("file", choice.file);
        try {
          await api(`/reviews/${rid}/records/${choice.control.value}/full-text`, { method: "PUT", form: body });
          done += 1;
        } catch (error) {
          failed.push(`${choice.file.name}: ${errorText(error)}`);
        }
      }
      await refresh();
      reset();
      bulkSlot.replaceChildren(
        h(
          "div",
          { class: "card", role: "status" },
          h("p", {}, `${plural(done, "PDF")} attached.`),
          failed.length ? h("ul", { class: "form-message error" }, failed.map((f) => h("li", {}, f))) : null,
        ),
      );
      notify(`${plural(done, "PDF")} attached.`);
    }
    return h(
      "section",
      { class: "card", "aria-labelledby": "matches-h" },
      h("h2", { id: "matches-h" }, "Check the matches"),
      h("p", {}, `${plural(files.length, "file")}: ${sure} matched for certain, ${files.length - sure} need you to choose. Nothing is attached until you press the button.`),
      table(
        [
          { label: "File", render: (c) => h("span", { class: "mono small" }, c.file.name) },
          { label: "Matched by", render: (c) => (c.match.record_id ? MATCHED_BY[c.match.matched_by] : h("span", { class: "badge plain badge-maybe" }, "Please choose")) },
          { label: "Record", render: (c) => c.control },
        ],
        choices,
      ),
      status,
      h("div", { class: "form-actions" }, attachButton, button("Cancel", () => (reset(), bulkSlot.replaceChildren()), { kind: "ghost" })),
    );
  }
}
