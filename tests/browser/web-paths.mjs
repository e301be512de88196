// A module resolve hook for node: the pages import the shared library by its URL
// (/v/lib/format.js), which this maps to the source folders the way the server's static routes
// do (/v/ -> voter-web/, /d/ -> display/), so that tests can import page modules directly.
// Registered with module.register() before the first such import.
const roots = {
  '/v/': new URL('../../voter-web/', import.meta.url),
  '/d/': new URL('../../display/', import.meta.url),
};

export async function resolve(specifier, context, nextResolve) {
  for (const [prefix, root] of Object.entries(roots)) {
    if (specifier.startsWith(prefix)) return nextResolve(new URL(specifier.slice(prefix.length), root).href, context);
  }
  return nextResolve(specifier, context);
}
