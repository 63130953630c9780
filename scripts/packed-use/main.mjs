// Uses the packed npm packages (`npm pack`) as a dependent would: run by
// scripts/test-packages in a scratch project outside the repository.
import assert from 'node:assert/strict';
import { serializeObject, deserializeObject, LxtError } from 'luaxt-format';
import { createRuntime, inspectDocument, jsonToLxt } from 'luaxt';

const bytes = serializeObject({ name: 'packed', values: [1, 2, 3] });
assert.deepEqual(deserializeObject(bytes), { name: 'packed', values: [1, 2, 3] });
assert.throws(() => deserializeObject(new Uint8Array([0x09])), LxtError);

const lua = await createRuntime();
assert.equal(lua.compute('return 1 + 1'), 2);
const { output } = lua.computeWithIo('_io.output = { n = #_io.input }', [1, 2, 3]);
assert.deepEqual(output, { n: 3 });
lua.close();

// The inspector's functions: the CLI's Rust code in the installed module.
const fromJson = await jsonToLxt('{"name": "packed", "values": [1, 2, 3]}');
assert.deepEqual(fromJson, bytes);
const doc = await inspectDocument(fromJson);
assert.deepEqual(doc.verdict, { ok: true, canonical: true });
assert.deepEqual(JSON.parse(doc.plain), { name: 'packed', values: [1, 2, 3] });
console.log('ESM program on the packed packages: ok');
