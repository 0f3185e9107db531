// What the sweep command's input boxes accept: comma-separated values of one hyper-parameter,
// empty for none. The checks are the CLI's (engine/sweep/sweepGrid), as input-box messages.

import type { SweepAxis, SweepParam } from '../../protocol/sweepTypes';
import { parseAxisValues } from '../../engine/sweep/sweepGrid';
import { describeError } from '../../engine/userError';

/** null when `text` is fine (or empty), else what is wrong (the shape showInputBox's validateInput expects). */
export function gridInputError(param: SweepParam, text: string): string | null {
  try {
    parseAxisValues(param, text);
    return null;
  } catch (error) {
    return describeError(error);
  }
}

/** The axis typed into an input box; null for empty text. Throws a UserError when invalid. */
export function gridAxisOf(param: SweepParam, text: string): SweepAxis | null {
  const values = parseAxisValues(param, text);
  return values.length === 0 ? null : { param, values };
}
