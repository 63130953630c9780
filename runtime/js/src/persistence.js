// Where saved state lives: an atomic state file under Node, IndexedDB in
// browsers.

// Node: atomic state files (spec §12.6), in their own module so that
// browsers never load node:fs.
export async function nodeReadState(path) {
  const { readStateFile } = await import('./node-state.js');
  return readStateFile(path);
}

export async function nodeWriteState(path, bytes) {
  const { writeStateFile } = await import('./node-state.js');
  return writeStateFile(path, bytes);
}

function idbOpen(dbName, storeName) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(dbName, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(storeName)) request.result.createObjectStore(storeName);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function idbRun(dbName, storeName, mode, op) {
  const db = await idbOpen(dbName, storeName);
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = op(tx.objectStore(storeName));
      let result;
      request.onsuccess = () => (result = request.result);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

