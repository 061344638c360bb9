#!/usr/bin/env node
"use strict";
// Thin launcher: the CLI is compiled TypeScript under dist/ (run `npm run build` in a clone).
// `carbonguard regions | head` closes the pipe early; that is not an error.
process.stdout.on("error", (error) => {
  if (error && error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
require("../dist/src/cli/main.js")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
