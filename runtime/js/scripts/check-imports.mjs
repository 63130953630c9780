// Fails unless the module imports only from wasm-bindgen's glue file. On
// wasm32-unknown-unknown an unresolved C symbol silently becomes an
// import, which would only fail when the module is instantiated.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const file = process.argv[2];
if (!file) {
  console.error('usage: node check-imports.mjs MODULE_bg.wasm');
  process.exit(2);
}
const glue = './' + basename(file).replace(/_bg\.wasm$/, '_bg.js');
const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(file)));
const foreign = imports.filter((i) => i.module !== glue);
if (foreign.length > 0) {
  for (const i of foreign) console.error(`unexpected import ${i.module}.${i.name} (${i.kind})`);
  process.exit(1);
}
console.log(`${file}: ${imports.length} imports, all from ${glue}`);
