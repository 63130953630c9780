/**
 * A set of slots `0, 1, 2, …` that finds the next occupied slot and the
 * next free one after any position in O(log n): a bitmap with one bit per
 * slot, and above it counts of the occupied slots per block of 32 words
 * (1024 slots), per block of 32 of those (32 768 slots), and so on, so a
 * search skips an empty or a full block with one look at its count. The
 * store (`store.js`) keeps one for a table's array part (which keys are
 * present, where the border stops) and one for its hash part (which
 * positions still hold an entry).
 *
 * A search looks at most 32 entries per level on the way up and 32 on the
 * way down; there are ⌈log32(n / 32)⌉ levels of counts. The memory is a
 * bit per slot and a little more for the counts, and nothing while the
 * occupied slots are `0 .. n - 1` (the common case: no hole yet).
 *
 * @module luaxt/slot-index
 */

/** The number of set bits of the 32-bit word `x`. */
function popcount(x) {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The index of the lowest set bit of the nonzero word `x`. */
function lowestBit(x) {
  return 31 - Math.clz32(x & -x);
}

/** What a search looks for. */
const OCCUPIED = true;
const FREE = false;

/** The bitmap of an index that has none (it is replaced, never written). */
const NO_WORDS = new Int32Array(0);
const NO_COUNTS = [];

export class SlotIndex {
  constructor() {
    /**
     * While true, the occupied slots are `0 .. count - 1` and there is no
     * bitmap: a part of a table that no delete has left a hole in needs
     * none. The first hole makes it.
     */
    this.prefix = true;
    /** One bit per slot, 32 slots a word; its length is 0 or a power of two. */
    this.words = NO_WORDS;
    /**
     * `counts[l][j]` is the number of occupied slots in block `j` of level
     * `l + 1`, which covers `32 ** (l + 2)` slots. The last level has at
     * most 32 blocks.
     */
    this.counts = NO_COUNTS;
    /** The number of occupied slots. */
    this.count = 0;
    /** No slot at or after this one is occupied. */
    this.end = 0;
  }

  /** The number of slots the bitmap holds: every slot from here on is free. */
  get capacity() {
    return this.words.length * 32;
  }

  has(i) {
    if (this.prefix) return i < this.count;
    return i < this.capacity && (this.words[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** Marks slot `i` (≥ 0) occupied. */
  add(i) {
    if (this.prefix) {
      if (i < this.count) return;
      if (i === this.count) {
        this.end = ++this.count;
        return;
      }
      this.unfold();
    }
    if (i >= this.capacity) this.grow(i);
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    if ((this.words[w] & bit) !== 0) return;
    this.words[w] |= bit;
    this.count++;
    if (i >= this.end) this.end = i + 1;
    const counts = this.counts;
    for (let l = 0, shift = 10; l < counts.length; l++, shift += 5) counts[l][i >>> shift]++;
  }

  /** Marks slot `i` free. */
  remove(i) {
    if (this.prefix) {
      if (i >= this.count) return;
      if (i === this.count - 1) {
        this.end = --this.count;
        return;
      }
      this.unfold();
    }
    if (i >= this.capacity) return;
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    if ((this.words[w] & bit) === 0) return;
    this.words[w] &= ~bit;
    this.count--;
    const counts = this.counts;
    for (let l = 0, shift = 10; l < counts.length; l++, shift += 5) counts[l][i >>> shift]--;
  }

  /** Frees every slot from `n` on, in time proportional to the slots after `n` that were ever used. */
  truncate(n) {
    if (n >= this.end) return;
    if (this.prefix) {
      this.count = this.end = n;
      return;
    }
    const words = this.words;
    const counts = this.counts;
    const last = (this.end - 1) >>> 5;
    for (let w = n >>> 5; w <= last; w++) {
      const old = words[w];
      if (old === 0) continue;
      const kept = w === n >>> 5 ? old & ((1 << (n & 31)) - 1) : 0;
      const gone = popcount(old ^ kept);
      if (gone === 0) continue;
      words[w] = kept;
      this.count -= gone;
      for (let l = 0, shift = 5; l < counts.length; l++, shift += 5) counts[l][w >>> shift] -= gone;
    }
    this.end = n;
  }

  /** The first occupied slot at or after `i`, or -1 if there is none. */
  nextOccupied(i) {
    if (i >= this.end) return -1;
    return this.prefix ? i : this.search(i, OCCUPIED);
  }

  /** The first free slot at or after `i`. */
  nextFree(i) {
    if (i >= this.end) return i;
    return this.prefix ? this.end : this.search(i, FREE);
  }

  /**
   * The first block in `j .. stop - 1` of level `l` (0: the words) that
   * holds a slot of the kind asked for, or -1.
   */
  firstIn(l, j, stop, occupied) {
    if (l === 0) {
      const words = this.words;
      if (occupied) {
        for (; j < stop; j++) if (words[j] !== 0) return j;
      } else {
        for (; j < stop; j++) if (words[j] !== -1) return j;
      }
      return -1;
    }
    const counts = this.counts[l - 1];
    if (occupied) {
      for (; j < stop; j++) if (counts[j] !== 0) return j;
    } else {
      const full = 2 ** (5 * l + 5);
      for (; j < stop; j++) if (counts[j] !== full) return j;
    }
    return -1;
  }

  levelLength(l) {
    return l === 0 ? this.words.length : this.counts[l - 1].length;
  }

  search(i, occupied) {
    const w = i >>> 5;
    const word = occupied ? this.words[w] : ~this.words[w];
    const rest = word & (-1 << (i & 31));
    if (rest !== 0) return w * 32 + lowestBit(rest);
    // Up: the blocks after `j` in its parent block, then the parent's next.
    const top = this.counts.length;
    let j = w + 1;
    for (let l = 0; ; l++) {
      const length = this.levelLength(l);
      if (l === top || (j & 31) !== 0) {
        const stop = l === top ? length : Math.min(length, (j | 31) + 1);
        const found = this.firstIn(l, j, stop, occupied);
        if (found !== -1) return this.descend(l, found, occupied);
        j = stop;
      }
      if (l === top || j >= length) return occupied ? -1 : this.capacity;
      j >>>= 5;
    }
  }

  /** The first slot of the kind asked for in block `j` of level `l`, which holds one. */
  descend(l, j, occupied) {
    for (; l > 0; l--) {
      const first = j * 32;
      j = this.firstIn(l - 1, first, Math.min(this.levelLength(l - 1), first + 32), occupied);
      // Only the last block can be partly past the capacity: free from there on.
      if (j === -1) return this.capacity;
    }
    const word = occupied ? this.words[j] : ~this.words[j];
    return j * 32 + lowestBit(word);
  }

  /** Makes the slots `0 .. n - 1` occupied and every other one free. */
  reset(n) {
    this.prefix = true;
    this.words = NO_WORDS;
    this.counts = NO_COUNTS;
    this.count = n;
    this.end = n;
  }

  /** Makes the bitmap of the slots `0 .. count - 1`. */
  unfold() {
    const n = this.count;
    this.prefix = false;
    this.words = new Int32Array(wordsFor(n));
    this.words.fill(-1, 0, n >>> 5);
    if ((n & 31) !== 0) this.words[n >>> 5] = (1 << (n & 31)) - 1;
    this.recount();
  }

  /** Makes room for slot `i`: the bitmap doubles (or more). */
  grow(i) {
    const words = new Int32Array(Math.max(wordsFor(i), this.words.length * 2));
    words.set(this.words);
    this.words = words;
    this.recount();
  }

  /** Makes the counts again from the bitmap. */
  recount() {
    const counts = [];
    let below = this.words;
    let sum = popcount;
    while (below.length > 32) {
      const level = new Uint32Array(Math.ceil(below.length / 32));
      for (let j = 0; j < below.length; j++) if (below[j] !== 0) level[j >>> 5] += sum(below[j]);
      counts.push(level);
      below = level;
      sum = (n) => n;
    }
    this.counts = counts;
  }
}

/** The length of a bitmap that holds slot `i`: a power of two. */
function wordsFor(i) {
  let length = 1;
  while (length * 32 <= i) length *= 2;
  return length;
}
