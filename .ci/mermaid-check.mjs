// Parses every ```mermaid block of the given Markdown files with mermaid itself, under jsdom,
// so a chart that GitHub would show as an error fails CI instead.
//
// Usage: node .ci/mermaid-check.mjs FILE.md...
// Fails when a block does not parse (naming the file, the block and mermaid's error), and when
// it found no block at all, so the check cannot pass vacuously.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node .ci/mermaid-check.mjs FILE.md...");
  process.exit(2);
}

// Mermaid expects a browser; jsdom gives it the DOM and the DOMPurify it sanitizes with.
const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
for (const name of ["window", "document", "DOMParser", "Element", "HTMLElement", "Node", "SVGElement"]) {
  if (!(name in globalThis)) {
    globalThis[name] = name === "window" ? dom.window : dom.window[name];
  }
}
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });

/** The ```mermaid blocks of a Markdown text, with the line each starts on. */
function mermaidBlocks(text) {
  const blocks = [];
  const lines = text.split(/\r?\n/);
  let open = null;
  for (const [index, line] of lines.entries()) {
    if (open === null) {
      const fence = /^ {0,3}(`{3,}|~{3,})\s*mermaid\s*$/.exec(line);
      if (fence) open = { fence: fence[1], line: index + 1, body: [] };
    } else if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, "") === "") {
      blocks.push({ line: open.line, source: open.body.join("\n") });
      open = null;
    } else {
      open.body.push(line);
    }
  }
  if (open !== null) blocks.push({ line: open.line, source: open.body.join("\n"), unclosed: true });
  return blocks;
}

let total = 0;
let failed = 0;
for (const file of files) {
  const blocks = mermaidBlocks(readFileSync(file, "utf8"));
  for (const [index, block] of blocks.entries()) {
    total += 1;
    const where = `${file}: mermaid block ${index + 1} (line ${block.line})`;
    if (block.unclosed) {
      failed += 1;
      console.error(`${where}: the code fence is never closed`);
      continue;
    }
    try {
      await mermaid.parse(block.source);
    } catch (error) {
      failed += 1;
      console.error(`${where}: ${error?.message ?? error}`);
      console.error(block.source.replace(/^/gm, "    | "));
    }
  }
}

if (total === 0) {
  console.error(`no mermaid block found in ${files.length} file(s): nothing was checked`);
  process.exit(1);
}
console.log(`mermaid: ${total - failed} of ${total} block(s) in ${files.length} file(s) parse`);
process.exit(failed === 0 ? 0 : 1);
