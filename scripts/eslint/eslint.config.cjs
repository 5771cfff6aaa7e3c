// ESLint's recommended rules for the scripts of the page and the HTML deck (assets/),
// as ruff checks the Python. CommonJS, so its packages resolve from NODE_PATH
// (.cache/eslint/node_modules, where scripts/bootstrap.sh installs them).
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  js.configs.recommended,
  {
    files: ["assets/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      "no-unused-vars": ["error", { args: "none" }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    // The deck runs beside reveal.js and its notes plugin (slides/reveal/).
    files: ["assets/slides/*.js"],
    languageOptions: { globals: { Reveal: "readonly", RevealNotes: "readonly" } },
  },
];
