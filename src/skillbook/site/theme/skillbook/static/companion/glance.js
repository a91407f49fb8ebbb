// A page's own-card placeholder (the chooser's top band, the crisis page) and the browser's storage in,
// the client's own card shown there first out, offline; a locked store shows a link to open it.
import { Store } from "./store.js";

/**
 * Fill every `[data-own-card]` element: its `data-href` is the own card's fill page, `data-title`,
 * `data-at` ("At {level} or more:") and `data-locked` are the words to show.
 */
export async function showOwnCard() {
  const places = /** @type {HTMLElement[]} */ ([...document.querySelectorAll("[data-own-card]")]);
  if (!places.length) return;
  const store = await Store.open();
  if (store.locked) {
    for (const place of places) show(place, [], place.dataset.locked || "");
    return;
  }
  const card = (await store.entries("my-own-card")).find((e) => Object.keys(e.answers).length);
  if (!card) return;
  const answers = card.answers;
  const steps = ["step-1", "step-2", "step-3"].map((id) => answers[id]).filter((x) => typeof x === "string" && x.trim());
  const then = typeof answers.then === "string" ? answers.then : "";
  for (const place of places) {
    const at = typeof answers.from === "number" ? (place.dataset.at || "").replace("{level}", String(answers.from)) : "";
    show(place, /** @type {string[]} */ (steps), at, then, typeof answers.name === "string" ? answers.name : "");
  }
}

/** @param {HTMLElement} place @param {string[]} steps @param {string} at @param {string} [then] @param {string} [name] */
function show(place, steps, at, then = "", name = "") {
  place.textContent = "";
  const link = document.createElement("a");
  link.href = place.dataset.href || "";
  link.className = "sb-own-card-title";
  link.textContent = name || place.dataset.title || "";
  place.appendChild(link);
  if (at) {
    const p = document.createElement("p");
    p.textContent = at;
    place.appendChild(p);
  }
  if (steps.length) {
    const list = document.createElement("ol");
    for (const step of steps) {
      const item = document.createElement("li");
      item.textContent = step;  // the client's words: text, never markup
      list.appendChild(item);
    }
    place.appendChild(list);
  }
  if (then) {
    const p = document.createElement("p");
    p.textContent = `${place.dataset.then || ""} ${then}`.trim();
    place.appendChild(p);
  }
  place.hidden = false;
}
