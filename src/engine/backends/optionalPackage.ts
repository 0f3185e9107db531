// Loads optional npm packages (@tensorflow/tfjs-node, @tensorflow/tfjs-node-gpu, …) only when
// present: they are not dependencies of the extension, and a user may install them next to it.
// The require is dynamic (a variable name) so bundlers leave it alone.

export type OptionalLoad =
  | { status: 'loaded'; module: unknown }
  | { status: 'missing' }
  | { status: 'failed'; error: string };

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** First line of an error's message, for user-facing reasons. */
export function errorLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** Requires `name` if it can be resolved; says whether it is missing or failed to load. */
export function loadOptionalPackage(name: string): OptionalLoad {
  try {
    require.resolve(name);
  } catch (err) {
    if (errorCode(err) === 'MODULE_NOT_FOUND') return { status: 'missing' };
    return { status: 'failed', error: errorLine(err) };
  }
  try {
    const loaded: unknown = require(name);
    return { status: 'loaded', module: loaded };
  } catch (err) {
    return { status: 'failed', error: errorLine(err) };
  }
}
