/**
 * State files under Node (`statePath`): the atomic write of spec §12.6,
 * the same policy as the Rust runtime's `save_state`.
 *
 * - The snapshot goes to a new temporary file in the state file's
 *   directory, `.NAME.XXXXXX.tmp` (six random letters and digits), opened
 *   with `'wx'` (`O_CREAT | O_EXCL`): exclusive creation never follows a
 *   symlink and never opens a file someone else made, so a link planted at
 *   a guessable name cannot redirect the write, and two writers never
 *   share a temporary file.
 * - It gets the permission bits of the file it replaces (a 0600 state file
 *   stays 0600); a new state file is 0600.
 * - It is fsynced, renamed over the state file, and the directory is
 *   fsynced: after a crash the path holds the old or the new complete
 *   file, never a mix.
 * - A symlink at the state path is replaced by the new file; the file it
 *   pointed to is left as it was (writing through it would let anyone who
 *   can create a link in the directory choose the file that is written).
 *
 * No lock: the package never loads, runs and saves on its own (`loadState`
 * and `saveState` are separate calls of the caller's), so it cannot know
 * which steps belong together. A program whose processes share one state
 * file serialises its own load → run → save (spec §12.7).
 *
 * Internal to the package (index.js imports it only under Node).
 *
 * @module luaxt/node-state
 */

import { lstat, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Six random letters and digits, as the Rust runtime's temporary names. */
export function randomPart() {
  // 248 is the largest multiple of 62 below 256: no bias.
  let out = '';
  while (out.length < 6) {
    for (const byte of randomBytes(12)) {
      if (byte < 248 && out.length < 6) out += LETTERS[byte % 62];
    }
  }
  return out;
}

/** Names tried before giving up when every one exists already. */
const ATTEMPTS = 100;

/**
 * The snapshot bytes of `path`, or null when there is no such file.
 * @param {string} path
 * @returns {Promise<Uint8Array | null>}
 */
export async function readStateFile(path) {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Replaces `path` by `bytes` atomically (see the module docs). If any step
 * before the rename fails, the temporary file is removed and `path` is
 * untouched.
 * @param {string} path
 * @param {Uint8Array} bytes
 * @param {() => string} [random] the random part of the temporary name
 *   (tests pass a fixed one to know the name in advance)
 */
export async function writeStateFile(path, bytes, random = randomPart) {
  const dir = dirname(path);
  // lstat: a symlink's target does not choose the state file's mode.
  let mode = null;
  try {
    const stat = await lstat(path);
    if (stat.isFile()) mode = stat.mode & 0o7777;
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  let temp;
  let handle;
  for (let attempt = 1; ; attempt++) {
    temp = join(dir, `.${basename(path)}.${random()}.tmp`);
    try {
      handle = await open(temp, 'wx', 0o600);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST' || attempt >= ATTEMPTS) throw e;
    }
  }
  try {
    try {
      await handle.writeFile(bytes);
      if (mode !== null) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  await syncDir(dir);
}

/** Makes the rename durable (not possible, nor needed, on Windows). */
async function syncDir(dir) {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
