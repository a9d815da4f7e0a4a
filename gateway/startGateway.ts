import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../functions/config/loadConfig.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { migrate } from '../functions/db/migrate.js';
import type { Logger } from '../functions/log/Logger.js';
import { createGateway } from './createGateway.js';
import { invokeInProcess } from './invokeInProcess.js';
import { lambdaEndpoints } from './lambdaEndpoints.js';
import { loadRoutes } from './loadRoutes.js';

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the local API: reads the routes from `template.yaml`, then either invokes the functions in
 * their Lambda containers (`LAMBDA_ENDPOINT(S)` set) or in this process, after validating the
 * configuration and applying the migrations. Fails before listening when anything of that fails.
 */
export async function startGateway(options: { port: number; host: string; env: NodeJS.ProcessEnv; logger: Logger }): Promise<RunningGateway> {
  const routes = await loadRoutes(join(packageRoot(), 'template.yaml'));
  const endpoints = lambdaEndpoints(options.env);
  let invoke;
  let mode: Record<string, unknown>;
  if (endpoints.size > 0) {
    const missing = routes.filter((route) => !endpoints.has(route.functionName) && !endpoints.has('*'));
    if (missing.length > 0) throw new Error(`no Lambda endpoint for ${[...new Set(missing.map((r) => r.functionName))].join(', ')} (LAMBDA_ENDPOINTS)`);
    // The AWS SDK is loaded only in this mode: in-process serving stays light.
    const { invokeLambda } = await import('./invokeLambda.js');
    invoke = invokeLambda(endpoints);
    mode = { mode: 'lambda-invoke', endpoints: Object.fromEntries(endpoints) };
  } else {
    const config = loadConfig(options.env);
    await migrate(config.connection, options.logger);
    invoke = invokeInProcess();
    mode = { mode: 'in-process', database: config.connection.description, backupDir: config.backupDir };
  }
  const server = createGateway({ routes, invoke, logger: options.logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  options.logger.info('gateway.listening', {
    url,
    routes: routes.map((route) => `${route.method} ${route.path}`),
    ...mode,
  });
  return {
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
