/**
 * A line's text without its markdown: what a person reads. Links and images keep their text, code
 * spans their code, emphasis and strike-through their words; HTML tags and emoji go.
 * @example plainText('**All tests pass** (see [CI](https://ci.example)) ✅') // 'All tests pass (see CI)'
 */
export function plainText(s: string): string {
  return (
    s
      // Images and links keep their text; reference links too; autolinks their address.
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
      .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
      // Code spans keep their code as written.
      .replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _t, code: string) => code.trim())
      .replace(/<br\s*\/?>/gi, ' ')
      .replace(/<\/?[a-z][^>]*>/gi, '')
      .replace(/(\*\*|__)(?=[^\s*_])([\s\S]*?[^\s*_])\1/g, '$2')
      .replace(/(^|[^\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])/g, '$1$2')
      .replace(/(^|[^\w_])_(?=[^\s_])([^_]*?[^\s_])_(?![\w_])/g, '$1$2')
      .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
      .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1')
      .replace(EMOJI, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Pictographs, their variation selectors, joiners, skin tones and keycaps: decoration in headings. */
const EMOJI = /\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\uFE0E\uFE0F\u20E3]|\u200D/gu;

/** A heading's words: plain text without a leading section number (`2.1`, `3)`) or a trailing colon. */
export function headingText(s: string): string {
  return plainText(s)
    .replace(/^(?:\d+(?:\.\d+)*[.)]?)\s+/, '')
    .replace(/[:\s]+$/, '')
    .trim();
}
