import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DumpSource } from '../functions/backup/dump/DumpSource.js';
import { checkOffsiteSetup } from '../functions/backup/offsite/checkOffsiteSetup.js';
import { warnIfIdentityInApi } from '../functions/backup/encryption/warnIfIdentityInApi.js';
import { loadConfig } from '../functions/config/loadConfig.js';
import { packageRoot } from '../functions/config/packageRoot.js';
import { migrate } from '../functions/db/migrate.js';
import type { Logger } from '../functions/log/Logger.js';
import { createGateway } from './createGateway.js';
import { inProcessHandlers } from './inProcessHandlers.js';
import { invokeInProcess, type Invoke } from './invokeInProcess.js';
import { wireParts } from '../functions/wiring/wireParts.js';
import { lambdaEndpoints } from './lambdaEndpoints.js';
import { loadRoutes } from './loadRoutes.js';

export interface GatewayStartOptions {
  port: number;
  host: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** In-process mode: how the database is dumped (`npm start`'s embedded database); the native pg_dump when absent. */
  dumpSource?: DumpSource;
  /** In-process mode: aborting it cancels a backup under way cleanly (see `close`). */
  shutdown?: AbortSignal;
}

/** How long closing waits for the requests under way, and then for the database connections. */
const CLOSE_GRACE_MS = 10_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export interface RunningGateway {
  url: string;
  /** In-process mode with BACKUP_S3_URL: where backups are also copied, and doubts about its setup (e.g. no credentials seen). */
  offsite?: { url: string; warnings: string[] };
  /** Stops accepting requests; resolves once every request under way has been answered, or after 10 s. */
  close(): Promise<void>;
}

/**
 * Starts the local API: reads the routes from `template.yaml`, then either invokes the functions in
 * their Lambda containers (`LAMBDA_ENDPOINT(S)` set) or in this process, after validating the
 * configuration (and, with BACKUP_S3_URL, that a region is set) and applying the migrations. Fails
 * before listening when anything of that fails.
 */
export async function startGateway(options: GatewayStartOptions): Promise<RunningGateway> {
  const routes = await loadRoutes(join(packageRoot(), 'template.yaml'));
  const endpoints = lambdaEndpoints(options.env);
  let invoke: Invoke;
  let mode: Record<string, unknown>;
  let closeParts: () => Promise<void> = async () => {};
  let offsite: RunningGateway['offsite'];
  if (endpoints.size > 0) {
    const missing = routes.filter((route) => !endpoints.has(route.functionName) && !endpoints.has('*'));
    if (missing.length > 0)
      throw new Error(`no Lambda endpoint for ${[...new Set(missing.map((r) => r.functionName))].join(', ')} (LAMBDA_ENDPOINTS)`);
    // The AWS SDK is loaded only in this mode: in-process serving stays light.
    const { invokeLambda } = await import('./invokeLambda.js');
    invoke = invokeLambda(endpoints);
    mode = { mode: 'lambda-invoke', endpoints: Object.fromEntries(endpoints) };
  } else {
    const config = loadConfig(options.env);
    // What can be checked of the offsite copies without the bucket is checked now, not at the first copy.
    if (config.offsite) offsite = await checkOffsiteSetup(config.offsite, options.env);
    for (const warning of offsite?.warnings ?? []) options.logger.warn('offsite.setup', { warning });
    warnIfIdentityInApi(options.env, options.logger);
    await migrate(config.connection, options.logger);
    const parts = wireParts({ config: () => config, logger: options.logger, dumpSource: options.dumpSource, shutdown: options.shutdown });
    const handlers = inProcessHandlers(parts);
    const unserved = routes.filter((route) => !handlers.has(route.functionName));
    if (unserved.length > 0) throw new Error(`no handler in this process for ${unserved.map((r) => r.functionName).join(', ')}`);
    invoke = invokeInProcess(handlers);
    closeParts = parts.close;
    mode = {
      mode: 'in-process',
      database: config.connection.description,
      backupDir: config.backupDir,
      ...(config.encryptTo ? { encryptedFor: config.encryptTo.length } : {}),
    };
  }
  // Requests under way are tracked so that closing waits for them, also when their client has gone.
  const underWay = new Set<Promise<unknown>>();
  const tracked: Invoke = (route, event) => {
    const invocation = invoke(route, event);
    underWay.add(invocation);
    void invocation.then(
      () => underWay.delete(invocation),
      () => underWay.delete(invocation),
    );
    return invocation;
  };
  const server = createGateway({ routes, invoke: tracked, logger: options.logger });
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
    ...(offsite ? { offsite } : {}),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Requests under way get a while to finish (a cancelled backup answers at once); one stuck on a
      // locked table must not keep the process from ending.
      await Promise.race([Promise.allSettled([...underWay]), delay(CLOSE_GRACE_MS)]);
      server.closeAllConnections();
      await closed;
      await Promise.race([closeParts(), delay(CLOSE_GRACE_MS)]);
    },
  };
}
