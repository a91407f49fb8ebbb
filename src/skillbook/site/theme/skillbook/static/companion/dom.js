// A tag, attributes and text in, an element out: every element the companion draws is made here, its
// text set as text (what a client wrote, or a label from content, is never markup).

/** @param {string} tag @param {Record<string, string>} [attributes] @param {string} [text] */
export function el(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** @param {string} text @param {() => void} action @param {Record<string, string>} [attributes] */
export function button(text, action, attributes = {}) {
  const node = el("button", { type: "button", ...attributes }, text);
  node.addEventListener("click", action);
  return node;
}
