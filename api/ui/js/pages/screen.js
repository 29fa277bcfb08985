// Screening, one record at a time: i include, e exclude, m maybe, u undo, n note, ? keys.
// At full text the PDF sits beside the record and an exclusion needs a reason (number keys).
import { api, apiBlob, ApiError } from "../api.js";
import { h, button, notify, errorText, progressBar, typingInto, field, nextId } from "../dom.js";
import { STAGE_LABELS } from "../progress.js";
import { marked, abstractNodes } from "../text.js";

const VOTES = {
  i: ["include", "Include"],
  e: ["exclude", "Exclude"],
  m: ["maybe", "Maybe"],
};

const KEYS = [
  ["i", "Include"],
  ["e", "Exclude"],
  ["m", "Maybe"],
  ["1–9", "Pick an exclusion reason (full text)"],
  ["u", "Undo: go back to the last record and vote again"],
  ["n", "Write a note on this record"],
  ["?", "Show these keys"],
];

function keymapDialog() {
  const dialog = h(
    "dialog",
    { "aria-labelledby": "keys-h", class: "keys-dialog" },
    h("h2", { id: "keys-h" }, "Keyboard shortcuts"),
    h("div", { class: "keymap" }, KEYS.map(([key, what]) => [h("kbd", {}, key), h("span", {}, what)])),
    h("form", { method: "dialog", class: "form-actions" }, h("button", { class: "btn btn-primary", type: "submit" }, "Close")),
  );
  document.body.append(dialog);
  return dialog;
}

function noteDialog(onSave) {
  const text = h("textarea", { name: "note", rows: "5" });
  const dialog = h("dialog", { "aria-labelledby": "note-h" });
  const form = h(
    "form",
    {
      onsubmit: async (event) => {
        event.preventDefault();
        if (!text.value.trim()) return dialog.close();
        await onSave(text.value.trim());
        text.value = "";
        dialog.close();
      },
    },
    h("h2", { id: "note-h" }, "Note on this record"),
    field("Note", text, { hint: "Visible to others once the record is settled." }),
    h("div", { class: "form-actions" }, button("Cancel", () => dialog.close()), h("button", { type: "submit", class: "btn btn-primary" }, "Save note")),
  );
  dialog.append(form);
  document.body.append(dialog);
  return { dialog, text };
}

function recordView(record, stage) {
  const meta = [record.journal, record.year].filter(Boolean).join(" · ");
  const ids = [
    record.doi ? h("a", { href: `https://doi.org/${record.doi}`, target: "_blank", rel: "noopener noreferrer" }, `doi:${record.doi}`) : null,
    record.pmid ? h("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${record.pmid}/`, target: "_blank", rel: "noopener noreferrer" }, `PMID ${record.pmid}`) : null,
  ].filter(Boolean);
  const titleSpans = record.spans.filter((s) => s.field === "title");
  const abstractSpans = record.spans.filter((s) => s.field === "abstract");
  return h(
    "article",
    { class: "card record", "aria-labelledby": "record-title", "data-record-id": String(record.id), "data-stage": stage },
    h("h2", { id: "record-title", class: "record-title" }, record.title ? marked(record.title, titleSpans) : "(no title)"),
    record.authors.length ? h("p", { class: "record-authors" }, authorLine(record.authors)) : null,
    h("p", { class: "record-meta" }, meta || "—", ids.length ? h("span", { class: "record-ids" }, ids) : null),
    h("div", { class: "record-abstract" }, abstractNodes(record.abstract, abstractSpans)),
    record.keywords.length
      ? h("ul", { class: "chips", "aria-label": "Keywords" }, record.keywords.map((k) => h("li", { class: "chip" }, k)))
      : null,
  );
}

function authorLine(authors) {
  return authors.length > 8 ? `${authors.slice(0, 7).join("; ")}; … ${authors.at(-1)} (${authors.length} authors)` : authors.join("; ");
}

export async function render(ctx) {
  const rid = ctx.review.id;
  const stage = ctx.params[1];
  const fullText = stage === "full_text";
  ctx.title = `Screen · ${STAGE_LABELS[stage]}`;
  const reasons = fullText ? (await api(`/reviews/${rid}/exclusion-reasons`)).filter((r) => r.stage === stage).sort((a, b) => a.position - b.position) : [];

  const state = { current: null, history: [], reasonId: null, awaitingReason: false, busy: false, done: 0, toDo: 0, pdfUrl: null, prefetch: null };
  const keys = keymapDialog();
  const note = noteDialog(saveNote);
  const progressSlot = h("div", { class: "screen-progress" });
  const recordSlot = h("div", { class: "record-slot", "aria-live": "polite" });
  const pdfSlot = fullText ? h("div", { class: "pdf-slot" }) : null;
  const reasonList = fullText ? h("ol", { class: "reasons", "aria-label": "Exclusion reasons" }) : null;
  const previousBanner = h("div", { class: "undo-bar", hidden: true, role: "status" });
  const voteButtons = Object.entries(VOTES).map(([key, [vote, label]]) =>
    button([label, h("kbd", {}, key)], () => voteKey(key), { kind: vote, "aria-keyshortcuts": key, "data-vote": vote }),
  );

  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Stage" },
    Object.entries(STAGE_LABELS).map(([value, label]) => h("a", { href: `/reviews/${rid}/screen/${value}`, "aria-current": value === stage ? "page" : null }, label)),
  );
  const toolbar = h(
    "div",
    { class: "screen-toolbar card" },
    h("div", { class: "vote-buttons", role: "group", "aria-label": "Your vote" }, voteButtons),
    h(
      "div",
      { class: "actions" },
      button(["Undo", h("kbd", {}, "u")], undo, { kind: "ghost", "aria-keyshortcuts": "u" }),
      button(["Note", h("kbd", {}, "n")], openNote, { kind: "ghost", "aria-keyshortcuts": "n" }),
      button(["Keys", h("kbd", {}, "?")], () => keys.showModal(), { kind: "ghost", "aria-keyshortcuts": "?" }),
    ),
  );
  const reasonsCard = reasonList ? h("section", { class: "card reasons-card", "aria-labelledby": "reasons-h" }, h("h2", { id: "reasons-h" }, "Reason for exclusion"), reasonList) : null;
  const recordColumn = h("div", { class: "screen-record" }, previousBanner, recordSlot, reasonsCard);
  ctx.main.append(
    h(
      "div",
      { class: `container screen ${fullText ? "screen-full" : ""}` },
      h("div", { class: "screen-head" }, h("h1", { class: "sr-only" }, `Screening: ${STAGE_LABELS[stage]}`), tabs, progressSlot),
      toolbar,
      fullText ? h("div", { class: "screen-columns" }, pdfSlot, recordColumn) : recordColumn,
    ),
  );

  function drawProgress() {
    const total = state.done + state.toDo;
    progressSlot.replaceChildren(
      h("span", { class: "small muted" }, `${state.done} done · ${state.toDo} to go`),
      progressBar(state.done, total, `Your progress at ${STAGE_LABELS[stage]}`),
    );
  }

  async function loadProgress() {
    try {
      const progress = await api(`/reviews/${rid}/progress`);
      const mine = progress[stage].reviewers.find((r) => r.reviewer_id === ctx.me.id);
      state.done = mine ? mine.done : 0;
      state.toDo = mine ? mine.to_do : progress[stage].total;
      drawProgress();
    } catch {
      progressSlot.replaceChildren();
    }
  }

  function drawReasons() {
    if (!reasonList) return;
    reasonList.replaceChildren(
      ...reasons.slice(0, 9).map((reason, i) =>
        h(
          "li",
          {},
          h(
            "button",
            { type: "button", class: `reason${state.reasonId === reason.id ? " selected" : ""}`, "aria-pressed": String(state.reasonId === reason.id), onclick: () => pickReason(i) },
            h("kbd", {}, String(i + 1)),
            reason.label,
          ),
        ),
      ),
    );
    reasonList.classList.toggle("wanted", state.awaitingReason);
  }

  function show(record, previousVote = null) {
    state.current = record;
    state.reasonId = previousVote?.reason_id ?? null;
    state.awaitingReason = false;
    for (const b of voteButtons) b.classList.toggle("active", previousVote?.decision === b.dataset.vote);
    previousBanner.hidden = !previousVote;
    if (previousVote) previousBanner.replaceChildren(`You voted ${previousVote.decision} on this record. Press a vote key to change it.`);
    recordSlot.replaceChildren(recordView(record, stage));
    drawReasons();
    if (fullText) loadPdf(record);
  }

  function showDone() {
    state.current = null;
    previousBanner.hidden = true;
    for (const b of voteButtons) b.disabled = true;
    const empty = h(
      "div",
      { class: "empty" },
      h("h2", {}, "Nothing left for you at this stage"),
      h("p", {}, "Every record here has your vote. Records come back when a conflict needs a third opinion."),
      h("a", { class: "btn btn-primary", href: `/reviews/${rid}` }, "Back to the review"),
    );
    recordSlot.replaceChildren(empty);
    if (pdfSlot) pdfSlot.replaceChildren();
    if (fullText) {
      // Nothing to read beside: the message takes the whole width.
      pdfSlot.hidden = true;
      reasonsCard.hidden = true;
      explainMissingFullTexts(empty);
    }
  }

  // At full text, say truthfully why there may be nothing to screen: PDFs not attached yet.
  async function explainMissingFullTexts(empty) {
    let counts;
    try {
      counts = (await api(`/reviews/${rid}/retrieval`)).counts;
    } catch {
      return;
    }
    if (!counts.missing && counts.total) return;
    const missing = counts.missing === 1 ? "1 record included at title/abstract has no full text yet" : `${counts.missing} records included at title/abstract have no full text yet`;
    const text = counts.total ? `${missing}. Only records with a PDF reach full-text screening.` : "No record has been included at title/abstract yet, so there is nothing to screen here.";
    empty.replaceChildren(
      h("h2", {}, counts.total ? "Full texts are missing" : "Nothing to screen yet"),
      h("p", {}, text),
      counts.missing ? h("a", { class: "btn btn-primary", href: `/reviews/${rid}/retrieval?show=missing` }, "Attach full texts") : h("a", { class: "btn btn-primary", href: `/reviews/${rid}` }, "Back to the review"),
    );
  }

  async function loadNext() {
    const next = await api(`/reviews/${rid}/screening/${stage}/next`);
    showNext(next);
  }

  function showNext(next) {
    if (!next) return showDone();
    for (const b of voteButtons) b.disabled = false;
    if (pdfSlot) pdfSlot.hidden = reasonsCard.hidden = false;
    show(next.record);
    prefetchAfter(next.record);
  }

  // Fetch the record after the one on screen while the reviewer reads, so a vote shows it at once.
  function prefetchAfter(record) {
    const promise = api(`/reviews/${rid}/screening/${stage}/next?after=${record.id}`).catch(() => undefined);
    state.prefetch = { after: record.id, promise };
  }

  async function takePrefetched(record) {
    const prefetch = state.prefetch;
    state.prefetch = null;
    const next = prefetch && prefetch.after === record.id ? await prefetch.promise : undefined;
    // Nothing prefetched (or 204): ask again, since votes elsewhere may have reopened records.
    if (next) showNext(next);
    else await loadNext();
  }

  async function loadPdf(record) {
    if (state.pdfUrl) URL.revokeObjectURL(state.pdfUrl);
    state.pdfUrl = null;
    pdfSlot.replaceChildren(h("p", { class: "muted pdf-empty" }, "Loading the full text…"));
    try {
      const blob = await apiBlob(`/reviews/${rid}/records/${record.id}/full-text`);
      if (state.current !== record) return;
      state.pdfUrl = URL.createObjectURL(blob);
      pdfSlot.replaceChildren(
        h("div", { class: "pdf-bar" }, h("span", { class: "small muted" }, "Full text"), h("a", { href: state.pdfUrl, target: "_blank", rel: "noopener", class: "small" }, "Open in a new tab")),
        h("iframe", { class: "pdf", src: state.pdfUrl, title: `Full text of record ${record.id}` }),
      );
    } catch (error) {
      if (state.current !== record) return;
      pdfSlot.replaceChildren(missingPdf(record, error));
    }
  }

  function missingPdf(record, error) {
    const input = h("input", { type: "file", accept: "application/pdf,.pdf", id: nextId() });
    async function attach() {
      if (!input.files.length) return;
      const form = new FormData();
      form.append("file", input.files[0]);
      try {
        await api(`/reviews/${rid}/records/${record.id}/full-text`, { method: "PUT", form });
        loadPdf(record);
      } catch (err) {
        notify(errorText(err), "error");
      }
    }
    input.addEventListener("change", attach);
    const notFound = error instanceof ApiError && error.status === 404;
    return h(
      "div",
      { class: "pdf-empty card" },
      h("h2", {}, notFound ? "No full text attached" : "The full text could not be shown"),
      h("p", { class: "muted" }, notFound ? "Attach the PDF, or record that it could not be retrieved." : errorText(error)),
      field("Attach a PDF", input),
      button("Mark as not retrieved", async () => {
        await api(`/reviews/${rid}/records/${record.id}/full-text`, { method: "PUT", json: { status: "not_retrieved" } });
        notify("Recorded as not retrieved.");
      }),
    );
  }

  function pickReason(index) {
    const reason = reasons[index];
    if (!reason || !state.current) return;
    state.reasonId = reason.id;
    const submitNow = state.awaitingReason;
    drawReasons();
    if (submitNow) vote("exclude");
  }

  function voteKey(key) {
    const [decision] = VOTES[key];
    if (decision === "exclude" && fullText && state.reasonId === null) {
      state.awaitingReason = true;
      drawReasons();
      notify("Pick the reason for exclusion with its number key.");
      return;
    }
    vote(decision);
  }

  async function vote(decision) {
    if (!state.current || state.busy) return;
    state.busy = true;
    const record = state.current;
    const body = { stage, decision, reason_id: decision === "exclude" ? state.reasonId : null };
    try {
      const outcome = await api(`/reviews/${rid}/records/${record.id}/decisions`, { method: "POST", json: body });
      const revisiting = !previousBanner.hidden;
      state.history.push({ record, vote: outcome.vote });
      if (outcome.recorded && !revisiting) {
        state.done += 1;
        state.toDo = Math.max(0, state.toDo - 1);
        drawProgress();
      }
      if (revisiting && state.pending) {
        const pending = state.pending;
        state.pending = null;
        show(pending);
        prefetchAfter(pending);
      } else {
        await takePrefetched(record);
      }
    } catch (error) {
      notify(errorText(error), "error");
    } finally {
      state.busy = false;
    }
  }

  function undo() {
    const last = state.history.pop();
    if (!last || state.busy) return;
    if (previousBanner.hidden) state.pending = state.current;
    for (const b of voteButtons) b.disabled = false;
    show(last.record, last.vote);
  }

  function openNote() {
    if (!state.current) return;
    note.dialog.showModal();
    note.text.focus();
  }

  async function saveNote(text) {
    try {
      await api(`/reviews/${rid}/records/${state.current.id}/notes`, { method: "POST", json: { text } });
      notify("Note saved.");
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  document.addEventListener("keydown", (event) => {
    if (typingInto(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key.toLowerCase();
    if (VOTES[key]) voteKey(key);
    else if (key === "u") undo();
    else if (key === "n") openNote();
    else if (event.key === "?") keys.showModal();
    else if (fullText && /^[1-9]$/.test(key)) pickReason(Number(key) - 1);
    else return;
    event.preventDefault();
  });

  await Promise.all([loadProgress(), loadNext()]);
}
