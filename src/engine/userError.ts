// Errors a user can meet: what happened, where, and what to do. Shown without a stack trace.

export class UserError extends Error {
  /** File (and line) or setting the error is about, when there is one. */
  readonly where: string | null;
  /** What the user can do about it. */
  readonly hint: string | null;

  constructor(message: string, options: { where?: string | null; hint?: string | null } = {}) {
    super(message);
    this.name = 'UserError';
    this.where = options.where ?? null;
    this.hint = options.hint ?? null;
  }
}

/** One readable paragraph for any error: message, where, hint (for user errors), else the message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & { where?: unknown; hint?: unknown; path?: unknown; line?: unknown };
    const parts = [e.message];
    const where = typeof e.where === 'string' ? e.where : typeof e.path === 'string' ? `${e.path}${typeof e.line === 'number' && e.line > 0 ? `:${e.line}` : ''}` : null;
    if (where && !e.message.includes(where)) parts.push(`(${where})`);
    if (typeof e.hint === 'string' && e.hint) parts.push(e.hint);
    return parts.join(' ');
  }
  return String(error);
}

/** True for errors whose message is meant for users (no stack trace needed). */
export function isUserFacing(error: unknown): boolean {
  return error instanceof Error && (error instanceof UserError || typeof (error as { hint?: unknown }).hint === 'string');
}
