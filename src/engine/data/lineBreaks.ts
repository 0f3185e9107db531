// Counting physical lines the way editors do: "\r\n", "\n" and a lone "\r" each end a line.

/** Number of line breaks in the text. */
export function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13) {
      count++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}

/** Number of line breaks before the first character that is not "\r" or "\n". */
export function countLeadingLineBreaks(text: string): number {
  let end = 0;
  while (end < text.length && (text.charCodeAt(end) === 10 || text.charCodeAt(end) === 13)) end++;
  return countLineBreaks(text.slice(0, end));
}
