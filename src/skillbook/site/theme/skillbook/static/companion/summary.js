// A form, one of its entries and the page's words in, plain text out: a summary to read or send,
// a short message for a coaching call, and the link that opens it in the phone's messaging app.
import { answerText, gone, plain, yesNo } from "./answers.js";
import { isAsked, isPlain, own } from "./check.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Words} Words */
/** @typedef {import("./types.js").GridAnswer} GridAnswer */

const SMS_LENGTH = 160; // one text message of plain (GSM 7-bit) characters

/**
 * One line per column with any answer: "Mon: Urge to hurt myself 3, Sadness 5, Hurt myself: no";
 * a write-in row by the name the client gave it.
 * @param {Field} field
 * @param {unknown} answer
 * @param {Words} words
 * @returns {string[]}
 */
function gridLines(field, answer, words) {
  const { cells = {}, names = {} } = /** @type {GridAnswer} */ (isPlain(answer) ? answer : {});
  return (field.columns ?? []).flatMap((column) => {
    const parts = (field.rows ?? []).flatMap((row) => {
      const cell = own(own(cells, row.id), column.id);
      const name = (row.write_in && own(names, row.id)?.trim()) || row.label;
      if (typeof cell === "number") return [`${name} ${cell}`];
      if (typeof cell === "boolean") return [`${name}: ${yesNo(cell, words)}`];
      return typeof cell === "string" && cell.trim() ? [`${name}: ${cell.trim()}`] : [];
    });
    return parts.length ? [`${column.label}: ${parts.join(", ")}`] : [];
  });
}

/**
 * The fields asked, in the form's order, with their answers.
 * @param {Form} form
 * @param {Entry} entry
 * @returns {[Field, unknown][]}
 */
function answered(form, entry) {
  return form.fields.filter((field) => isAsked(field, entry.answers, form.fields))
    .map((field) => /** @type {[Field, unknown]} */ ([field, own(entry.answers, field.id)]))
    .filter(([, answer]) => answer !== undefined);
}

/**
 * Title, day, then "label: answer" per answered field; answers to fields no longer on the form last.
 * @param {Form} form
 * @param {Entry} entry
 * @param {Words} words
 */
export function textSummary(form, entry, words) {
  const lines = [form.title, format(words, "companion.date_line", { date: entry.date })];
  for (const [field, answer] of answered(form, entry)) {
    if (field.type === "grid") {
      const days = gridLines(field, answer, words);
      if (days.length) lines.push(`${field.label}:`, ...days);
      continue;
    }
    const text = answerText(field, answer, words, false);
    if (text) lines.push(`${field.label}: ${text}`);
  }
  for (const [id, answer] of Object.entries(entry.answers)) {
    const text = form.fields.some((field) => field.id === id) ? null : plain(answer, words);
    if (text !== null) lines.push(text ? `${gone(id, words)}: ${text}` : gone(id, words));
  }
  return lines.join("\n");
}

/** @param {string} text  a sentence: it ends with a full stop unless it ends already */
const sentence = (text) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * What is kept first when the message is too long: the need (never dropped), the rating, the
 * request (the coaching card's field "ask"), then the rest in the form's order.
 * @param {Field} field
 */
function rank(field) {
  if (field.type === "choice") return 0;
  if (field.type === "rating") return 1;
  return field.id === "ask" ? 2 : 3;
}

/**
 * Values only, in the form's order, each with its short joiner (`companion.message.<field id>`, such
 * as "Need: {value}") when the words have one: "At 8/10. Urge: to cut. Tried TIPP, ACCEPTS. Need:
 * Help choosing a skill. I've tried TIPP and I'm still at 8." Longer than a text message: whole
 * parts are dropped, never cut, least needed first.
 * @param {Form} form
 * @param {Entry} entry
 * @param {Words} words
 */
export function coachingMessage(form, entry, words) {
  const parts = answered(form, entry).flatMap(([field, answer]) => {
    if (field.type === "grid" || field.type === "contacts") return [];
    const value = answerText(field, answer, words, true);
    const key = `companion.message.${field.id}`;
    return value ? [{ field, text: sentence(Object.hasOwn(words, key) ? format(words, key, { value }) : value) }] : [];
  });
  const whole = parts.map((part) => part.text).join(" ");
  if (fits(whole)) return whole;
  const kept = new Set();
  let length = -1;
  for (const part of [...parts].sort((a, b) => rank(a.field) - rank(b.field))) {
    if (rank(part.field) > 0 && length + 1 + part.text.length > SMS_LENGTH) continue;
    kept.add(part);
    length += 1 + part.text.length;
  }
  return parts.filter((part) => kept.has(part)).map((part) => part.text).join(" ");
}

/** @param {string} text  fits in one text message */
export function fits(text) {
  return text.length <= SMS_LENGTH;
}

/**
 * "?&body=": Android's messaging apps read the query's `body` (RFC 5724), iOS 8 and later read
 * `&body=` after the number and ignore the "?"; with both, one link works on either
 * (https://stackoverflow.com/questions/6480462).
 * @param {string} number  as written: spaces, dashes and brackets are dropped
 * @param {string} body
 */
export function smsHref(number, body) {
  const digits = number.replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  return `sms:${digits}?&body=${encodeURIComponent(body)}`;
}
