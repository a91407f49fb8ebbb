// Anything read back (a stored record, a backup, an assignment link) in, true or false out: strict
// shape checks, so the pages only ever handle data of the shapes in types.js, of bounded size.

/** @typedef {import("./types.js").Field} Field */
/** @typedef {import("./types.js").Answer} Answer */
/** @typedef {(x: unknown) => boolean} Check */

export const ID = /^[a-z0-9][a-z0-9-]{0,79}$/;
const TEXT_MAX = 10_000; // one answer
const NAME_MAX = 200; // a name, a label, a number
const ITEMS_MAX = 500; // one list or map
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/; // RFC 3339
const VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})(-[0-9A-Za-z.-]{1,40})?$/; // SemVer
const PHONE = /^\+?[0-9 ().-]{1,40}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Made by JSON.parse, structured clone or a literal: never an object whose prototype could answer
 * for keys it does not own.
 * @param {unknown} x @returns {x is Record<string, unknown>}
 */
export function isPlain(x) {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const prototype = Object.getPrototypeOf(x);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A value the record owns: `answers.constructor` is never Object's constructor.
 * @template T @param {Record<string, T>|undefined} record @param {string} key @returns {T|undefined}
 */
export const own = (record, key) => (record && Object.hasOwn(record, key) ? record[key] : undefined);

/**
 * The keys of `required` and no others than `optional` (`__proto__` is one of the others).
 * @param {unknown} x @param {string[]} required @param {Record<string, Check>} [checks]  every key's check
 * @returns {x is Record<string, unknown>}
 */
function shape(x, required, checks = {}) {
  return isPlain(x) && required.every((key) => Object.hasOwn(x, key))
    && Object.keys(x).every((key) => Object.hasOwn(checks, key) && checks[key](x[key]));
}

/** @param {unknown} x @param {Check} check @param {number} [max] @returns {x is unknown[]} */
export function isList(x, check, max = ITEMS_MAX) {
  if (!Array.isArray(x) || x.length > max) return false;
  for (let i = 0; i < x.length; i += 1) if (!check(x[i])) return false; // a hole is undefined: refused
  return true;
}

/** A plain object keyed by ids. @param {unknown} x @param {Check} check */
function isMap(x, check) {
  return isPlain(x) && Object.keys(x).length <= ITEMS_MAX && Object.keys(x).every((key) => ID.test(key) && check(x[key]));
}

/** @param {unknown} x @param {number} [max] @returns {x is string} */
const isText = (x, max = TEXT_MAX) => typeof x === "string" && x.length <= max;
/** @param {unknown} x */
const isName = (x) => isText(x, NAME_MAX);
/** A name or label that says something. @param {unknown} x @returns {x is string} */
export const isLabel = (x) => isText(x, NAME_MAX) && x.trim() !== "";
/** @param {unknown} x @returns {x is string} */
export const isId = (x) => typeof x === "string" && ID.test(x);
/** @param {unknown} x @returns {x is number} */
const isNumber = (x) => typeof x === "number" && Number.isFinite(x);
/** @param {unknown} x @returns {x is string} */
export const isTime = (x) => typeof x === "string" && TIME.test(x);
/** @param {unknown} x @returns {x is string} */
export const isStamp = (x) => typeof x === "string" && STAMP.test(x) && !Number.isNaN(Date.parse(x));
/** @param {unknown} x @returns {x is string} */
export const isVersion = (x) => typeof x === "string" && VERSION.test(x);
/** @param {unknown} x */
const isPhone = (x) => typeof x === "string" && PHONE.test(x) && /\d/.test(x);
/** @param {unknown} x */
const isCell = (x) => isText(x) || isNumber(x) || typeof x === "boolean";

/** "YYYY-MM-DD", a day that exists. @param {unknown} x @returns {x is string} */
export function isDate(x) {
  if (typeof x !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(x)) return false;
  const date = new Date(`${x}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(x);
}

/** @param {unknown} x @returns {x is import("./types.js").Contact} */
export const isContact = (x) => shape(x, ["name", "number"], { name: isName, number: isName });

/** @param {unknown} x */
const isGrid = (x) => shape(x, ["cells"], {
  cells: (cells) => isMap(cells, (row) => isMap(row, isCell)),
  names: (names) => isMap(names, isName),
});

/** @param {unknown} x @returns {x is Answer} */
export function isAnswer(x) {
  if (Array.isArray(x)) return isList(x, isId) || isList(x, isContact);
  return isCell(x) || isGrid(x);
}

/** @param {unknown} x @returns {x is import("./types.js").Entry} */
export function isEntry(x) {
  return shape(x, ["id", "form", "version", "date", "created", "updated", "answers"], {
    id: isId, form: isId, version: isVersion, date: isDate, created: isStamp, updated: isStamp,
    answers: (answers) => isMap(answers, isAnswer),
  });
}

/** @param {unknown} x */
const isHours = (x) => shape(x, ["days", "from", "to"], {
  days: (days) => isList(days, (day) => Number.isInteger(day) && Number(day) >= 1 && Number(day) <= 7, 7),
  from: isTime, to: isTime,
});

/** @param {unknown} x @returns {x is import("./types.js").Coach} */
export const isCoach = (x) => shape(x, ["name", "number"], { name: isLabel, number: isPhone, hours: isHours, fallback: isLabel });

/** @param {unknown} x */
const isTracked = (x) => shape(x, ["tracked"], {
  tracked: (rows) => isList(rows, isId),
  names: (names) => isMap(names, isLabel),
});

/** @param {unknown} x @returns {x is import("./types.js").Assignment} */
export const isAssignment = (x) => shape(x, ["v", "forms"], {
  v: (v) => v === 1, forms: (forms) => isList(forms, isId), rows: (rows) => isMap(rows, isTracked),
  coach: isCoach, from: isLabel,
});

/** The settings of a known shape, checked whenever they are read back. @type {Record<string, Check>} */
const SETTINGS = { coach: isCoach, assignment: isAssignment, region: isLabel };

/** Other settings: any value. @param {string} key @param {unknown} value */
export const isSetting = (key, value) => ID.test(key) && (!Object.hasOwn(SETTINGS, key) || SETTINGS[key](value));

/** @param {number} max  characters */
const base64 = (max) => (/** @type {unknown} */ x) => typeof x === "string" && x.length <= max && x.length % 4 === 0 && BASE64.test(x);

/** @param {unknown} x @returns {x is import("./crypto.js").Sealed} */
export const isSealed = (x) => shape(x, ["iv", "data"], { iv: base64(16), data: base64(64_000_000) });

/**
 * The passcode's lock; a bounded iteration count, so a damaged record cannot keep the phone busy for hours.
 * @param {unknown} x @returns {x is import("./crypto.js").Lock}
 */
export const isLock = (x) => shape(x, ["key", "salt", "iterations", "check"], {
  key: (key) => key === "passcode", salt: base64(64), check: isSealed,
  iterations: (n) => Number.isInteger(n) && Number(n) >= 1 && Number(n) <= 10_000_000,
});

/**
 * Whether a field is asked, given the answers: one with `show_if` only when the earlier field has
 * that answer (a checklist: that option ticked). A `show_if` naming no field of the form is ignored,
 * as the Questionnaire ignores it.
 * @param {Field} field @param {Record<string, Answer>} answers @param {Field[]} fields  the form's
 */
export function isAsked(field, answers, fields) {
  const rule = field.show_if;
  if (!rule || !fields.some((f) => f.id === rule.field)) return true;
  const given = own(answers, rule.field);
  return Array.isArray(given) ? /** @type {unknown[]} */ (given).includes(rule.answer) : given === rule.answer;
}
