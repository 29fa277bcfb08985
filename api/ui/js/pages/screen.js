// Screening, one record at a time: i include, e exclude, m maybe, u undo, n note, ? keys,
// 1-9 an exclusion reason. At full text the PDF sits beside the record and an exclusion needs a
// reason; at title/abstract the review's reasons, when it has some, are offered on exclude.
import { api, apiBlob, ApiError } from "../api.js";
import { h, button, notify, errorText, progressBar, typingInto, field, nextId } from "../dom.js";
import { keywordMatcher, findSpans } from "../keywords.js";
import { STAGE_LABELS } from "../progress.js";
import { keymapDialog, shortcutSwitch, shortcutsWanted } from "../shortcuts.js";
import { marked, abstractNodes } from "../text.js";

const VOTES = {
  i: ["include", "Include"],
  e: ["exclude", "Exclude"],
  m: ["maybe", "Maybe"],
};

const VOTED = { include: "Included", exclude: "Excluded", maybe: "Maybe" };

const KEYS = [
  ["i", "Include"],
  ["e", "Exclude"],
  ["m", "Maybe"],
  ["1–9", "Pick an exclusion reason"],
  ["u", "Undo: go back to the last record and vote again"],
  ["n", "Write a note on this record"],
  ["?", "Show these keys"],
];

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

function recordView(record, stage, matcher) {
  const meta = [record.journal, record.year].filter(Boolean).join(" · ");
  const ids = [
    record.doi ? h("a", { href: `https://doi.org/${record.doi}`, target: "_blank", rel: "noopener noreferrer" }, `doi:${record.doi}`) : null,
    record.pmid ? h("a", { href: `https://pubmed.ncbi.nlm.nih.gov/${record.pmid}/`, target: "_blank", rel: "noopener noreferrer" }, `PMID ${record.pmid}`) : null,
  ].filter(Boolean);
  // Highlighted here, not from the server's spans, so that a keyword matches its word forms.
  const spans = findSpans(matcher, record.title, record.abstract);
  const titleSpans = spans.filter((s) => s.field === "title");
  const abstractSpans = spans.filter((s) => s.field === "abstract");
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
  const reasons = (await api(`/reviews/${rid}/exclusion-reasons`)).filter((r) => r.stage === stage).sort((a, b) => a.position - b.position);
  // Full text always asks for a reason; title/abstract offers the reasons a lead set up, if any.
  const offerReasons = fullText || reasons.length > 0;
  const keywords = ctx.review.settings?.keywords || {};
  const matcher = keywordMatcher(keywords.include, keywords.exclude);

  const state = {
    current: null,
    history: [],
    reasonId: null,
    awaitingReason: false,
    busy: false,
    done: 0,
    toDo: 0,
    pdfUrl: null,
    prefetch: null,
    shortcuts: shortcutsWanted(ctx.me.id),
  };
  const keys = keymapDialog(offerReasons ? KEYS : KEYS.filter(([key]) => key !== "1–9"), fullText ? "A click in the PDF hands the keys back to the page; open the PDF in a new tab to use the viewer's own keys." : null);
  const note = noteDialog(saveNote);
  const progressSlot = h("div", { class: "screen-progress" });
  const recordSlot = h("div", { class: "record-slot" });
  // Screen readers hear the vote and the next title here, not the whole abstract.
  const announcer = h("p", { class: "sr-only", role: "status", "data-announcer": "" });
  const pdfSlot = fullText ? h("div", { class: "pdf-slot", tabindex: "-1" }) : null;
  const previousBanner = h("div", { class: "undo-bar", hidden: true });
  const voteButtons = Object.entries(VOTES).map(([key, [vote, label]]) =>
    button([label, h("kbd", { "aria-hidden": "true" }, key)], () => chooseVote(vote), { kind: vote, "data-key": key, "data-vote": vote }),
  );
  const actionButtons = [
    button(["Undo", h("kbd", { "aria-hidden": "true" }, "u")], undo, { kind: "ghost", "data-key": "u" }),
    button(["Note", h("kbd", { "aria-hidden": "true" }, "n")], openNote, { kind: "ghost", "data-key": "n" }),
    button(["Keys", h("kbd", { "aria-hidden": "true" }, "?")], () => keys.show(state.shortcuts), { kind: "ghost", "data-key": "?" }),
  ];
  const reasonButtons = reasons.map((reason, i) =>
    h(
      "button",
      { type: "button", class: "reason", "aria-pressed": "false", "data-key": i < 9 ? String(i + 1) : null, onclick: () => pickReason(i) },
      i < 9 ? h("kbd", { "aria-hidden": "true" }, String(i + 1)) : h("span", { class: "kbd-space" }),
      reason.label,
    ),
  );
  const withoutReason = fullText ? null : button("Exclude without a reason", () => vote("exclude"), { kind: "ghost", hidden: true });
  const reasonHint = h("p", { class: "small muted", id: "reasons-hint" });
  const reasonList = h("ol", { class: "reasons", "aria-labelledby": "reasons-h" }, reasonButtons.map((b) => h("li", {}, b)));
  const reasonsCard = offerReasons
    ? h(
        "section",
        { class: "card reasons-card", "aria-labelledby": "reasons-h", "aria-describedby": "reasons-hint" },
        h("h2", { id: "reasons-h" }, fullText ? "Reason for exclusion" : "Reason for exclusion (optional)"),
        reasonHint,
        reasonList,
        withoutReason,
      )
    : null;

  const tabs = h(
    "nav",
    { class: "stage-switch", "aria-label": "Stage" },
    Object.entries(STAGE_LABELS).map(([value, label]) => h("a", { href: `/reviews/${rid}/screen/${value}`, "aria-current": value === stage ? "page" : null }, label)),
  );
  const toolbar = h(
    "div",
    { class: "screen-toolbar card" },
    h("div", { class: "vote-buttons", role: "group", "aria-label": "Your vote" }, voteButtons),
    h("div", { class: "actions" }, actionButtons, shortcutSwitch(ctx.me.id, applyShortcuts)),
  );
  const recordColumn = h("div", { class: "screen-record", tabindex: "-1" }, previousBanner, recordSlot, reasonsCard);
  const screen = h(
    "div",
    { class: `container screen ${fullText ? "screen-full" : ""}` },
    h("div", { class: "screen-head" }, h("h1", { class: "sr-only" }, `Screening: ${STAGE_LABELS[stage]}`), tabs, progressSlot),
    toolbar,
    announcer,
    fullText ? h("div", { class: "screen-columns" }, pdfSlot, recordColumn) : recordColumn,
  );
  ctx.main.append(screen);
  applyShortcuts(state.shortcuts);

  function applyShortcuts(on) {
    state.shortcuts = on;
    screen.classList.toggle("no-shortcuts", !on);
    for (const el of screen.querySelectorAll("[data-key]")) {
      if (on) el.setAttribute("aria-keyshortcuts", el.dataset.key);
      else el.removeAttribute("aria-keyshortcuts");
    }
    if (reasonsCard) markReasons();
  }

  // What the reason card says: how reasons work, or, after e, that one is wanted now.
  function reasonHintText() {
    const on = state.shortcuts;
    if (!reasons.length) return "No exclusion reasons are set up for this stage yet: a lead adds them in Settings.";
    if (state.awaitingReason && fullText) return `Pick the reason for exclusion${on ? " with its number key" : ""}.`;
    if (state.awaitingReason) return `Pick a reason for exclusion${on ? " with its number key" : ""}, or ${on ? "press e again" : "choose “Exclude without a reason”"} to exclude without one.`;
    if (fullText) return on ? "An exclusion needs one: press its number, before or after e." : "An exclusion needs one: choose it, before or after Exclude.";
    return on ? "Press its number, before or after e; e twice excludes without one." : "Choose it before or after Exclude, or exclude without one.";
  }

  function announce(text) {
    announcer.textContent = text;
  }

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

  // The reason buttons stay in place (a focused one must not vanish); only their state changes.
  function markReasons() {
    reasonButtons.forEach((b, i) => {
      const chosen = state.reasonId === reasons[i].id;
      b.classList.toggle("selected", chosen);
      b.setAttribute("aria-pressed", String(chosen));
    });
    reasonList.classList.toggle("wanted", state.awaitingReason);
    reasonHint.classList.toggle("wanted", state.awaitingReason);
    reasonHint.textContent = reasonHintText();
    if (withoutReason) withoutReason.hidden = !state.awaitingReason;
  }

  // After e, the reasons are where the eyes and the keyboard are: scrolled into view, focused.
  function bringReasons() {
    reasonsCard.scrollIntoView({ block: "nearest" });
    (reasonButtons[0] || withoutReason)?.focus({ preventScroll: true });
  }

  function show(record, previousVote = null) {
    state.current = record;
    state.reasonId = previousVote?.reason_id ?? null;
    state.awaitingReason = false;
    for (const b of voteButtons) b.classList.toggle("active", previousVote?.decision === b.dataset.vote);
    previousBanner.hidden = !previousVote;
    if (previousVote) previousBanner.replaceChildren(`You voted ${previousVote.decision} on this record. ${state.shortcuts ? "Press a vote key" : "Choose a vote"} to change it.`);
    // A focused reason belongs to the last record: the keyboard moves on with the eyes.
    if (reasonsCard?.contains(document.activeElement)) recordColumn.focus({ preventScroll: true });
    recordSlot.replaceChildren(recordView(record, stage, matcher));
    if (recordSlot.getBoundingClientRect().top < 0) window.scrollTo(0, 0);
    if (reasonsCard) markReasons();
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
    if (reasonsCard) reasonsCard.hidden = true;
    if (fullText) {
      // Nothing to read beside: the message takes the whole width.
      pdfSlot.replaceChildren();
      pdfSlot.hidden = true;
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
    if (pdfSlot) pdfSlot.hidden = false;
    if (reasonsCard) reasonsCard.hidden = false;
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
        h(
          "div",
          { class: "pdf-bar" },
          h("span", { class: "small muted" }, "Full text", h("span", { class: "pdf-keys-hint" }, " · keys now go to the PDF; click the record to vote by key")),
          h("a", { href: state.pdfUrl, target: "_blank", rel: "noopener", class: "small" }, "Open in a new tab"),
        ),
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
    if (state.awaitingReason) {
      state.reasonId = reason.id;
      return vote("exclude");
    }
    // Chosen before the vote: a second press takes it back.
    state.reasonId = state.reasonId === reason.id ? null : reason.id;
    markReasons();
  }

  function chooseVote(decision) {
    if (decision === "exclude" && offerReasons && state.reasonId === null) {
      if (state.awaitingReason && !fullText) return vote("exclude"); // e twice: no reason
      state.awaitingReason = true;
      markReasons();
      bringReasons();
      // Said in the card, where the eyes and the focus now are (a toast would cover the list).
      announce(reasonHintText());
      return;
    }
    vote(decision);
  }

  async function vote(decision) {
    if (!state.current || state.busy) return;
    state.busy = true;
    const record = state.current;
    const reasonId = decision === "exclude" ? state.reasonId : null;
    const body = { stage, decision, reason_id: reasonId };
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
      const reason = reasons.find((r) => r.id === reasonId);
      const voted = `${VOTED[decision]}${reason ? `: ${reason.label}` : ""}.`;
      announce(state.current ? `${voted} Next: ${state.current.title || "(no title)"}` : `${voted} That was your last record at this stage.`);
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
    if (pdfSlot) pdfSlot.hidden = false;
    if (reasonsCard) reasonsCard.hidden = false;
    show(last.record, last.vote);
    announce(`Back to ${last.record.title || "(no title)"}. You voted ${last.vote.decision}.`);
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

  // A click in the PDF gives the keyboard to the browser's viewer, in another document where the
  // page never hears a key. While single keys are on, the page takes the keyboard back: the viewer
  // still scrolls, zooms and selects with the pointer, and "Open in a new tab" serves those who want
  // its own keys (or they turn single keys off, and the PDF keeps them). A Tab into the PDF is
  // left alone (taking it back would trap keyboard users before the PDF); the bar says so.
  let tabbedAt = -Infinity;
  function reclaimKeyboard() {
    if (!pdfSlot || pdfSlot.hidden) return;
    const active = document.activeElement;
    const inPdf = active instanceof HTMLIFrameElement && pdfSlot.contains(active);
    if (!inPdf) delete pdfSlot.dataset.keysInPdf;
    if (!inPdf || !state.shortcuts || "keysInPdf" in pdfSlot.dataset) return;
    if (performance.now() - tabbedAt < 1000) pdfSlot.dataset.keysInPdf = "";
    else pdfSlot.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Tab") tabbedAt = performance.now();
  });
  window.addEventListener("blur", () => setTimeout(reclaimKeyboard, 0));
  // Focus can also reach the viewer with no blur here (when this window did not have it): look.
  if (fullText) setInterval(reclaimKeyboard, 250);

  document.addEventListener("keydown", (event) => {
    if (!state.shortcuts || typingInto(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key.toLowerCase();
    if (VOTES[key]) chooseVote(VOTES[key][0]);
    else if (key === "u") undo();
    else if (key === "n") openNote();
    else if (event.key === "?") keys.show(state.shortcuts);
    else if (offerReasons && /^[1-9]$/.test(key)) pickReason(Number(key) - 1);
    else return;
    event.preventDefault();
  });

  await Promise.all([loadProgress(), loadNext()]);
}
