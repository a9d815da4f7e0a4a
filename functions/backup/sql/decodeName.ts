/** PostgreSQL's server encodings that a TextDecoder knows by another label. */
const LABELS: Record<string, string> = {
  UTF8: 'utf-8',
  LATIN2: 'iso-8859-2',
  LATIN3: 'iso-8859-3',
  LATIN4: 'iso-8859-4',
  LATIN5: 'windows-1254',
  LATIN6: 'iso-8859-10',
  LATIN7: 'iso-8859-13',
  LATIN8: 'iso-8859-14',
  LATIN9: 'iso-8859-15',
  LATIN10: 'iso-8859-16',
  ISO_8859_5: 'iso-8859-5',
  ISO_8859_6: 'iso-8859-6',
  ISO_8859_7: 'iso-8859-7',
  ISO_8859_8: 'iso-8859-8',
  KOI8R: 'koi8-r',
  KOI8U: 'koi8-u',
  EUC_JP: 'euc-jp',
  EUC_KR: 'euc-kr',
  EUC_CN: 'gb18030',
  WIN866: 'ibm866',
  WIN874: 'windows-874',
};

/**
 * A name (a table, a role, a section title) as text, from the bytes the dump holds for it (given as
 * their latin1 view), in the dump's encoding: for messages and for matching the names the server
 * reports. Only names: a dump's data is never decoded.
 */
export function decodeName(latin1: string, encoding = 'UTF8'): string {
  // Plain ASCII is the same in every server encoding.
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  const upper = encoding.toUpperCase();
  if (upper === 'LATIN1' || upper === 'SQL_ASCII') return bytes.toString('latin1');
  if (upper.startsWith('WIN') && /^WIN\d{4}$/.test(upper)) return new TextDecoder(`windows-${upper.slice(3)}`).decode(bytes);
  try {
    return new TextDecoder(LABELS[upper] ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
