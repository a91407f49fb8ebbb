// Words of the page's language and a key in, the text with its {name} placeholders filled out.

/**
 * A missing key comes back as the key itself, so a forgotten word shows in tests and on the page
 * instead of an empty string; a placeholder without a value stays as it is for the same reason.
 * @param {import("./types.js").Words} words
 * @param {string} key
 * @param {Record<string, string|number>} [values]
 * @returns {string}
 */
export function format(words, key, values = {}) {
  const text = Object.hasOwn(words, key) ? words[key] : key;
  return text.replace(/\{([a-z_]+)\}/g, (whole, name) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}
