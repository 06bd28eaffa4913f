#!/usr/bin/env node
// Converts the CEL conformance suite shipped in the npm package @bufbuild/cel-spec
// (testdata/conformance.js, data only, Apache-2.0) into one JSON file per section under
// tests/conformance/, which the C++ runner (tests/conformance/runner.cpp) reads.
//
// Usage:
//   scripts/cel-spec-convert.js [PACKAGE_DIR] [OUT_DIR]
// PACKAGE_DIR is an unpacked package (the `package/` folder of `npm pack @bufbuild/cel-spec`);
// without it the script packs the package into a temporary folder with npm itself.
// OUT_DIR defaults to tests/conformance.
//
// Each case keeps the suite's own proto-JSON shapes (value, evalError, bindings, typeEnv) so
// that nothing is lost in conversion; the runner interprets them.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execFileSync } = require("child_process");

// The sections the project measures (issue 3). Others are converted on request with
// SECTIONS=all.
const TARGET = ["basic", "comparisons", "conversions", "fields", "fp_math", "integer_math", "lists",
  "logic", "macros", "macros2", "parse", "plumbing", "string", "timestamps"];

function fetchPackage() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cel-spec-"));
  execFileSync("npm", ["pack", "@bufbuild/cel-spec", "--silent"], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  const tgz = fs.readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error("npm pack produced no tarball");
  execFileSync("tar", ["xzf", tgz], { cwd: dir });
  return path.join(dir, "package");
}

function main() {
  const root = path.resolve(__dirname, "..");
  const pkgDir = process.argv[2] ? path.resolve(process.argv[2]) : fetchPackage();
  const outDir = path.resolve(process.argv[3] || path.join(root, "tests", "conformance"));
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const data = require(path.join(pkgDir, "dist", "cjs", "testdata", "conformance.js")).tests;
  const wanted = process.env.SECTIONS === "all" ? null : new Set(TARGET);

  fs.mkdirSync(path.join(outDir, "data"), { recursive: true });
  const summary = [];
  for (const section of data.suites || []) {
    if (wanted && !wanted.has(section.name)) continue;
    const cases = [];
    const walk = (suite, group) => {
      for (const t of suite.tests || []) {
        const o = t.original;
        const c = { group, name: o.name || o.expr, expr: o.expr };
        for (const k of ["container", "disableCheck", "checkOnly", "bindings", "typeEnv", "value",
          "evalError", "typedResult", "unknown", "anyEvalErrors", "anyUnknowns"]) {
          if (o[k] !== undefined) c[k] = o[k];
        }
        cases.push(c);
      }
      for (const s of suite.suites || []) walk(s, group ? `${group}/${s.name}` : s.name);
    };
    walk(section, "");
    const file = path.join(outDir, "data", `${section.name}.json`);
    fs.writeFileSync(file, JSON.stringify({ section: section.name, tests: cases }, null, 1) + "\n");
    summary.push(`${section.name}: ${cases.length}`);
  }
  const version = [
    `package: ${pkg.name}@${pkg.version}`,
    `license: ${pkg.license}`,
    `upstream cel-spec: ${pkg.upstreamCelSpecRef || "unknown"}`,
    `source: dist/cjs/testdata/conformance.js`,
    `converted by: scripts/cel-spec-convert.js`,
    `sections: ${summary.join(", ")}`,
  ].join("\n") + "\n";
  fs.writeFileSync(path.join(outDir, "data", "VERSION"), version);
  process.stdout.write(version);
}

main();
