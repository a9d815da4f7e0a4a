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
    [{ BACKUP_KEEP_LAST: '-1' }, 'BACKUP_KEEP_LAST must be a whole number from 0 to 10000 (got "-1")'],
    [{ BACKUP_KEEP_WEEKS: '2.5' }, 'BACKUP_KEEP_WEEKS must be a whole number from 0 to 520 (got "2.5")'],
    [{ BACKUP_KEEP_MONTHS: 'twelve' }, 'BACKUP_KEEP_MONTHS must be a whole number from 0 to 1200 (got "twelve")'],
    [{ BACKUP_ARCHIVE_MONTHS: '0' }, 'BACKUP_ARCHIVE_MONTHS must be a whole number from 1 to 1200 (got "0")'],
    [{ BACKUP_TZ: 'Berlin' }, 'BACKUP_TZ must be an IANA time zone such as UTC or Europe/Berlin (got "Berlin")'],
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
