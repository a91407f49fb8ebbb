// A companion page's JSON block (its form, the crisis lines, the words of its language) in, what every
// part of the page shares out: the data, the words, its status line, dialogs, and files to hand over.
import { button, el } from "./dom.js";
import { fromDay, toDay } from "./form.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Crisis} Crisis */
/** @typedef {import("./types.js").Words} Words */
/**
 * @typedef {{id: string, title: string, type: string, frequency: string, href: string,
 *   rows: Array<{id: string, label: string, grid: string, write_in: boolean}>}} FormLink
 * @typedef {object} PageData
 * @property {Form|null} form
 * @property {FormLink[]} forms
 * @property {string} handbook
 * @property {Crisis} crisis
 * @property {Words} words
 * @property {string} quickExit
 * @property {string|null} plan
 * @property {{about: string|null, pdf: string|null, index: string, crisis: string}} links
 */

const block = document.getElementById("sb-companion");
export const root = /** @type {HTMLElement|null} */ (document.querySelector(".sb-fill"));
/** @type {PageData} */
export const data = JSON.parse((block && block.textContent) || "{}");
export const words = data.words || {};
/** @param {string} key @param {Record<string, string|number>} [values] */
export const t = (key, values) => format(words, key, values);
/** @param {string} selector */
export const find = (selector) => /** @type {HTMLElement|null} */ (root && root.querySelector(selector));

/** @param {string} text */
export function say(text) {
  const status = find(".sb-fill-status");
  if (status) status.textContent = text;
}

/** A modal question; resolves with the value of the button chosen (null when dismissed).
 * @param {string} title @param {Node[]} body @param {Array<{text: string, value: string, danger?: boolean}>} choices
 * @returns {Promise<string|null>} */
export function ask(title, body, choices) {
  const dialog = /** @type {HTMLDialogElement} */ (el("dialog", { class: "sb-dialog", "aria-labelledby": "sb-dialog-title" }));
  dialog.appendChild(el("h2", { id: "sb-dialog-title" }, title));
  dialog.append(...body);
  const row = el("div", { class: "sb-fill-buttons" });
  dialog.appendChild(row);
  document.body.appendChild(dialog);
  return new Promise((resolve) => {
    /** @param {string|null} value */
    const close = (value) => { dialog.close(); dialog.remove(); resolve(value); };
    for (const choice of choices) {
      row.appendChild(button(choice.text, () => close(choice.value), choice.danger ? { class: "sb-danger" } : {}));
    }
    row.appendChild(button(t("companion.cancel"), () => close(null)));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); close(null); });
    dialog.showModal();
  });
}

/** Hand the client a file they chose to make (a backup, a FHIR file, a calendar reminder).
 * @param {string} name @param {string} type @param {string} text */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el("a", { href: url, download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function now() {
  return new Date().toISOString();
}

export function today() {
  return toDay(new Date());
}

/** @param {Form} form @param {string} date @returns {Entry} */
export function newEntry(form, date) {
  return { id: crypto.randomUUID(), form: form.id, version: form.version, date, created: now(), updated: now(), answers: {} };
}

/** @param {string} day */
export function longDay(day) {
  try {
    return fromDay(day).toLocaleDateString(data.form ? data.form.language : undefined,
      { weekday: "long", day: "numeric", month: "long" });
  } catch {
    return day;
  }
}

/** @param {string} text */
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    say(t("companion.send.copied"));
  } catch {
    say(text);
  }
}

/** @param {string} selector @param {() => void|Promise<void>} action */
export function bind(selector, action) {
  const target = find(selector);
  if (target && !target.dataset.bound) {
    target.dataset.bound = "true";
    target.addEventListener("click", () => { Promise.resolve(action()).catch((error) => say(String(error))); });
  }
}
