/**
 * Finding the reset token (or link) in a delivered mail: a configurable regular expression over
 * the text part, then the HTML part with entities for `&` undone (links in HTML are written
 * `&amp;token=`). Group 1 is the token when the pattern has a group, else the whole match.
 */

/** A compiled extractor: the token, or '' when the mail has none. */
export type TokenExtractor = (text: string, html: string) => string;

/** Compiles `pattern` (already checked to be a valid regex). */
export function tokenExtractor(pattern: string): TokenExtractor {
  const re = new RegExp(pattern);
  const find = (s: string): string => {
    if (s === '') return '';
    const m = re.exec(s);
    if (!m) return '';
    return m[1] ?? m[0];
  };
  return (text, html) => find(text) || find(html.replaceAll('&amp;', '&'));
}

/** The first ~120 characters of the text, whitespace collapsed, as Mailpit's `Snippet`. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 120 ? flat : `${flat.slice(0, 117)}...`;
}
