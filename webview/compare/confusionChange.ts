// What a cell of a confusion difference means. Pure.

/** better: more rows right (diagonal) or fewer of a mistake (off it); worse: the reverse. */
export function changeKind(value: number, diagonal: boolean): 'better' | 'worse' | 'same' {
  if (value === 0) return 'same';
  return value > 0 === diagonal ? 'better' : 'worse';
}
