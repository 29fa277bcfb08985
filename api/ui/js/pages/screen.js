// Screening, one record at a time: i include, e exclude, m maybe, u undo, n note, d my decisions,
// ? keys, 1-9 an exclusion reason. At full text the PDF sits beside the record and an exclusion
// needs a reason; at title/abstract the review's reasons, when it has some, are offered on exclude.
// The last votes are kept in this browser, so u still goes back after a reload; a vote changed in
// another tab (BroadcastChannel) or found already cast when it is sent is said, not hidden.
import { api, apiBlob, ApiError } from "../api.js";
import { h, button, notify, errorText, progressBar, typingInto, field, nextId, formatDate } from "../dom.js";
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
  ["d", "My decisions: reopen one to revise it"],
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

const HISTORY_KEPT = 20;
const MY_DECISIONS_PAGE = 20;
// One id per tab, so a tab ignores its own broadcasts.
const TAB_ID = Math.random().toString(36).slice(2);

// The last votes, kept per user, review and stage in this browser (a reload keeps undo working).
function historyStore(userId, rid, stage) {
  const key = `winnow.last-votes.${userId}.${rid}.${stage}`;
  return {
    load() {
      try {
        const stored = JSON.parse(localStorage.getItem(key) || "[]");
        return Array.isArray(stored) ? stored.filter((e) => e && e.record && e.vote) : [];
      } catch {
        return [];
      }
    },
    save(history) {
      const kept = history.slice(-HISTORY_KEPT).map(({ record, vote }) => ({
        record: { id: record.id, title: record.title },
        vote: { decision: vote.decision, reason_id: vote.reason_id ?? null },
      }));
      try {
        localStorage.setItem(key, JSON.stringify(kept));
      } catch {
        // Storage refused: undo still works until the page is left.
      }
    },
  };
}

function myDecisionsDialog(onRevise, fetchPage, reasonLabel) {
  const list = h("ol", { class: "my-decisions" });
  const status = h("p", { class: "small muted", "aria-live": "polite" });
  const previous = button("Newer", () => go(-1), { kind: "ghost" });
  const next = button("Older", () => go(1), { kind: "ghost" });
  const dialog = h(
    "dialog",
    { "aria-labelledby": "my-decisions-h", class: "my-decisions-dialog" },
    h("h2", { id: "my-decisions-h" }, "My decisions at this stage"),
    status,
    list,
    h("div", { class: "form-actions" }, previous, next, h("form", { method: "dialog" }, h("button", { type: "submit", class: "btn btn-primary" }, "Close"))),
  );
  document.body.append(dialog);
  let offset = 0;
  async function go(step) {
    offset = Math.max(0, offset + step * MY_DECISIONS_PAGE);
    await draw();
  }
  async function draw() {
    const page = await fetchPage(offset, MY_DECISIONS_PAGE);
    const last = Math.min(offset + page.items.length, page.total);
    status.textContent = page.total ? `${offset + 1}–${last} of ${page.total}, newest first.` : "You have not voted at this stage yet.";
    previous.disabled = offset === 0;
    next.disabled = last >= page.total;
    list.replaceChildren(
      ...page.items.map((vote) => {
        const reason = reasonLabel(vote.reason_id);
        return h(
          "li",
          {},
          h("span", { class: `badge badge-${vote.decision}` }, vote.decision),
          " ",
          h("span", { class: "my-decision-title" }, vote.title || "(no title)"),
          reason ? h("span", { class: "small muted" }, ` · ${reason}`) : null,
          h("span", { class: "small muted" }, ` · ${formatDate(vote.created_at)} `),
          button(`Revise “${vote.title || "(no title)"}”`, () => {
            dialog.close();
            onRevise(vote);
          }, { kind: "ghost", class: "btn btn-ghost btn-small" }),
        );
      }),
    );
  }
  return {
    async show() {
      offset = 0;
      await draw();
      dialog.showModal();
    },
  };
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

  const stored = historyStore(ctx.me.id, rid, stage);
  const state = {
    current: null,
    history: stored.load(),
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
  const myDecisions = myDecisionsDialog(
    revise,
    (offset, limit) => api(`/reviews/${rid}/my-decisions?stage=${stage}&offset=${offset}&limit=${limit}`),
    (id) => reasons.find((r) => r.id === id)?.label,
  );
  // Said once after a reload: the last vote can still be undone.
  const resumeLine = h("p", { class: "small muted resume-line", hidden: true });
  // A vote of mine changed elsewhere (another tab) or found already cast: said until the next vote.
  const otherTab = h("p", { class: "other-tab-warning", role: "alert", hidden: true });
  const channel = "BroadcastChannel" in window ? new BroadcastChannel(`winnow-votes.${ctx.me.id}`) : null;
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
  // Notes on the record on screen: mine at once, others' once blinding allows (the API decides).
  const notesBox = h("section", { class: "card record-notes screen-notes", "aria-labelledby": "notes-h", hidden: true }, h("h2", { id: "notes-h" }, "Notes"), h("ul", { class: "notes" }));
  const recordColumn = h("div", { class: "screen-record", tabindex: "-1" }, otherTab, resumeLine, previousBanner, recordSlot, notesBox, reasonsCard);
  let memberNames = null;
  const screen = h(
    "div",
    { class: `container screen ${fullText ? "screen-full" : ""}` },
    h(
      "div",
      { class: "screen-head" },
      h("h1", { class: "sr-only" }, `Screening: ${STAGE_LABELS[stage]}`),
      tabs,
      button(["My decisions", h("kbd", { "aria-hidden": "true" }, "d")], () => myDecisions.show(), { kind: "ghost", "data-key": "d", class: "btn btn-ghost my-decisions-button" }),
      progressSlot,
    ),
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
    // Where the reviewer is: the record on screen is the next of theirs, unless it is a revisit.
    const where = !state.current || !total ? null : !previousBanner.hidden ? "Revising an earlier vote" : `Record ${Math.min(state.done + 1, total)} of ${total}`;
    progressSlot.replaceChildren(
      ...(where ? [h("span", { class: "record-position" }, where)] : []),
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
    drawProgress();
    state.notes = [];
    drawNotes([]);
    loadNotes(record);
    if (fullText) loadPdf(record);
  }

  function drawNotes(notes) {
    notesBox.hidden = !notes.length;
    notesBox.querySelector("ul").replaceChildren(
      ...notes.map((n) =>
        h(
          "li",
          {},
          h("span", { class: "small muted" }, `${n.user_id === ctx.me.id ? "You" : memberNames?.get(n.user_id) || "A reviewer"} · ${formatDate(n.created_at)}: `),
          n.text,
          n.tags.length ? h("span", { class: "small muted" }, ` ${n.tags.map((t) => `#${t}`).join(" ")}`) : null,
        ),
      ),
    );
  }

  // Read after the record is drawn, so the vote keys never wait for it.
  async function loadNotes(record) {
    try {
      const notes = await api(`/reviews/${rid}/records/${record.id}/notes`);
      if (notes.some((n) => n.user_id !== ctx.me.id) && !memberNames) {
        memberNames = new Map((await api(`/reviews/${rid}/members`)).map((m) => [m.user_id, m.name]));
      }
      if (state.current === record) {
        state.notes = notes;
        drawNotes(notes);
      }
    } catch {
      // Notes are a help, not the task: the record stays usable without them.
    }
  }

  function showDone() {
    state.current = null;
    previousBanner.hidden = true;
    drawProgress();
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
    drawNotes([]);
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
      // Served as new, yet a vote of mine was already there: cast in another tab meanwhile.
      const alreadyVoted = !revisiting && (outcome.vote.supersedes_id !== null || !outcome.recorded);
      warnOtherTab(alreadyVoted ? `You had already voted on “${record.title || "(no title)"}” in another tab or window; your vote is now ${outcome.vote.decision}.` : "");
      resumeLine.hidden = true;
      state.history.push({ record, vote: outcome.vote });
      stored.save(state.history);
      channel?.postMessage({ tab: TAB_ID, rid, stage, recordId: record.id, title: record.title, decision: outcome.vote.decision, reason_id: outcome.vote.reason_id });
      if (alreadyVoted) loadProgress(); // the other tab's vote was the one that counted
      if (outcome.recorded && !revisiting && !alreadyVoted) {
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

  // A kept vote has only the record's id and title: the record itself is read again.
  async function wholeRecord(record) {
    if (record.abstract !== undefined) return record;
    return api(`/reviews/${rid}/records/${record.id}`);
  }

  async function revisit(record, vote) {
    if (state.busy) return;
    const whole = await wholeRecord(record);
    if (previousBanner.hidden) state.pending = state.current;
    for (const b of voteButtons) b.disabled = false;
    if (pdfSlot) pdfSlot.hidden = false;
    if (reasonsCard) reasonsCard.hidden = false;
    resumeLine.hidden = true;
    previousBanner.hidden = false; // before show(), so the position line says "Revising"
    show(whole, vote);
    announce(`Back to ${whole.title || "(no title)"}. You voted ${vote.decision}.`);
  }

  // Presses of u take effect in order, even when a kept record is still being read.
  let undoing = Promise.resolve();
  function undo() {
    undoing = undoing.then(undoOnce);
    return undoing;
  }

  async function undoOnce() {
    if (state.busy || !state.history.length) return;
    const last = state.history.pop();
    stored.save(state.history);
    try {
      await revisit(last.record, last.vote);
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  // From "My decisions": reopen any of my votes at this stage and vote again.
  async function revise(vote) {
    try {
      await revisit({ id: vote.record_id, title: vote.title }, vote);
    } catch (error) {
      notify(errorText(error), "error");
    }
  }

  function warnOtherTab(text) {
    otherTab.textContent = text;
    otherTab.hidden = !text;
  }

  // Another tab of mine voted: if it touched a record this tab shows or could undo to, say so.
  channel?.addEventListener("message", ({ data }) => {
    if (!data || data.tab === TAB_ID || data.rid !== rid || data.stage !== stage) return;
    const kept = state.history.filter((entry) => entry.record.id === data.recordId);
    for (const entry of kept) entry.vote = { ...entry.vote, decision: data.decision, reason_id: data.reason_id };
    if (kept.length) stored.save(state.history);
    const onScreen = state.current && state.current.id === data.recordId;
    if (!kept.length && !onScreen) return;
    warnOtherTab(`Your vote on “${data.title || "(no title)"}” was changed in another tab: it is now ${data.decision}.`);
    if (onScreen && !previousBanner.hidden) show(state.current, { decision: data.decision, reason_id: data.reason_id });
  });

  function offerResume() {
    const last = state.history.at(-1);
    if (!last) return;
    resumeLine.hidden = false;
    resumeLine.replaceChildren(
      `Your last vote here: ${VOTED[last.vote.decision] || last.vote.decision}, “${last.record.title || "(no title)"}”. `,
      button(state.shortcuts ? ["Undo", h("kbd", { "aria-hidden": "true" }, "u")] : "Undo", undo, { kind: "ghost", class: "btn btn-ghost btn-small" }),
    );
  }

  function openNote() {
    if (!state.current) return;
    note.dialog.showModal();
    note.text.focus();
  }

  async function saveNote(text) {
    try {
      const record = state.current;
      const saved = await api(`/reviews/${rid}/records/${record.id}/notes`, { method: "POST", json: { text } });
      if (state.current === record) {
        state.notes = [...(state.notes || []), saved];
        drawNotes(state.notes);
      }
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
    else if (key === "d") myDecisions.show();
    else if (event.key === "?") keys.show(state.shortcuts);
    else if (offerReasons && /^[1-9]$/.test(key)) pickReason(Number(key) - 1);
    else return;
    event.preventDefault();
  });

  await Promise.all([loadProgress(), loadNext()]);
  offerResume();
}
