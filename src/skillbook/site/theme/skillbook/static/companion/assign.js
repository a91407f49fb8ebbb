// An assignment in, the text of its link's fragment out; a link's fragment and the published forms
// in, the checked assignment or why it was refused out. The fragment never reaches a server.
import { isAssignment, isPlain, own } from "./check.js";

/** @typedef {import("./types.js").Assignment} Assignment */
/** @typedef {{forms: Record<string, {rows: string[]}>}} Catalogue  the published forms and a diary card's row ids */

const MAX_LENGTH = 8_000; // what every phone's browser and messaging app keep of a link

/** @param {Assignment} assignment @returns {string}  base64url of its UTF-8 JSON, what follows "assign=" */
export function encodeAssignment(assignment) {
  const bytes = new TextEncoder().encode(JSON.stringify(assignment));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * @param {string} text  base64url without padding
 * @returns {unknown}  undefined when it is not base64url of UTF-8 JSON
 */
function parse(text) {
  if (!/^[A-Za-z0-9_-]+$/.test(text) || text.length % 4 === 1) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const json = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * Every form and row it names is published: a link cannot make a page ask about anything else.
 * @param {Assignment} assignment
 * @param {Catalogue} catalogue
 */
function known(assignment, catalogue) {
  const rowsOf = (/** @type {string} */ form) => own(catalogue.forms, form)?.rows;
  return assignment.forms.every((form) => rowsOf(form) !== undefined)
    && Object.entries(assignment.rows ?? {}).every(([form, { tracked, names = {} }]) => {
      const rows = rowsOf(form);
      return rows !== undefined && [...tracked, ...Object.keys(names)].every((row) => rows.includes(row));
    });
}

/**
 * @param {string} hash  location.hash: "#assign=…" (other parameters may come with it)
 * @param {Catalogue} catalogue
 * @returns {{ok: true, assignment: Assignment} | {ok: false, problem: string}}
 */
export function decodeAssignment(hash, catalogue) {
  if (hash.length > MAX_LENGTH) return { ok: false, problem: "assign.too_big" };
  const data = parse(new URLSearchParams(hash.replace(/^#/, "")).get("assign") ?? "");
  if (!isPlain(data) || !Object.hasOwn(data, "v")) return { ok: false, problem: "assign.damaged" };
  if (Number.isInteger(data.v) && Number(data.v) > 1) return { ok: false, problem: "assign.newer" };
  if (!isAssignment(data)) return { ok: false, problem: "assign.damaged" };
  if (!known(data, catalogue)) return { ok: false, problem: "assign.unknown" };
  return { ok: true, assignment: data };
}
