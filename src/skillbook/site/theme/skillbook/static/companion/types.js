// The companion's data, as types (JSDoc for `tsc --checkJs`): the form a fill page carries (made at
// build time from the homework item's `fields`, in the bundle's own field format), what an entry
// stores, and the settings kept on the device. Nothing here runs.

/**
 * @typedef {"text"|"long_text"|"number"|"rating"|"checklist"|"choice"|"yes_no"|"date"|"time"|"grid"|"contacts"} FieldType
 *
 * @typedef {{id: string, label: string, skill?: string}} Option
 * @typedef {{id: string, label: string, iso_weekday?: number}} Column
 *
 * A form field exactly as in the bundle (`homework/<id>.json`, `fields`): options and columns always
 * have ids; grid rows have no `required`.
 * @typedef {object} Field
 * @property {string} id
 * @property {string} label
 * @property {FieldType} type
 * @property {boolean} [required]
 * @property {string} [help]
 * @property {number} [min]
 * @property {number} [max]
 * @property {Record<string, string>} [anchors]  rating: point (as a string) -> word
 * @property {Option[]} [options]  checklist, choice
 * @property {Column[]} [columns]  grid
 * @property {Field[]} [rows]  grid
 * @property {number} [blanks]  contacts: how many people to write in
 * @property {boolean} [crisis_services]  contacts: the configured crisis services come first
 * @property {{field: string, answer: string|boolean}} [show_if]  ask only when an earlier field has this answer
 * @property {string} [skill]  a grid row that records one skill
 * @property {boolean} [write_in]  a grid row the reader names
 * @property {boolean} [start_here]  the client's own plan opens at this field
 *
 * A homework item as its fill page carries it.
 * @typedef {object} Form
 * @property {string} id
 * @property {string} title
 * @property {string} type  worksheet | diary-card | practice-log | safety-plan | coaching-card | own-card
 * @property {string} frequency  once | daily | weekly | as-needed
 * @property {string} version  the item's SemVer: what every entry records
 * @property {string} language  BCP 47
 * @property {string} questionnaire  the canonical URL of its FHIR Questionnaire (without `|version`)
 * @property {Field[]} fields
 */

/**
 * One answer, by the type of its field; an unanswered field has no key at all.
 * text, long_text: string · date: "YYYY-MM-DD" · time: "HH:MM" · number, rating: number ·
 * yes_no: boolean · choice: option id · checklist: option ids · contacts: people ·
 * grid: {cells: {rowId: {columnId: answer of the row's type}}, names: {rowId: what a write-in row is about}}
 * @typedef {{name: string, number: string}} Contact
 * @typedef {{cells: Record<string, Record<string, string|number|boolean>>, names?: Record<string, string>}} GridAnswer
 * @typedef {string|number|boolean|string[]|Contact[]|GridAnswer} Answer
 *
 * One filling-in of a form. Answers are keyed by field id, never by label, so a relabelled option
 * shows its new label and an answer whose field or option is gone is kept and shown as such.
 * @typedef {object} Entry
 * @property {string} id  random, unique on the device
 * @property {string} form  the homework id
 * @property {string} version  the homework item's version the entry was made with
 * @property {string} date  "YYYY-MM-DD": the day it is about (a week form: the week's Monday)
 * @property {string} created  ISO 8601 date-time
 * @property {string} updated  ISO 8601 date-time
 * @property {Record<string, Answer>} answers
 */

/**
 * What the client (or their therapist's assignment link) set up.
 * @typedef {{days: number[], from: string, to: string}} Hours  days 1 (Monday) to 7; "HH:MM"
 * @typedef {{name: string, number: string, hours?: Hours, fallback?: string}} Coach
 * @typedef {{tracked: string[], names?: Record<string, string>}} TrackedRows  a diary card's rows, by grid row id
 * @typedef {object} Assignment
 * @property {1} v
 * @property {string[]} forms  homework ids, this week's worksheets
 * @property {Record<string, TrackedRows>} [rows]  per diary-card form id
 * @property {Coach} [coach]
 * @property {string} [from]  who assigned it (a first name or a clinic), shown before anything is set
 *
 * @typedef {{name: string, phone?: string, text?: string, text_keyword?: string, url?: string, hours?: string, notes?: string}} Service
 * @typedef {{name: string, emergency: string[], services: Service[]}} Region
 * @typedef {{intro: string, page: string, regions: Region[]}} Crisis
 *
 * Words of the page's language (`skillbook.reading.wording`), `{name}` placeholders.
 * @typedef {Record<string, string>} Words
 */

export {};
