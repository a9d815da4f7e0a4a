import { warnIfIdentityInApi } from '../backup/encryption/warnIfIdentityInApi.js';
import { loadConfig } from '../config/loadConfig.js';
import { jsonLogger } from '../log/Logger.js';
import { once } from './once.js';
import { wireParts, type Parts } from './wireParts.js';

/**
 * The production parts of a Lambda container: the configuration from the environment (read and
 * validated on the first request; a BACKUP_IDENTITY_FILE in it is warned about), JSON logs to stderr
 * (or `LOG_FILE`), the native pg_dump.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv = process.env): Parts {
  const logger = jsonLogger();
  const config = once(() => {
    const loaded = loadConfig(env);
    warnIfIdentityInApi(env, logger);
    return loaded;
  });
  return wireParts({ config, logger, env });
}
