// A form (the item's fields) and an entry in, the controls to fill it in out: native inputs, so every
// field works by touch, keyboard and screen reader; each change is handed back at once to be saved.
import { isAsked } from "./check.js";
import { el } from "./dom.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Answer} Answer */
/** @typedef {import("./types.js").GridAnswer} GridAnswer */
/** @typedef {import("./types.js").Words} Words */
/** @typedef {import("./types.js").Crisis} Crisis */
/** @typedef {import("./types.js").TrackedRows} TrackedRows */

/**
 * @typedef {object} DrawOptions
 * @property {Words} words
 * @property {string} [day]  a week form: the one column (day) of every grid to show
 * @property {TrackedRows} [tracked]  a diary card: the rows the therapist chose (all when absent)
 * @property {Crisis} [crisis]  for contacts fields that list the crisis services first
 * @property {{id: string, text: string}} [fixed]  a field the page fills itself (a week form's date), shown as text
 * @property {(answers: Record<string, Answer>) => void} onChange
 */

/** A form whose grids all have the days of a week as columns: filled in one day at a time.
 * @param {Form} form */
export function isWeekForm(form) {
  const grids = form.fields.filter((f) => f.type === "grid");
  return grids.length > 0 && grids.every((g) => (g.columns || []).every((c) => c.iso_weekday));
}

/** The Monday of the week a day is in, as "YYYY-MM-DD".
 * @param {string} day */
export function mondayOf(day) {
  const date = fromDay(day);
  date.setDate(date.getDate() - ((date.getDay() + 6) % 7));
  return toDay(date);
}

/** @param {string} day "YYYY-MM-DD" @returns {Date} local midnight */
export function fromDay(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d);
}

/** @param {Date} date @returns {string} */
export function toDay(date) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The answers an export carries: those of fields still on the form and asked (`show_if`).
 * @param {Form} form @param {Record<string, Answer>} answers */
export function shownAnswers(form, answers) {
  /** @type {Record<string, Answer>} */
  const shown = {};
  for (const field of form.fields) {
    if (Object.hasOwn(answers, field.id) && isAsked(field, answers, form.fields)) shown[field.id] = answers[field.id];
  }
  return shown;
}

/** Draw `form` into `root`, filled in with `entry`'s answers.
 * @param {HTMLElement} root @param {Form} form @param {Entry} entry @param {DrawOptions} options */
export function drawForm(root, form, entry, options) {
  root.textContent = "";
  const answers = entry.answers;
  const changed = () => { options.onChange(answers); refresh(); };
  /** @type {Array<[Field, HTMLElement]>} */
  const conditional = [];
  for (const field of form.fields) {
    const block = options.fixed && options.fixed.id === field.id
      ? el("p", { class: "sb-field sb-fixed" }, `${field.label}: ${options.fixed.text}`)
      : drawField(field, answers, options, changed);
    if (!block) continue;
    if (field.start_here) block.classList.add("sb-start-here");
    if (field.show_if) conditional.push([field, block]);
    root.appendChild(block);
  }
  function refresh() {
    for (const [field, block] of conditional) block.hidden = !isAsked(field, answers, form.fields);
  }
  refresh();
  // answers to questions a newer version of the form no longer asks: kept, and shown as such
  const known = new Set(form.fields.map((f) => f.id));
  const gone = Object.keys(answers).filter((id) => !known.has(id));
  if (gone.length) {
    const box = el("div", { class: "sb-gone-answers" });
    box.appendChild(el("p", { class: "sb-gone" }, options.words["companion.gone_field"]));
    const list = el("ul");
    for (const id of gone) {
      const value = answers[id];
      const text = typeof value === "object" ? JSON.stringify(value) : String(value);
      list.appendChild(el("li", {}, `${id}: ${text}`));
    }
    box.appendChild(list);
    root.appendChild(box);
  }
}

/** @param {Field} field @param {Record<string, Answer>} answers @param {DrawOptions} options
 * @param {() => void} changed @returns {HTMLElement|null} */
function drawField(field, answers, options, changed) {
  const words = options.words;
  const id = `f-${field.id}`;
  /** @param {Answer|undefined} value */
  const set = (value) => {
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) delete answers[field.id];
    else answers[field.id] = value;
    changed();
  };
  switch (field.type) {
    case "text": case "long_text": case "date": case "time": case "number":
      return labelled(field, id, words, simpleInput(field, id, answers[field.id], set));
    case "rating": case "choice": case "yes_no":
      return group(field, words, choices(field, id, answers[field.id], words, set));
    case "checklist":
      return group(field, words, checklist(field, id, answers[field.id], words, set));
    case "contacts":
      return group(field, words, contacts(field, id, answers[field.id], options, set));
    case "grid":
      return grid(field, answers, options, changed);
    default:
      return null;  // a field type this page does not know: its answers are kept, not shown
  }
}

/** @param {Field} field @param {string} id @param {Words} words @param {HTMLElement} control */
function labelled(field, id, words, control) {
  const block = el("div", { class: "sb-field" });
  const label = el("label", { for: id }, field.label);
  if (field.required) label.appendChild(el("span", { class: "sb-needed" }, ` ${words["companion.required"]}`));
  block.appendChild(label);
  if (field.help) {
    block.appendChild(el("p", { class: "sb-help", id: `${id}-help` }, field.help));
    control.setAttribute("aria-describedby", `${id}-help`);
  }
  block.appendChild(control);
  return block;
}

/** @param {Field} field @param {Words} words @param {HTMLElement} body */
function group(field, words, body) {
  const block = el("fieldset", { class: `sb-field sb-${field.type.replace("_", "-")}` });
  const legend = el("legend", {}, field.label);
  if (field.required) legend.appendChild(el("span", { class: "sb-needed" }, ` ${words["companion.required"]}`));
  block.appendChild(legend);
  if (field.help) block.appendChild(el("p", { class: "sb-help" }, field.help));
  block.appendChild(body);
  return block;
}

/** @param {Field} field @param {string} id @param {Answer|undefined} value
 * @param {(value: Answer|undefined) => void} set */
function simpleInput(field, id, value, set) {
  const control = /** @type {HTMLInputElement|HTMLTextAreaElement} */ (
    field.type === "long_text" ? el("textarea", { id, rows: "4" }) : el("input", { id, type: inputType(field) }));
  if (field.type === "number") {
    control.setAttribute("inputmode", "decimal");
    if (field.min !== undefined) control.setAttribute("min", String(field.min));
    if (field.max !== undefined) control.setAttribute("max", String(field.max));
    control.setAttribute("step", "any");
  }
  if (field.type === "text" || field.type === "long_text") control.setAttribute("maxlength", "10000");
  control.value = value === undefined ? "" : String(value);
  control.addEventListener("input", () => {
    if (field.type !== "number") { set(control.value); return; }
    const number = Number.parseFloat(control.value);
    set(Number.isFinite(number) ? number : undefined);
  });
  return control;
}

/** @param {Field} field */
function inputType(field) {
  /** @type {Record<string, string>} */
  const types = { date: "date", time: "time", number: "number" };
  return types[field.type] || "text";
}

/** Rating points, a choice's options or yes / no / not answered, as large radio buttons.
 * @param {Field} field @param {string} id @param {Answer|undefined} value @param {Words} words
 * @param {(value: Answer|undefined) => void} set */
function choices(field, id, value, words, set) {
  /** @type {Array<[string, string, Answer|undefined]>} */
  const options = [];
  if (field.type === "rating") {
    for (let point = field.min ?? 0; point <= (field.max ?? 10); point += 1) options.push([String(point), String(point), point]);
  } else if (field.type === "choice") {
    for (const option of field.options || []) options.push([option.id, option.label, option.id]);
  } else {
    options.push(["yes", words["companion.yes"], true], ["no", words["companion.no"], false]);
  }
  options.push(["", words["companion.unanswered"], undefined]);  // the third state: a blank means "not answered"
  const box = el("div", { class: field.type === "rating" ? "sb-points" : "sb-options" });
  for (const [key, text, answer] of options) {
    const label = el("label", { class: key ? "sb-option" : "sb-option sb-unanswered" });
    const input = /** @type {HTMLInputElement} */ (el("input", { type: "radio", name: id, value: key, id: `${id}-${key || "none"}` }));
    input.checked = answer === value || (answer === undefined && value === undefined);
    input.addEventListener("change", () => { if (input.checked) set(answer); });
    const shown = el("span", {}, text);
    const anchor = field.type === "rating" && field.anchors ? field.anchors[key] : undefined;
    if (anchor) shown.appendChild(el("span", { class: "sb-sr" }, ` – ${anchor}`));  // read with its point, not seen twice
    label.append(input, shown);
    box.appendChild(label);
  }
  const wrap = el("div");
  wrap.appendChild(box);
  if (field.type === "rating" && field.anchors) {
    const anchors = el("p", { class: "sb-anchors", "aria-hidden": "true" });
    anchors.textContent = Object.entries(field.anchors).map(([point, word]) => `${point}: ${word}`).join(" · ");
    wrap.appendChild(anchors);
  }
  if (field.type === "choice" && typeof value === "string" && !(field.options || []).some((o) => o.id === value)) {
    wrap.appendChild(el("p", { class: "sb-gone" }, `${value} ${words["companion.gone"]}`));
  }
  return wrap;
}

/** @param {Field} field @param {string} id @param {Answer|undefined} value @param {Words} words
 * @param {(value: Answer|undefined) => void} set */
function checklist(field, id, value, words, set) {
  const ticked = new Set(Array.isArray(value) ? value.filter((x) => typeof x === "string") : []);
  const box = el("div", { class: "sb-options" });
  for (const option of field.options || []) {
    const label = el("label", { class: "sb-option" });
    const input = /** @type {HTMLInputElement} */ (el("input", { type: "checkbox", id: `${id}-${option.id}`, value: option.id }));
    input.checked = ticked.has(option.id);
    input.addEventListener("change", () => {
      if (input.checked) ticked.add(option.id); else ticked.delete(option.id);
      // kept in the form's order; ids no longer on the form stay (shown as such elsewhere)
      const known = (field.options || []).map((o) => o.id).filter((x) => ticked.has(x));
      set([...known, ...[...ticked].filter((x) => !known.includes(x))]);
    });
    label.append(input, el("span", {}, option.label));
    box.appendChild(label);
  }
  const gone = [...ticked].filter((x) => !(field.options || []).some((o) => o.id === x));
  if (!gone.length) return box;
  const wrap = el("div");
  wrap.append(box, el("p", { class: "sb-gone" }, gone.map((x) => `${x} ${words["companion.gone"]}`).join(", ")));
  return wrap;
}

/** People to contact: the crisis services first (when the field asks for them), then name and number rows.
 * @param {Field} field @param {string} id @param {Answer|undefined} value @param {DrawOptions} options
 * @param {(value: Answer|undefined) => void} set */
function contacts(field, id, value, options, set) {
  const words = options.words;
  const people = Array.isArray(value) ? value.filter((x) => typeof x === "object" && x !== null).map((x) => ({ ...x })) : [];
  const box = el("div", { class: "sb-contacts" });
  if (field.crisis_services && options.crisis) box.appendChild(servicesList(options.crisis, words));
  const rows = Math.max(field.blanks || 3, people.length);
  for (let n = 0; n < rows; n += 1) {
    const person = people[n] || { name: "", number: "" };
    const row = el("div", { class: "sb-contact" });
    for (const [key, type, text] of /** @type {const} */ ([["name", "text", words["companion.contact_name"]], ["number", "tel", words["companion.contact_number"]]])) {
      const inputId = `${id}-${n}-${key}`;
      const label = el("label", { for: inputId }, `${text} ${n + 1}`);
      const input = /** @type {HTMLInputElement} */ (el("input", { id: inputId, type, autocomplete: "off", maxlength: "200" }));
      input.value = typeof person[key] === "string" ? person[key] : "";
      input.addEventListener("input", () => {
        while (people.length <= n) people.push({ name: "", number: "" });
        people[n][key] = input.value;
        const kept = people.filter((p) => p.name.trim() || p.number.trim());
        set(kept.length ? people.slice(0, lastFilled(people) + 1) : undefined);
      });
      row.append(label, input);
    }
    box.appendChild(row);
  }
  return box;
}

/** @param {Array<{name: string, number: string}>} people */
function lastFilled(people) {
  let last = -1;
  people.forEach((p, n) => { if (p.name.trim() || p.number.trim()) last = n; });
  return last;
}

/** The configured crisis services, as tap-to-call and tap-to-text links.
 * @param {Crisis} crisis @param {Words} words */
export function servicesList(crisis, words) {
  const list = el("ul", { class: "sb-services" });
  for (const region of crisis.regions) {
    for (const number of region.emergency) {
      const item = el("li");
      item.appendChild(telLink(`tel:${dialled(number)}`, `${region.name}: ${format(words, "companion.plan.emergency", { number })}`));
      list.appendChild(item);
    }
    for (const service of region.services) {
      const item = el("li");
      item.appendChild(el("strong", {}, `${service.name} (${region.name})`));
      if (service.phone) item.append(" ", telLink(`tel:${dialled(service.phone)}`, format(words, "companion.call", { name: service.phone })));
      if (service.text) {
        const body = service.text_keyword ? `?&body=${encodeURIComponent(service.text_keyword)}` : "";
        item.append(" ", telLink(`sms:${dialled(service.text)}${body}`, format(words, "companion.text", { name: service.text })));
      }
      if (service.hours) item.append(` · ${service.hours}`);
      list.appendChild(item);
    }
  }
  return list;
}

/** @param {string} number */
export function dialled(number) {
  return number.replace(/[^\d+]/g, "");
}

/** @param {string} href @param {string} text */
function telLink(href, text) {
  return el("a", { href, class: "sb-button sb-call" }, text);
}

/** A grid: for a week form, the rows of one day; otherwise each column in turn.
 * @param {Field} field @param {Record<string, Answer>} answers @param {DrawOptions} options @param {() => void} changed */
function grid(field, answers, options, changed) {
  const words = options.words;
  const stored = answers[field.id];
  /** @type {GridAnswer} */
  const value = isGrid(stored) ? stored : { cells: {} };
  const save = () => {
    for (const [row, cells] of Object.entries(value.cells)) if (!Object.keys(cells).length) delete value.cells[row];
    if (value.names) for (const [row, name] of Object.entries(value.names)) if (!name.trim()) delete value.names[row];
    if (!Object.keys(value.cells).length && !(value.names && Object.keys(value.names).length)) delete answers[field.id];
    else answers[field.id] = value;
    changed();
  };
  const tracked = options.tracked ? new Set(options.tracked.tracked) : null;
  const rows = (field.rows || []).filter((r) => !tracked || tracked.has(r.id));
  if (!rows.length) return null;
  const columns = (field.columns || []).filter((c) => !options.day || c.id === options.day);
  const block = el("fieldset", { class: "sb-field sb-grid" });
  block.appendChild(el("legend", {}, field.label));
  if (field.help) block.appendChild(el("p", { class: "sb-help" }, field.help));
  let host = /** @type {HTMLElement} */ (block);
  if (rows.length > 12) {  // a long list (every skill): folded, so one day stays short
    const details = /** @type {HTMLDetailsElement} */ (el("details", { class: "sb-more" }));
    details.appendChild(el("summary", {}, format(words, "companion.more_rows", { count: rows.length })));
    details.open = rows.some((r) => columns.some((c) => value.cells[r.id] && Object.hasOwn(value.cells[r.id], c.id)));
    block.appendChild(details);
    host = details;
  }
  /** One cell: a row's answer for one column.
   * @param {HTMLElement} parent @param {Field} row @param {import("./types.js").Column} column @param {string} label */
  const cell = (parent, row, column, label) => {
    const id = `f-${field.id}-${row.id}-${column.id}`;
    const cells = value.cells[row.id] || {};
    const current = Object.hasOwn(cells, column.id) ? cells[column.id] : undefined;
    /** @param {Answer|undefined} answer */
    const set = (answer) => {
      const kept = value.cells[row.id] || (value.cells[row.id] = {});
      if (answer === undefined || answer === "" || typeof answer === "object") delete kept[column.id];
      else kept[column.id] = answer;
      save();
    };
    const shown = { ...row, id: `${field.id}-${row.id}-${column.id}`, label };
    if (row.type === "rating" || row.type === "yes_no") parent.appendChild(group(shown, words, choices(shown, id, current, words, set)));
    else parent.appendChild(labelled(shown, id, words, simpleInput(shown, id, current, set)));
  };
  /** @param {Field} row */
  const rowName = (row) => (row.write_in && value.names && value.names[row.id] ? `${row.label}: ${value.names[row.id]}` : row.label);
  if (options.day) {  // one day: each row once
    const column = columns[0];
    for (const row of rows) {
      if (row.write_in) host.appendChild(writeInName(row, `f-${field.id}-${row.id}-${column.id}`, value, words, save));
      cell(host, row, column, rowName(row));
    }
  } else {  // every column of each row in turn (the links of a chain: what I thought, felt, did)
    for (const row of rows) {
      const part = el("fieldset", { class: "sb-field sb-grid-row" });
      part.appendChild(el("legend", {}, rowName(row)));
      if (row.write_in) part.appendChild(writeInName(row, `f-${field.id}-${row.id}`, value, words, save));
      for (const column of columns) cell(part, row, column, column.label);
      host.appendChild(part);
    }
  }
  return block;
}

/** @param {unknown} value @returns {value is GridAnswer} */
function isGrid(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "cells" in value;
}

/** What a write-in row is about, asked once for the whole card.
 * @param {Field} row @param {string} id @param {GridAnswer} value @param {Words} words @param {() => void} save */
function writeInName(row, id, value, words, save) {
  const inputId = `${id}-name`;
  const box = el("div", { class: "sb-field sb-write-in" });
  box.appendChild(el("label", { for: inputId }, `${row.label}: ${words["companion.write_in_name"]}`));
  const input = /** @type {HTMLInputElement} */ (el("input", { id: inputId, type: "text", maxlength: "200" }));
  input.value = (value.names && value.names[row.id]) || "";
  input.addEventListener("input", () => {
    value.names = value.names || {};
    value.names[row.id] = input.value;
    save();
  });
  box.appendChild(input);
  return box;
}
