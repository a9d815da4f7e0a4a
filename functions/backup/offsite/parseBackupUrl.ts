import { ConfigError } from '../../config/ConfigError.js';
import { parseBackupFileName } from '../retention/backupFileName.js';
import { ARCHIVE } from './BackupBucket.js';
import { parseS3Url, type S3Location } from './S3Location.js';

/** One backup object named by its URL: the prefix it belongs to (where its record is), its file name and its place. */
export interface BackupObject {
  location: S3Location;
  file: string;
  place: 'folder' | 'archive';
}

/**
 * Reads `s3://bucket/<prefix><file>` or `s3://bucket/<prefix>archive/<file>`, as `list --remote` prints
 * them. The prefix is the key's folder (without its `archive/`): the backup's record is then
 * `<prefix>records/<file>.json`. Refuses anything else with a ConfigError naming the URL.
 */
export function parseBackupUrl(raw: string): BackupObject {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(raw.trim());
  const slash = match?.[2]?.lastIndexOf('/') ?? -1;
  const file = match?.[2]?.slice(slash + 1) ?? '';
  if (!match || !parseBackupFileName(file)) {
    throw new ConfigError(
      `"${raw.slice(0, 200)}" is not the URL of a backup: expected s3://<bucket>/<prefix><database>_<instant>.sql[.gz][.age], as list --remote prints it`,
    );
  }
  const folder = match[2]!.slice(0, slash + 1);
  const place = folder === ARCHIVE || folder.endsWith(`/${ARCHIVE}`) ? 'archive' : 'folder';
  const prefix = place === 'archive' ? folder.slice(0, -ARCHIVE.length) : folder;
  return { location: parseS3Url(`s3://${match[1]}/${prefix}`, 'the backup URL'), file, place };
}
