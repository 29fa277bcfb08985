// Set a password with a one-time link (an invitation or a reset). The link's secret is in the
// URL's fragment, which browsers never send to a server or in a Referer.
import { api } from "../api.js";
import { h, field, errorText, setFieldError, emptyState } from "../dom.js";

export async function render(ctx) {
  ctx.title = "Choose a password";
  const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
  let link;
  try {
    link = await api("/auth/password-link", { method: "POST", json: { token } });
  } catch (error) {
    ctx.main.append(h("div", { class: "container" }, emptyState("This link cannot be used", errorText(error), h("a", { class: "btn btn-primary", href: "/login" }, "Go to sign in"))));
    return;
  }
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", autofocus: true, minlength: "10" });
  const again = h("input", { type: "password", name: "password-again", autocomplete: "new-password" });
  const message = h("div", { role: "status" });
  async function submit(event) {
    event.preventDefault();
    setFieldError(password, "");
    setFieldError(again, "");
    if (password.value.length < 10) return setFieldError(password, "Use at least 10 characters.");
    if (password.value !== again.value) return setFieldError(again, "The two passwords differ.");
    try {
      await api("/auth/password", { method: "POST", json: { token, password: password.value } });
      history.replaceState(null, "", "/set-password");  // the spent link leaves the address bar
      form.replaceWith(h("div", { class: "card login-card" }, h("h1", {}, "Password set"), h("p", {}, `You can now sign in as ${link.email}.`), h("a", { class: "btn btn-primary", href: "/login" }, "Sign in")));
    } catch (error) {
      message.replaceChildren(h("p", { class: "form-message error" }, errorText(error)));
    }
  }
  const welcome = link.purpose === "invitation" ? `Welcome, ${link.name}. Choose the password you will sign in with.` : `Choose a new password for ${link.name}.`;
  const form = h(
    "form",
    { class: "card login-card", onsubmit: submit, novalidate: true },
    h("h1", {}, "Choose a password"),
    h("p", { class: "muted" }, welcome),
    h("p", { class: "small muted" }, `You sign in with ${link.email}.`),
    message,
    field("New password", password, { required: true, hint: "At least 10 characters." }),
    field("New password again", again, { required: true }),
    h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Set password"),
  );
  ctx.main.append(h("div", { class: "login-wrap" }, form));
}
