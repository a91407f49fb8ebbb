// A field and its answer in, the answer in words out: options by their label, yes and no in the page's
// language, an option or field no longer on the form said to be so. The text export, the plan, the
// week table and the print layout all say answers this one way.
import { isContact } from "./check.js";
import { format } from "./words.js";

/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Words} Words */

/** @param {string} text @param {Words} words */
export const gone = (text, words) => `${text} ${format(words, "companion.gone")}`;

/** @param {boolean} yes @param {Words} words */
export const yesNo = (yes, words) => format(words, yes ? "companion.yes" : "companion.no");

/**
 * An answer whose field is gone or changed type: by what it is, not by its field.
 * @param {unknown} answer
 * @param {Words} words
 * @returns {string}
 */
export function plain(answer, words) {
  if (typeof answer === "boolean") return yesNo(answer, words);
  if (typeof answer === "string" || typeof answer === "number") return String(answer).trim();
  if (!Array.isArray(answer)) return ""; // a grid without its form: nothing to say it by
  return answer.map((item) => (isContact(item) ? `${item.name} ${item.number}`.trim() : String(item)))
    .filter(Boolean).join("; ");
}

/**
 * @param {Field} field
 * @param {unknown} id
 * @param {Words} words
 * @param {boolean} compact  an option no longer on the form is left out, not marked as gone
 */
function optionLabel(field, id, words, compact) {
  const label = field.options?.find((o) => o.id === id)?.label;
  return label ?? (compact ? "" : gone(String(id), words));
}

/**
 * A field's answer in words; "" when there is nothing to say.
 * @param {Field} field
 * @param {unknown} answer
 * @param {Words} words
 * @param {boolean} [compact]  for a text message: gone options left out, all on one line
 */
export function answerText(field, answer, words, compact = false) {
  if (field.type === "rating" && typeof answer === "number") return `${answer}/${field.max ?? 0}`;
  if (field.type === "choice" && typeof answer === "string") return optionLabel(field, answer, words, compact);
  if (field.type === "checklist" && Array.isArray(answer)) {
    return answer.map((id) => optionLabel(field, id, words, compact)).filter(Boolean).join(", ");
  }
  const text = plain(answer, words);
  return compact ? text.replace(/\s+/g, " ") : text;
}
