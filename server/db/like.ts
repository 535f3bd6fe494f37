/** A LIKE pattern that matches `text` anywhere, with LIKE's own wildcards (% and _) in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
