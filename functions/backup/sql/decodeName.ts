/** PostgreSQL's server encodings and the TextDecoder label of each (LATIN1 is read byte for byte: the WHATWG `latin1` is windows-1252). */
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
  WIN1250: 'windows-1250',
  WIN1251: 'windows-1251',
  WIN1252: 'windows-1252',
  WIN1253: 'windows-1253',
  WIN1254: 'windows-1254',
  WIN1255: 'windows-1255',
  WIN1256: 'windows-1256',
  WIN1257: 'windows-1257',
  WIN1258: 'windows-1258',
};

/** The text of a name's bytes in `encoding`, or undefined when the encoding has no decoder here or the bytes are not valid in it. */
function decodeStrictly(bytes: Buffer, encoding: string): string | undefined {
  const upper = encoding.toUpperCase();
  if (upper === 'LATIN1') return bytes.toString('latin1');
  const label = LABELS[upper];
  if (!label) return undefined; // EUC_TW, MULE_INTERNAL, SQL_ASCII (no encoding at all), …
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined; // invalid bytes, or a label this Node's ICU lacks (iso-8859-16)
  }
}

/**
 * A name (a table, a role, a section title) as text, from the bytes the dump holds for it (given as
 * their latin1 view), in the dump's encoding: for messages and as the key of `rows`. Distinct bytes
 * always give distinct text: a name with a byte ≥ 0x80 is decoded only under a known encoding and
 * when its bytes are valid there (the text then holds a character beyond ASCII); any other name is
 * kept ASCII, each byte ≥ 0x80 written `\xNN` and a backslash `\\` (so `\xff` typed as four ASCII
 * characters stays apart from the byte 0xff). Only names: a dump's data is never decoded.
 */
export function decodeName(latin1: string, encoding = 'UTF8'): string {
  if (/[\x80-\xff]/.test(latin1)) {
    const text = decodeStrictly(Buffer.from(latin1, 'latin1'), encoding);
    if (text !== undefined) return text;
  }
  return latin1.replace(/[\\\x80-\xff]/g, (char) => (char === '\\' ? '\\\\' : `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
