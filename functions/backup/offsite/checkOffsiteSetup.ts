import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/ConfigError.js';
import { createS3Client } from './createS3Client.js';
import type { S3Location } from './S3Location.js';

/** What can be told about the offsite setup without asking the bucket: doubts to show, never a secret. */
export interface OffsiteSetup {
  /** Where copies go, e.g. `s3://my-backups/notes/`. */
  url: string;
  warnings: string[];
}

/**
 * Checks, offline (no request to the bucket), what `BACKUP_S3_URL`'s copies need from the AWS SDK's
 * variables of `env`: a region (`AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's in the shared config
 * file, as the SDK itself resolves it), else a ConfigError, since every copy would fail; and credentials
 * it can see (the key pair, a profile, a web identity or container role, a credentials file), else a
 * warning only: an instance role cannot be seen without asking the network, and is a fine way to run.
 */
export async function checkOffsiteSetup(location: S3Location, env: NodeJS.ProcessEnv = process.env): Promise<OffsiteSetup> {
  const url = `s3://${location.bucket}/${location.prefix}`;
  const given = (name: string) => Boolean(env[name]?.trim());
  const client = createS3Client(env);
  try {
    await client.config.region();
  } catch {
    throw new ConfigError(
      `BACKUP_S3_URL is ${url} but no AWS region is set: set AWS_REGION (us-east-1 for most S3-compatible servers) or a profile's region`,
    );
  } finally {
    client.destroy();
  }
  const warnings: string[] = [];
  const keyPair = [given('AWS_ACCESS_KEY_ID'), given('AWS_SECRET_ACCESS_KEY')];
  if (keyPair[0] !== keyPair[1]) {
    warnings.push(
      `${keyPair[0] ? 'AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY' : 'AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID'}: the AWS SDK ignores half a key pair`,
    );
  }
  const home = env.HOME?.trim() || homedir();
  const visible =
    keyPair.every(Boolean) ||
    ['AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'].some(
      given,
    ) ||
    existsSync(env.AWS_SHARED_CREDENTIALS_FILE?.trim() || join(home, '.aws', 'credentials')) ||
    existsSync(env.AWS_CONFIG_FILE?.trim() || join(home, '.aws', 'config'));
  if (!visible) {
    warnings.push(
      `no AWS credentials are set for ${url} (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials): copies work only if this machine has a role`,
    );
  }
  return { url, warnings };
}
