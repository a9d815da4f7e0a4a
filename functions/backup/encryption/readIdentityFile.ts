import { close as closeFd, constants, fstat, open as openFd, read as readFd, type Stats } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { identityToRecipient } from 'age-encryption';
import { DecryptionError } from './DecryptionError.js';

/** The identities (private keys) of one identity file: what `restore`/`verify --identity` decrypt with. */
export interface AgeIdentity {
  /** The file they came from, for messages (its contents are never shown). */
  file: string;
  /** `AGE-SECRET-KEY-1…` (X25519) and `AGE-SECRET-KEY-PQ-1…` (post-quantum hybrid) keys. */
  keys: string[];
  /** Their public keys (`age1…`), in the same order. */
  recipients: string[];
}

const MAX_BYTES = 1024 * 1024;

/** Where the identity file's path came from, named in the messages. */
export type IdentitySource = '--identity' | 'BACKUP_IDENTITY_FILE';

export interface ReadIdentityOptions {
  /** The setting the path came from (its messages name it): `--identity` by default. */
  from?: IdentitySource;
  /** How long a FIFO may stay silent before it is given up on (a named FIFO nobody writes into). */
  pipeWaitMs?: number;
}

/**
 * Reads an age identity file as `age-keygen` writes it: one key a line, `#` comments and blank lines
 * ignored (the format `age -i` reads). Anything else is refused naming the line, never showing it:
 * a public key given by mistake, an armored or passphrase-protected file, a plugin identity; a key
 * given in place of the file's path is refused without being repeated or looked up as a file.
 * A regular file or a FIFO (`--identity <(pass show backup-key)`) is read, at most 1 MiB of it; a
 * directory or a device (`/dev/zero`) is refused before anything is read, and a FIFO nobody writes
 * into is given up on after `pipeWaitMs` instead of waiting for ever.
 */
export async function readIdentityFile(file: string, options: ReadIdentityOptions = {}): Promise<AgeIdentity> {
  const from = options.from ?? '--identity';
  if (/^\s*AGE-(SECRET-KEY|PLUGIN)-/i.test(file)) {
    throw new DecryptionError(
      'IDENTITY_INVALID',
      `${from} takes the path of an identity file, not the key itself: save the key in a file (age-keygen -o <file> writes one) and give its path`,
    );
  }
  if (/^\s*age1[0-9a-z]+\s*$/i.test(file)) {
    throw new DecryptionError(
      'IDENTITY_INVALID',
      `${from} takes an identity file, not a public key (age1…): give the file age-keygen -o wrote, whose AGE-SECRET-KEY-1… line opens the backups`,
    );
  }
  const named = from === '--identity' ? file : `${file} (BACKUP_IDENTITY_FILE)`;
  const text = (await readBounded(file, named, options.pipeWaitMs ?? 10_000)).toString('utf8');

  const keys: string[] = [];
  const recipients: string[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `line ${index + 1}`;
    if (line.startsWith('age1')) {
      throw invalid(named, `${where} is a public key (a recipient): the identity is the AGE-SECRET-KEY-1… line age-keygen wrote`);
    }
    if (line.startsWith('-----BEGIN')) throw invalid(named, 'it is armored or passphrase-protected: decrypt it with age first');
    if (line.startsWith('AGE-PLUGIN-')) throw invalid(named, `${where} is a plugin identity: decrypt with the age CLI and its plugin`);
    if (!/^AGE-SECRET-KEY-(PQ-)?1[0-9A-Z]+$/.test(line)) throw invalid(named, `${where} is not an AGE-SECRET-KEY-1… identity`);
    try {
      recipients.push(await identityToRecipient(line));
    } catch {
      throw invalid(named, `${where} is not a valid age identity (its checksum or length is wrong)`);
    }
    keys.push(line);
  }
  if (keys.length === 0) throw invalid(named, 'it holds no AGE-SECRET-KEY-1… identity');
  return { file, keys, recipients };
}

async function readBounded(file: string, named: string, pipeWaitMs: number): Promise<Buffer> {
  const cannotRead = (error: unknown) =>
    error instanceof DecryptionError ? error : new DecryptionError('IDENTITY_INVALID', unreadable(named, error as NodeJS.ErrnoException));
  let fd: number;
  try {
    fd = await promisify(openFd)(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw cannotRead(error);
  }
  // A FIFO's descriptor is the socket's to close; any other is closed here.
  let owned = true;
  try {
    const stats = await promisify(fstat)(fd);
    if (stats.isFIFO()) {
      owned = false;
      return await readPipe(named, fd, pipeWaitMs);
    }
    if (stats.isDirectory()) throw new DecryptionError('IDENTITY_INVALID', `${named} is a folder, not an age identity file`);
    if (!stats.isFile()) throw invalid(named, `it is ${kindOf(stats)}, not a file`);
    if (stats.size > MAX_BYTES) throw invalid(named, `it is ${stats.size} bytes, more than any identity file`);
    // Read to the bound, not to the size: a file that grows meanwhile is still cut off there.
    const buffer = Buffer.alloc(MAX_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      ({ bytesRead: n } = await promisify(readFd)(fd, buffer, length, buffer.length - length, null));
    }
    if (length > MAX_BYTES) throw tooLong(named);
    return buffer.subarray(0, length);
  } catch (error) {
    throw cannotRead(error);
  } finally {
    if (owned) await promisify(closeFd)(fd).catch(() => undefined);
  }
}

/** A FIFO's bytes until its writer closes it; refused past MAX_BYTES, or when nothing arrives within `waitMs`. */
async function readPipe(file: string, fd: number, waitMs: number): Promise<Buffer> {
  const socket = new Socket({ fd, readable: true, writable: false });
  const parts: Buffer[] = [];
  let length = 0;
  return new Promise<Buffer>((resolve, reject) => {
    const fail = (error: DecryptionError) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(invalid(file, `it is a FIFO and nothing was written into it within ${waitMs / 1000} s`)), waitMs);
    socket.on('data', (chunk: Buffer) => {
      clearTimeout(timer);
      length += chunk.length;
      if (length > MAX_BYTES) return fail(tooLong(file));
      parts.push(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => fail(invalid(file, `it cannot be read (${error.code ?? error.message})`)));
    socket.on('end', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(parts));
    });
  });
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLong(file: string): DecryptionError {
  return invalid(file, `it is longer than ${MAX_BYTES} bytes, more than any identity file`);
}

function unreadable(named: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT' && named.startsWith('~')) return `${named}: no such file; ~ is not expanded here: give the full path`;
  if (error.code === 'ENOENT') return `${named}: no such file; give the age identity file (age-keygen -o <file> writes one)`;
  if (error.code === 'EISDIR') return `${named} is a folder, not an age identity file`;
  if (error.code === 'EACCES') return `${named} cannot be read: permission denied (run as the user who owns it)`;
  return `${named} cannot be read (${error.code ?? error.message})`;
}

function invalid(file: string, why: string): DecryptionError {
  return new DecryptionError('IDENTITY_INVALID', `${file} is not an age identity file: ${why}`);
}
