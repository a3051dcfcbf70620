// Workshop Bot's pages: live updates over Server-Sent Events, and the dashboard's
// actions, sent with the session's CSRF token. No library: this file is the whole script.
"use strict";

function follow(target) {
  const state = document.getElementById("live-state");
  const source = new EventSource(target.dataset.stream);
  const live = (text, value) => { if (state) { state.textContent = text; state.dataset.state = value; } };
  source.addEventListener(target.dataset.event, (event) => {
    const was = document.activeElement?.closest?.("button[data-action]");
    const focus = was ? [was.dataset.action, was.dataset.question] : null;
    target.innerHTML = event.data;
    if (focus) {  // a keyboard user stays on the button they were on
      target.querySelector(`button[data-action="${focus[0]}"][data-question="${focus[1]}"]`)?.focus();
    }
    live("live", "live");
  });
  source.addEventListener("open", () => live("live", "live"));
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {  // refused: the session ran out
      live("logged out: ask the bot “qa dashboard” for a new link, then reload", "down");
    } else {
      live("reconnecting…", "down");
    }
  });
}

const WORDING = {
  answered: ["Mark question answered", "Answer (optional, shown on the platform)", "Mark answered", false],
  hide: ["Hide question", "Reason (required, shown on the platform)", "Hide", true],
};

function send(fields) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const result = document.getElementById("action-result");
  return fetch("/mod/action", {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "X-CSRF-Token": token, "X-Requested-With": "fetch" },
    credentials: "same-origin",
  }).then((response) => response.json().catch(() => ({ ok: false, text: `Refused (${response.status}).` })))
    .then((answer) => { result.textContent = answer.text; result.dataset.ok = answer.ok ? "yes" : "no"; })
    .catch(() => { result.textContent = "The bot did not answer; try again."; result.dataset.ok = "no"; });
}

function act(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const action = button.dataset.action, question = button.dataset.question;
  const wording = WORDING[action];
  if (!wording) { send({ action, question }); return; }
  const dialog = document.getElementById("act"), form = document.getElementById("act-form");
  const text = document.getElementById("act-text");
  document.getElementById("act-title").textContent = wording[0];
  document.getElementById("act-label").textContent = wording[1];
  document.getElementById("act-confirm").textContent = wording[2];
  const shown = button.closest("li")?.querySelector(".text")?.textContent || "";
  document.getElementById("act-question").textContent = `#${question}: ${shown}`;
  form.elements.question.value = question;
  form.elements.action.value = action;
  text.value = "";
  text.required = wording[3];
  dialog.showModal();
  text.focus();
}

function confirmed(event) {
  if (event.submitter?.value !== "confirm") return;  // Cancel (or Esc) closes the dialog
  const form = event.target;
  if (!form.reportValidity()) { event.preventDefault(); return; }
  send({ action: form.elements.action.value, question: form.elements.question.value,
         text: form.elements.text.value });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-stream]").forEach(follow);
  document.addEventListener("click", act);
  document.getElementById("act-form")?.addEventListener("submit", confirmed);
});
