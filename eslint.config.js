// ESLint's flat configuration for the companion's browser modules and their Node tests.
import js from "@eslint/js";
import globals from "globals";

const COMPANION = "src/skillbook/site/theme/skillbook/static/companion/**/*.js";
const rules = { "no-var": "error", "prefer-const": "error", eqeqeq: "error", "no-implicit-globals": "error" };

export default [
  js.configs.recommended,
  { files: [COMPANION], languageOptions: { sourceType: "module", globals: globals.browser }, rules },
  { files: ["tests/js/**/*.{js,mjs}"], languageOptions: { sourceType: "module", globals: globals.node }, rules },
];
