// Home: the caller's reviews with their progress per stage, and a form to start a new one.
import { api } from "../api.js";
import { h, field, button, pageHeader, emptyState, errorText, setFieldError } from "../dom.js";
import { stageProgress } from "../progress.js";

function reviewCard(review) {
  const progress = h("div", { class: "review-progress" });
  const card = h(
    "article",
    { class: "card review-card" },
    h("div", { class: "card-head" }, h("h2", {}, h("a", { href: `/reviews/${review.id}` }, review.title)), h("span", { class: "badge" }, review.role)),
    review.description ? h("p", { class: "desc" }, review.description) : null,
    progress,
  );
  stageProgress(review.id, progress);
  return card;
}

function newReviewForm(onCreated, onCancel) {
  const title = h("input", { type: "text", name: "title", maxlength: "500" });
  const description = h("textarea", { name: "description", rows: "3" });
  async function submit(event) {
    event.preventDefault();
    if (!title.value.trim()) {
      setFieldError(title, "Give the review a title.");
      title.focus();
      return;
    }
    try {
      const review = await api("/reviews", { method: "POST", json: { title: title.value.trim(), description: description.value } });
      onCreated(review);
    } catch (error) {
      setFieldError(title, errorText(error));
    }
  }
  const form = h(
    "form",
    { class: "card", onsubmit: submit, "aria-label": "New review" },
    h("h2", {}, "New review"),
    field("Title", title, { required: true, hint: "The review question, e.g. “Exercise therapy for chronic low back pain”." }),
    field("Description", description),
    h("div", { class: "form-actions" }, button("Cancel", onCancel), h("button", { type: "submit", class: "btn btn-primary" }, "Create review")),
  );
  setTimeout(() => title.focus());
  return form;
}

export async function render(ctx) {
  ctx.title = "Your reviews";
  const reviews = await api("/reviews");
  const container = h("div", { class: "container" });
  const slot = h("div");
  const newButton = button("New review", showForm, { kind: "primary" });
  function showForm() {
    slot.replaceChildren(
      newReviewForm(
        (review) => location.assign(`/reviews/${review.id}/settings`),
        () => {
          slot.replaceChildren();
          newButton.focus();
        },
      ),
    );
  }
  const subtitle = `Signed in as ${ctx.me.name} (${ctx.me.email})`;
  container.append(pageHeader("Your reviews", subtitle, newButton), slot);
  if (!reviews.length) {
    container.append(emptyState("No reviews yet", "Start a review, or ask a review lead to add you to theirs.", button("New review", showForm, { kind: "primary" })));
  } else {
    container.append(h("div", { class: "review-list" }, reviews.map(reviewCard)));
  }
  ctx.main.append(container);
}
