// A form and an entry in, the ways an entry is shown besides its form out: a line to tell entries
// apart, a week at a glance (rows down, days across) and the form's own print layout.
import { button, el } from "./dom.js";
import { longDay, root, t, words } from "./page.js";
import { answerText } from "./answers.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Entry} Entry */

/** The first written answer of an entry, to tell entries apart in the list.
 * @param {Form} form @param {Entry} entry */
export function firstText(form, entry) {
  for (const field of form.fields) {
    const answer = entry.answers[field.id];
    if (typeof answer === "string" && (field.type === "text" || field.type === "long_text") && answer.trim()) {
      return answer.length > 60 ? `${answer.slice(0, 59)}…` : answer;
    }
  }
  return "";
}

/** A week at a glance: rows down, days across; a day's heading opens that day.
 * @param {Form} form @param {Entry} entry @param {(column: string) => void} openDay @param {Set<string>|null} tracked */
export function weekTable(form, entry, openDay, tracked) {
  const wrap = el("div", { class: "sb-week" });
  for (const grid of form.fields.filter((f) => f.type === "grid")) {
    const rows = (grid.rows || []).filter((r) => !tracked || tracked.has(r.id));
    if (!rows.length) continue;
    const table = el("table");
    table.appendChild(el("caption", {}, grid.label));
    const head = el("tr");
    head.appendChild(el("th", { scope: "col" }, ""));
    for (const column of grid.columns || []) {
      const th = el("th", { scope: "col" });
      th.appendChild(button(column.label, () => openDay(column.id), { "aria-label": t("companion.week.day", { day: column.label }) }));
      head.appendChild(th);
    }
    table.appendChild(head);
    const answer = entry.answers[grid.id];
    const cells = answer && typeof answer === "object" && !Array.isArray(answer) && "cells" in answer ? answer.cells : {};
    const names = answer && typeof answer === "object" && !Array.isArray(answer) && "names" in answer ? answer.names || {} : {};
    for (const row of rows) {
      const tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, names[row.id] ? `${row.label}: ${names[row.id]}` : row.label));
      for (const column of grid.columns || []) {
        const value = cells[row.id] ? cells[row.id][column.id] : undefined;
        tr.appendChild(el("td", {}, value === undefined ? "" : answerText(row, value, words)));
      }
      table.appendChild(tr);
    }
    wrap.appendChild(table);
  }
  return wrap;
}

/** The form's own print layout: the answers as text, then the browser's print (or "Save as PDF").
 * @param {Form} form @param {Entry} entry */
export function printEntry(form, entry) {
  const old = document.querySelector(".sb-print-entry");
  if (old) old.remove();
  const sheet = el("section", { class: "sb-print-entry" });
  sheet.appendChild(el("h2", {}, `${form.title}: ${longDay(entry.date)}`));
  const list = el("dl");
  for (const field of form.fields) {
    const answer = entry.answers[field.id];
    if (answer === undefined) continue;
    list.appendChild(el("dt", {}, field.label));
    if (field.type === "grid") {
      const dd = el("dd");
      dd.appendChild(weekTable(form, { ...entry, answers: { [field.id]: answer } }, () => undefined, null));
      list.appendChild(dd);
    } else {
      list.appendChild(el("dd", {}, answerText(field, answer, words)));
    }
  }
  sheet.appendChild(list);
  if (root) root.appendChild(sheet);
  document.documentElement.classList.add("sb-printing-entry");
  window.addEventListener("afterprint", () => document.documentElement.classList.remove("sb-printing-entry"), { once: true });
  window.print();
}
