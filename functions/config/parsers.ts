import { databaseConnection } from '../db/databaseConnection.js';
import { ConfigError } from './ConfigError.js';
import { parseS3Url, type S3Location } from '../backup/offsite/S3Location.js';
import { parseRecipients } from '../backup/encryption/parseRecipients.js';
import { readSettingFile } from './readSettingFile.js';

/** A file of age recipients is a few lines; one of more than 1 MiB (500 post-quantum keys) is not one. */
const RECIPIENTS_FILE_MAX_BYTES = 1024 * 1024;

/** How a setting's text becomes its value. */
export interface Parser<T> {
  /** What it accepts, in words for the README's table: `whole number, 0–10000`, `` `none` or `gzip` ``. */
  accepts: string;
  /** The value of `raw` (the variable as set, not blank); throws a ConfigError naming `name` when it is not accepted. */
  parse(raw: string, name: string): T;
}

/** The parsers the settings table is written with; each message names the setting and what it got. */
export const parsers = {
  wholeNumber(min: number, max: number): Parser<number> {
    return {
      accepts: `whole number, ${min}–${max}`,
      parse(raw, name) {
        const text = raw.trim();
        const value = Number(text);
        if (!/^\d+$/.test(text) || value < min || value > max) {
          throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${text}")`);
        }
        return value;
      },
    };
  },

  /** A duration as `<n>s`, `<n>m`, `<n>h` or `<n>d` (or `0`), in milliseconds, at most `maxMs`. */
  duration(maxMs: number): Parser<number> {
    const unitMs: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
    return {
      accepts: '`0` or a duration such as `30m`, `24h`, `7d` (s, m, h, d)',
      parse(raw, name) {
        const text = raw.trim();
        const match = /^(\d{1,9})([smhd])$/.exec(text);
        const value = text === '0' ? 0 : match ? Number(match[1]) * unitMs[match[2]!]! : Number.NaN;
        if (Number.isNaN(value) || value > maxMs) {
          throw new ConfigError(
            `${name} must be 0 or a duration such as 30m, 24h or 7d, at most ${Math.floor(maxMs / 86_400_000)}d (got "${text.slice(0, 40)}")`,
          );
        }
        return value;
      },
    };
  },

  /** One of a few words, each standing for a value: `{ off: false, 'after-create': true }`. */
  oneOf<T>(choices: Record<string, T>): Parser<T> {
    const words = Object.keys(choices);
    const listed = `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
    return {
      accepts: `${words.slice(0, -1).map(quoted).join(', ')} or ${quoted(words.at(-1)!)}`,
      parse(raw, name) {
        const word = raw.trim();
        if (!Object.hasOwn(choices, word)) throw new ConfigError(`${name} must be ${listed} (got "${word}")`);
        return choices[word]!;
      },
    };
  },

  /** An IANA zone name (`Europe/Berlin`), as the runtime's time-zone database knows it. */
  timeZone: {
    accepts: 'an IANA time zone, e.g. `Europe/Berlin`',
    parse(raw, name) {
      const zone = raw.trim();
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        throw new ConfigError(`${name} must be an IANA time zone such as UTC or Europe/Berlin (got "${zone}")`);
      }
      return zone;
    },
  } satisfies Parser<string>,

  /** An octal mode such as 0640 for backups read by another uid on a shared volume; never world-writable or executable. */
  fileMode: {
    accepts: 'an octal mode, `0600` to `0644`',
    parse(raw, name) {
      const text = raw.trim();
      const mode = parseInt(text, 8);
      if (!/^0?[0-7]{3}$/.test(text) || (mode & 0o133) !== 0 || (mode & 0o600) !== 0o600) {
        throw new ConfigError(`${name} must be an octal mode from 0600 to 0644 such as 0640 (got "${text}")`);
      }
      return mode;
    },
  } satisfies Parser<number>,

  /** Any text, trimmed; `accepts` says what it should be. */
  text(accepts: string): Parser<string> {
    return { accepts, parse: (raw) => raw.trim() };
  },

  /** BACKUP_S3_URL: `s3://bucket/prefix`, read by `parseS3Url`, which words its own messages. */
  s3Url: {
    accepts: '`s3://<bucket>/<prefix>`',
    parse: (raw: string, name: string) => parseS3Url(raw, name),
  } satisfies Parser<S3Location>,

  /** BACKUP_ENCRYPT_RECIPIENTS: age public keys, each checked by the age library (a mistyped key never means plaintext). */
  ageRecipients: {
    accepts: '`age1…` public keys, separated by spaces or commas',
    parse(raw, name) {
      try {
        return parseRecipients(raw);
      } catch (error) {
        throw new ConfigError(`${name}: ${(error as Error).message}`);
      }
    },
  } satisfies Parser<string[]>,

  /** BACKUP_ENCRYPT_RECIPIENTS_FILE: a file of age public keys (`age -R`'s format), read and checked at start. */
  ageRecipientsFile: {
    accepts: 'a file of `age1…` public keys, one a line',
    parse(raw, name) {
      const path = raw.trim();
      let text: string;
      try {
        text = readSettingFile(path, RECIPIENTS_FILE_MAX_BYTES);
      } catch (error) {
        throw new ConfigError(`${name}: ${(error as Error).message}`);
      }
      try {
        return parseRecipients(text);
      } catch (error) {
        throw new ConfigError(`${name} (${path}): ${(error as Error).message}`);
      }
    },
  } satisfies Parser<string[]>,

  /** DATABASE_URL, checked by `databaseConnection` (which alone knows the rules and words its own messages); the URL trimmed. */
  connectionUrl: {
    accepts: '`postgresql://user:password@host:5432/database`',
    parse(raw) {
      try {
        databaseConnection({ DATABASE_URL: raw });
      } catch (error) {
        throw new ConfigError((error as Error).message, { cause: error });
      }
      return raw.trim();
    },
  } satisfies Parser<string>,
};

function quoted(word: string): string {
  return `\`${word}\``;
}
