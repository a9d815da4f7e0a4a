import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../functions/config/loadConfig.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { migrate } from '../functions/db/migrate.js';
import type { Logger } from '../functions/log/Logger.js';
import { createGateway } from './createGateway.js';
import { invokeInProcess } from './invokeInProcess.js';
import { loadRoutes } from './loadRoutes.js';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the local API: validates the configuration, applies the migrations, reads the routes from
 * `template.yaml` and listens. Fails before listening when anything of that fails.
 */
export async function startGateway(options: { port: number; host: string; env: NodeJS.ProcessEnv; logger: Logger }): Promise<RunningGateway> {
  const config = loadConfig(options.env);
  await migrate(config.connection, options.logger);
  const routes = await loadRoutes(join(packageRoot(), 'template.yaml'));
  const server = createGateway({ routes, invoke: invokeInProcess(), logger: options.logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  options.logger.info('gateway.listening', {
    url,
    routes: routes.map((route) => `${route.method} ${route.path}`),
    database: config.connection.description,
    backupDir: config.backupDir,
  });
  return {
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
