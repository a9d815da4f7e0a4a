import { loadConfig } from '../config/loadConfig.js';
import { jsonLogger } from '../log/Logger.js';
import { once } from './once.js';
import { wireParts, type Parts } from './wireParts.js';

/**
 * The production parts of a Lambda container: the configuration from the environment (read and
 * validated on the first request), JSON logs to stderr (or `LOG_FILE`), the native pg_dump.
 */
export function fromEnvironment(env: NodeJS.ProcessEnv = process.env): Parts {
  return wireParts({ config: once(() => loadConfig(env)), logger: jsonLogger(), env });
}
