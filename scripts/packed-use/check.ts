// A strict TypeScript check of the packed packages' .d.ts files: what a
// dependent writes should type-check (scripts/test-packages).
import { serializeObject, deserializeObject, LxtError, TableRef, type LxtValue } from 'luaxt-format';
import { createRuntime, inspectDocument, jsonToLxt, LuaError, type LxtInspection } from 'luaxt';

const bytes: Uint8Array = serializeObject({ a: 1, b: [true, null, 'x'], r: new TableRef(3) });
const value: LxtValue = deserializeObject(bytes, { strict: true, maxDepth: 8 });

async function main(): Promise<void> {
  const lua = await createRuntime();
  const two = lua.compute('return 1 + 1');
  const { output } = lua.computeWithIo('_io.output = #_io.input', [value]);
  try {
    lua.compute('error("boom")');
  } catch (e) {
    if (e instanceof LuaError) console.log(e.kind, e.luaMessage);
    if (e instanceof LxtError) console.log(e.kind, e.offset);
  }
  console.log(two, output);
  const doc: LxtInspection = await inspectDocument(await jsonToLxt('[1]', { typed: false }), { strict: true });
  if (!doc.verdict.ok) console.log(doc.verdict.kind, doc.verdict.offset ?? 'no offset');
  else if (!doc.verdict.canonical) console.log(doc.verdict.noncanonicalOffset);
  const canonical: Uint8Array | undefined = doc.canonical;
  console.log(doc.dump, doc.plain ?? doc.plainError, canonical?.length);
}

void main();
