import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './ConfigError.js';
import { loadConfig } from './loadConfig.js';

describe('loadConfig', () => {
  it('defaults to the documented policy, pg_dump on PATH and api/backups in the project', () => {
    const config = loadConfig({});

    expect(config.policy).toEqual({
      keepLast: 5,
      keepWeeks: 4,
      keepMonths: 12,
      keepYears: 0,
      archiveMonths: 12,
      timeZone: 'UTC',
      clockToleranceMs: 300_000,
    });
    expect(config.pgDumpPath).toBe('pg_dump');
    expect(config.backupDir).toMatch(/\/api\/backups$/);
    expect(config.timeoutMs).toBe(900_000);
  });

  it('lets command-line settings win over the environment', () => {
    const config = loadConfig(
      { BACKUP_DIR: 'from-env', BACKUP_TZ: 'Europe/Berlin' },
      { backupDir: 'from-flag', timeZone: 'Asia/Tokyo', cwd: '/srv' },
    );

    expect([config.backupDir, config.policy.timeZone]).toEqual(['/srv/from-flag', 'Asia/Tokyo']);
  });

  it('reads every setting', () => {
    const config = loadConfig(
      {
        BACKUP_DIR: 'b',
        BACKUP_KEEP_LAST: '2',
        BACKUP_KEEP_WEEKS: '3',
        BACKUP_KEEP_MONTHS: '6',
        BACKUP_KEEP_YEARS: '10',
        BACKUP_ARCHIVE_MONTHS: '24',
        BACKUP_TZ: 'Europe/Berlin',
        PG_DUMP_PATH: '/usr/lib/postgresql/17/bin/pg_dump',
        BACKUP_TIMEOUT_MS: '60000',
        DATABASE_URL: 'postgresql://app:pw@db:5432/notes',
      },
      { cwd: '/srv' },
    );

    expect(config.backupDir).toBe('/srv/b');
    expect(config.policy).toEqual({
      keepLast: 2,
      keepWeeks: 3,
      keepMonths: 6,
      keepYears: 10,
      archiveMonths: 24,
      timeZone: 'Europe/Berlin',
      clockToleranceMs: 300_000,
    });
    expect(config.pgDumpPath).toBe('/usr/lib/postgresql/17/bin/pg_dump');
    expect(config.timeoutMs).toBe(60_000);
    expect(config.connection.description).toBe('postgresql://app:***@db:5432/notes');
    expect(config.connection.dumpArgs).toEqual(['--dbname=postgresql://app@db:5432/notes']);
    expect(config.connection.password).toBe('pw');
  });

  it.each([
    ['plain backups, whatever the level says', {}, undefined],
    ['plain backups, whatever the level says', { BACKUP_COMPRESS_LEVEL: '10' }, undefined],
    ['gzip at the default level', { BACKUP_COMPRESS: 'gzip' }, 6],
    ['gzip at the level given', { BACKUP_COMPRESS: ' gzip ', BACKUP_COMPRESS_LEVEL: '9' }, 9],
  ])('reads BACKUP_COMPRESS_LEVEL only with BACKUP_COMPRESS=gzip: %s (%j)', (_, env, gzipLevel) => {
    expect(loadConfig(env).gzipLevel).toBe(gzipLevel);
  });

  it.each([
    ['the default', undefined, 24 * 3_600_000],
    ['0: every backup a dump', '0', 0],
    ['seconds', '90s', 90_000],
    ['minutes', '30m', 1_800_000],
    ['hours, spaces around', ' 6h ', 6 * 3_600_000],
    ['days', '7d', 7 * 86_400_000],
  ])('reads BACKUP_FULL_EVERY: %s', (_, value, fullEveryMs) => {
    expect(loadConfig(value === undefined ? {} : { BACKUP_FULL_EVERY: value }).fullEveryMs).toBe(fullEveryMs);
  });

  it('reads a --tz or --dir flag in place of its variable, which is then not checked', () => {
    const config = loadConfig({ BACKUP_TZ: 'Berlin', BACKUP_DIR: 'from-env' }, { timeZone: 'Asia/Tokyo', backupDir: ' ', cwd: '/srv' });

    expect([config.policy.timeZone, config.backupDir]).toEqual(['Asia/Tokyo', '/srv/from-env']);
  });

  it.each([
    [{ BACKUP_KEEP_LAST: '-1' }, 'BACKUP_KEEP_LAST must be a whole number from 0 to 10000 (got "-1")'],
    [{ BACKUP_KEEP_WEEKS: '2.5' }, 'BACKUP_KEEP_WEEKS must be a whole number from 0 to 520 (got "2.5")'],
    [{ BACKUP_KEEP_MONTHS: 'twelve' }, 'BACKUP_KEEP_MONTHS must be a whole number from 0 to 1200 (got "twelve")'],
    [{ BACKUP_KEEP_YEARS: '101' }, 'BACKUP_KEEP_YEARS must be a whole number from 0 to 100 (got "101")'],
    [{ BACKUP_ARCHIVE_MONTHS: '0' }, 'BACKUP_ARCHIVE_MONTHS must be a whole number from 1 to 1200 (got "0")'],
    [{ BACKUP_TZ: 'Berlin' }, 'BACKUP_TZ must be an IANA time zone such as UTC or Europe/Berlin (got "Berlin")'],
    [{ BACKUP_CLOCK_TOLERANCE_MS: '999' }, 'BACKUP_CLOCK_TOLERANCE_MS must be a whole number from 1000 to 604800000 (got "999")'],
    [{ BACKUP_TIMEOUT_MS: ' 1e6 ' }, 'BACKUP_TIMEOUT_MS must be a whole number from 1000 to 86400000 (got "1e6")'],
    [{ BACKUP_LOCK_WAIT_TIMEOUT_MS: '0' }, 'BACKUP_LOCK_WAIT_TIMEOUT_MS must be a whole number from 1 to 3600000 (got "0")'],
    ...['24', '1.5h', '24 h', '-1h', '1w', '367d', '0h10m'].map((value): [NodeJS.ProcessEnv, string] => [
      { BACKUP_FULL_EVERY: value },
      `BACKUP_FULL_EVERY must be 0 or a duration such as 30m, 24h or 7d, at most 366d (got "${value.trim()}")`,
    ]),
    [{ BACKUP_COMPRESS: 'zstd' }, 'BACKUP_COMPRESS must be none or gzip (got "zstd")'],
    [{ BACKUP_COMPRESS: 'gzip', BACKUP_COMPRESS_LEVEL: '10' }, 'BACKUP_COMPRESS_LEVEL must be a whole number from 1 to 9 (got "10")'],
    [{ BACKUP_VERIFY: 'yes' }, 'BACKUP_VERIFY must be off or after-create (got "yes")'],
    [{ BACKUP_FILE_MODE: '0666' }, 'BACKUP_FILE_MODE must be an octal mode from 0600 to 0644 such as 0640 (got "0666")'],
    [{ BACKUP_KEEP_LST: '3' }, /^unknown setting BACKUP_KEEP_LST; known ones: BACKUP_DIR, /],
    [
      { DATABASE_URL: 'not a url with secret' },
      'DATABASE_URL is not a valid URL (expected postgresql://user:password@host:5432/database; percent-encode special characters',
    ],
    [{ DATABASE_URL: 'mysql://u:p@h/d' }, 'DATABASE_URL must start with postgresql:// (got mysql://)'],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
