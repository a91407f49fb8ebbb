// A form and one of its entries in, a FHIR R4 QuestionnaireResponse out, item for item as the
// Questionnaire the build makes of the form (src/skillbook/bundle/fhir.py: linkIds, codes, types).
import { isAsked, isContact, isDate, isPlain, isTime, own } from "./check.js";

/** @typedef {import("./types.js").Form} Form */
/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Entry} Entry */
/** @typedef {import("./types.js").Answer} Answer */
/** @typedef {import("./types.js").GridAnswer} GridAnswer */
/** @typedef {Record<string, unknown>} Value  one `answer`: {valueString: …}, {valueCoding: …}, … */
/** @typedef {{linkId: string, text?: string, answer?: Value[], item?: Item[]}} Item */
/**
 * @typedef {object} QuestionnaireResponse
 * @property {"QuestionnaireResponse"} resourceType
 * @property {string} id
 * @property {string} questionnaire  canonical|version
 * @property {string} status
 * @property {string} authored
 * @property {Item[]} [item]  left out when empty: FHIR JSON has no empty arrays
 */

const DAYS_OF_WEEK = "http://hl7.org/fhir/days-of-week";

/** As fhir.py decides: integer when there is a bound and every bound is whole. @param {Field} field */
function whole(field) {
  const bounds = [field.min, field.max].filter((bound) => bound !== undefined);
  return bounds.length > 0 && bounds.every(Number.isInteger);
}

/** @param {Field} field @param {number} point @param {string} system @returns {Value|null}  null: not a point of it */
function rating(field, point, system) {
  if (!Number.isInteger(point) || point < (field.min ?? 0) || point > (field.max ?? 0)) return null;
  const anchor = own(field.anchors, String(point));
  return { valueCoding: { system, code: String(point), display: anchor ? `${point} – ${anchor}` : String(point) } };
}

/**
 * One answer value of a field (or a grid row) that is not a group; null when the value does not
 * fit the field as it is now (its answer stays in the entry and the backup).
 * @param {Field} field @param {unknown} value @param {string} system  the field's code system @returns {Value|null}
 */
function answerValue(field, value, system) {
  switch (field.type) {
    case "text":
    case "long_text":
      return typeof value === "string" && value.trim() ? { valueString: value } : null;
    case "number":
      if (typeof value !== "number") return null;
      if (whole(field)) return Number.isInteger(value) ? { valueInteger: value } : null;
      return { valueDecimal: value };
    case "rating":
      return typeof value === "number" ? rating(field, value, system) : null;
    case "choice": {
      const option = field.options?.find((o) => o.id === value);
      return option ? { valueCoding: { system, code: option.id, display: option.label } } : null;
    }
    case "yes_no":
      return typeof value === "boolean" ? { valueBoolean: value } : null;
    case "date":
      return isDate(value) ? { valueDate: value } : null;
    case "time":
      return isTime(value) ? { valueTime: `${value}:00` } : null;
    default:
      return null;
  }
}

/**
 * @param {string} linkId
 * @param {string|undefined} text
 * @param {Value[]} answer
 * @returns {Item[]}  none when there is no answer
 */
function answered(linkId, text, answer) {
  if (answer.length === 0) return [];
  return [text === undefined ? { linkId, answer } : { linkId, text, answer }];
}

/**
 * Ticked options in the form's order; options no longer on the form left out.
 * @param {Field} field
 * @param {unknown} ticked
 * @param {string} system
 * @returns {Value[]}
 */
function checklist(field, ticked, system) {
  if (!Array.isArray(ticked)) return [];
  return (field.options ?? []).filter((o) => ticked.includes(o.id))
    .map((o) => ({ valueCoding: { system, code: o.id, display: o.label } }));
}

/**
 * @param {Field} field
 * @param {unknown} people
 * @returns {Item[]}
 */
function contacts(field, people) {
  if (!Array.isArray(people)) return [];
  const contact = `${field.id}.contact`;
  const items = people.filter(isContact).flatMap(({ name, number }) => {
    const parts = [...answered(`${contact}.name`, undefined, name.trim() ? [{ valueString: name }] : []),
      ...answered(`${contact}.number`, undefined, number.trim() ? [{ valueString: number }] : [])];
    return parts.length ? [{ linkId: contact, text: field.label, item: parts }] : [];
  });
  return items.length ? [{ linkId: field.id, text: field.label, item: items }] : [];
}

/**
 * One repetition of the group per column with any answer, then the write-in rows' names.
 * @param {Field} field
 * @param {unknown} answer
 * @param {string} url
 * @returns {Item[]}
 */
function grid(field, answer, url) {
  const { cells = {}, names = {} } = /** @type {GridAnswer} */ (isPlain(answer) ? answer : {});
  const columns = field.columns ?? [];
  const rows = field.rows ?? [];
  const system = columns.every((c) => c.iso_weekday) ? DAYS_OF_WEEK : `${url}#${field.id}._column`;
  /** @type {Item[]} */
  const items = [];
  for (const column of columns) {
    const answers = rows.flatMap((row) => {
      const linkId = `${field.id}.${row.id}`;
      const answer = answerValue(row, own(own(cells, row.id), column.id), `${url}#${linkId}`);
      return answered(linkId, row.label, answer ? [answer] : []);
    });
    if (answers.length === 0) continue;
    const which = { linkId: `${field.id}._column`, answer: [{ valueCoding: { system, code: column.id, display: column.label } }] };
    items.push({ linkId: field.id, text: field.label, item: [which, ...answers] });
  }
  const named = rows.filter((row) => row.write_in).flatMap((row) => {
    const name = own(names, row.id);
    return answered(`${field.id}.${row.id}._name`, undefined, name?.trim() ? [{ valueString: name }] : []);
  });
  return [...items, ...named];
}

/**
 * @param {Field} field
 * @param {Answer} answer
 * @param {string} url  the Questionnaire's canonical URL
 * @returns {Item[]}
 */
function items(field, answer, url) {
  const system = `${url}#${field.id}`;
  if (field.type === "grid") return grid(field, answer, url);
  if (field.type === "contacts") return contacts(field, answer);
  if (field.type === "checklist") return answered(field.id, field.label, checklist(field, answer, system));
  const one = answerValue(field, answer, system);
  return answered(field.id, field.label, one ? [one] : []);
}

/**
 * Answers to fields no longer on the form, or not asked with the other answers given (`show_if`),
 * are left out: a response may only answer what its Questionnaire asks.
 * @param {Form} form
 * @param {Entry} entry
 * @param {{status?: "in-progress"|"completed"|"amended", id?: string}} [options]
 * @returns {QuestionnaireResponse}
 */
export function questionnaireResponse(form, entry, { status = "in-progress", id } = {}) {
  const item = form.fields.flatMap((field) => {
    const answer = own(entry.answers, field.id);
    return answer === undefined || !isAsked(field, entry.answers, form.fields) ? [] : items(field, answer, form.questionnaire);
  });
  /** @type {QuestionnaireResponse} */
  const response = {
    resourceType: "QuestionnaireResponse",
    id: id ?? entry.id,
    questionnaire: `${form.questionnaire}|${entry.version}`,
    status,
    authored: entry.updated,
  };
  return item.length ? { ...response, item } : response;
}
