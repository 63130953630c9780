/**
 * Streams of records run a batch at a time (`runtime.stream`,
 * `runtime.processStream`): reading arrays, iterables, async iterables and
 * web `ReadableStream`s without materialising them, with backpressure (a
 * batch is pulled only when the previous one is done and its output taken),
 * progress and an `AbortSignal`. Shared by the runtime of `index.js` and the
 * worker runtime of `worker.js`; what runs a batch is theirs.
 *
 * @module luaxt/stream
 */

/** Default records per batch. */
export const DEFAULT_BATCH_SIZE = 100;

/**
 * What kind of source `source` is ('array', 'reader', 'async', 'sync'),
 * checked before anything is read from it; a TypeError for anything else.
 */
function sourceKind(source) {
  if (Array.isArray(source)) return 'array';
  if (source === null || source === undefined || typeof source === 'string') {
    throw new TypeError(`a stream's source must be an array, an iterable, an async iterable or a ReadableStream, not ${source === null ? 'null' : typeof source}`);
  }
  if (typeof source.getReader === 'function') return 'reader';
  if (typeof source[Symbol.asyncIterator] === 'function') return 'async';
  if (typeof source[Symbol.iterator] === 'function') return 'sync';
  throw new TypeError("a stream's source must be an array, an iterable, an async iterable or a ReadableStream");
}

/** The number of records of a source whose size is known without reading it. */
function knownTotal(source, kind) {
  if (kind === 'array' || ArrayBuffer.isView(source)) return source.length;
  if (source instanceof Set || source instanceof Map) return source.size;
  return undefined;
}

/**
 * A source opened for reading. `take(n)` gives the next (at most) `n`
 * records as an array, or a Promise of one for sources that are read
 * asynchronously; fewer than `n` means the source has ended (`ended`).
 * `close()` stops reading: the records not read are never asked for, and
 * an iterator is told (`return()`), a stream cancelled.
 */
function openSource(source, kind) {
  if (kind === 'array') {
    let at = 0;
    return {
      ended: false,
      take(n) {
        const batch = source.slice(at, at + n);
        at += batch.length;
        if (batch.length < n || at >= source.length) this.ended = true;
        return batch;
      },
      close() {},
    };
  }
  if (kind === 'reader') {
    const reader = source.getReader();
    return {
      ended: false,
      closed: false,
      async take(n) {
        const batch = [];
        while (batch.length < n && !this.closed) {
          const { done, value } = await reader.read();
          if (done) {
            this.ended = true;
            reader.releaseLock();
            break;
          }
          batch.push(value);
        }
        return batch;
      },
      close(reason) {
        this.closed = true;
        return reader.cancel(reason);
      },
    };
  }
  const iterator = kind === 'async' ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  if (kind === 'sync') {
    return {
      ended: false,
      take(n) {
        const batch = [];
        while (batch.length < n) {
          const step = iterator.next();
          if (step.done) {
            this.ended = true;
            break;
          }
          batch.push(step.value);
        }
        return batch;
      },
      close() {
        return iterator.return?.();
      },
    };
  }
  return {
    ended: false,
    closed: false,
    async take(n) {
      const batch = [];
      while (batch.length < n && !this.closed) {
        const step = await iterator.next();
        if (step.done) {
          this.ended = true;
          break;
        }
        batch.push(step.value);
      }
      return batch;
    },
    close() {
      this.closed = true;
      return iterator.return?.();
    },
  };
}

/** `promise`, or the signal's reason as soon as it is aborted. */
function abortable(promise, signal) {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function isAbortSignal(signal) {
  return typeof signal === 'object' && signal !== null && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function';
}

/**
 * Checks the options of a stream; throws a TypeError or RangeError.
 * @returns {{ batchSize: number, signal?: AbortSignal, onProgress?: Function, total?: number }}
 */
export function streamOptions(options = {}) {
  const { batchSize = DEFAULT_BATCH_SIZE, signal, onProgress, total } = options ?? {};
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer of at least 1, not ${String(batchSize)}`);
  if (signal !== undefined && !isAbortSignal(signal)) throw new TypeError('signal must be an AbortSignal');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('onProgress must be a function');
  if (total !== undefined && !(Number.isSafeInteger(total) && total >= 0)) throw new RangeError('total must be a non-negative integer');
  return { batchSize, signal, onProgress, total };
}

/**
 * The outputs of `runBatch` over the batches of `source`, as an async
 * iterator. `runBatch(input)` runs one batch, `input` being what the
 * script sees as `_io.input`: `{ batch, batchIndex, offset, total,
 * totalBatches }` (the last two only when the total is known); it returns
 * the output or a Promise of it.
 *
 * The source is checked now (a TypeError for what cannot be a source) and
 * opened on the first `next()`. Each batch is pulled only when the
 * consumer asks for the next output, so at most one batch is held. The
 * signal is checked before each pull and each batch (its reason is
 * thrown), and aborts a pull that is waiting for the source; `runBatch`
 * takes care of the signal while a batch runs. On an error, an abort, or a
 * consumer that stops early (`break`, `return()`), the source is closed:
 * `return()` for an iterator, `cancel()` for a ReadableStream.
 */
export function batchStream(source, options, runBatch) {
  const kind = sourceKind(source);
  const { batchSize, signal, onProgress, total: given } = streamOptions(options);
  const total = given ?? knownTotal(source, kind);
  const totalBatches = total === undefined ? undefined : Math.ceil(total / batchSize);

  async function* run() {
    signal?.throwIfAborted();
    const src = openSource(source, kind);
    let pulling = false;
    try {
      for (let batchIndex = 0, offset = 0; !src.ended; batchIndex++) {
        signal?.throwIfAborted();
        let batch = src.take(batchSize);
        if (typeof batch?.then === 'function') {
          pulling = true;
          batch = await abortable(batch, signal);
          pulling = false;
        }
        if (batch.length === 0) break;
        signal?.throwIfAborted();
        const input = { batch, batchIndex, offset };
        if (total !== undefined) {
          input.total = total;
          input.totalBatches = totalBatches;
        }
        const output = await runBatch(input);
        offset += batch.length;
        batch = null;
        input.batch = null;
        if (onProgress) await onProgress({ batchIndex, totalBatches, processed: offset, total, output });
        yield output;
      }
    } finally {
      if (!src.ended) {
        // A source still waiting for its next record may never answer:
        // it is told to stop, but not waited for.
        let closing;
        try {
          closing = src.close(signal?.aborted ? signal.reason : undefined);
        } catch {
          closing = undefined;
        }
        if (typeof closing?.then === 'function') {
          if (pulling) closing.catch(() => {});
          else await closing.catch(() => {});
        }
      }
    }
  }
  return run();
}

/** Every output of a stream, in order (what `processStream` resolves to). */
export async function collect(stream) {
  const outputs = [];
  for await (const output of stream) outputs.push(output);
  return outputs;
}
