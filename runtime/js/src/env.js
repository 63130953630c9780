// Where the package runs: Node (state files, file: URLs) or a browser.
export const isNode = typeof process !== 'undefined' && !!process.versions && !!process.versions.node;
