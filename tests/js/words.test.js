import { test } from "node:test";
import assert from "node:assert/strict";
import { format } from "../../src/skillbook/site/theme/skillbook/static/companion/words.js";

test("format fills placeholders from values", () => {
  assert.equal(format({ hi: "Hello {name}, {count} new" }, "hi", { name: "Sam", count: 2 }), "Hello Sam, 2 new");
});

test("a missing key comes back as the key, a placeholder without a value stays", () => {
  assert.equal(format({}, "companion.nothing"), "companion.nothing");
  assert.equal(format({ a: "{name} and {other}" }, "a", { name: "x" }), "x and {other}");
  assert.equal(format({}, "toString"), "toString"); // never the prototype's
  assert.equal(format({ a: "{constructor}" }, "a", {}), "{constructor}");
});
