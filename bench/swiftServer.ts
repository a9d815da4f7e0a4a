import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';

/** The S3 credentials of the throw-away server: tempauth's `test:tester`. */
export const SWIFT_ACCESS_KEY = 'test:tester';
export const SWIFT_SECRET = 'swift-test-secret-9f2c1d';

export interface SwiftServer {
  /** `http://127.0.0.1:<port>`: the proxy, with the `s3api` middleware (path-style, SigV4, region us-east-1). */
  endpoint: string;
  /** The environment a process needs to reach it with the AWS SDK's own variables (no bucket). */
  env: Record<string, string>;
  /** Stops the proxy only (the storage servers keep their data): the bucket is unreachable until `startProxy`. */
  stopProxy(): Promise<void>;
  startProxy(): Promise<void>;
  /** SIGSTOP / SIGCONT of the proxy: requests hang (a stuck server) until it is thawed. */
  freeze(): void;
  thaw(): void;
  /** The pids of its processes now (memcached, the account, container and object servers, the proxy). */
  pids(): number[];
  /** Stops every process by its pid and removes the folder. */
  stop(): Promise<void>;
}

export interface SwiftServerOptions {
  /**
   * Runs every process of the server at this `nice` level (0 by default). The offsite bench's way of
   * modelling a server on another machine, whose work does not compete with the backup for these cores.
   */
  nice?: number;
}

/**
 * A real S3-compatible server for a test suite or the offsite bench (one implementation, free of jest:
 * `test/support/swiftServer.ts` re-exports it): OpenStack Swift (Debian's packages) with its `s3api`
 * middleware, all in one throw-away folder on the loopback: memcached, the account, container and
 * object servers and the proxy, one process each (`workers = 0`), rings of one replica. Started as
 * the `swift` user when run as root (with `workers = 0` Swift never drops root itself); stopped by
 * the pids it started. Ready when a SigV4-signed ListBuckets answers (about 6 s).
 */
export async function startSwiftServer(options: SwiftServerOptions = {}): Promise<SwiftServer> {
  const folder = await mkdtemp(join(tmpdir(), 'notes-swift-'));
  const etc = join(folder, 'etc');
  const devices = join(folder, 'srv');
  mkdirSync(etc);
  mkdirSync(join(devices, 'd1'), { recursive: true });
  const [account, container, object, proxy, memcache, logPort] = (await distinctPorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  buildRings(etc, { account, container, object });

  const common = (port: number) =>
    [
      '[DEFAULT]',
      'bind_ip = 127.0.0.1',
      `bind_port = ${port}`,
      'workers = 0',
      `swift_dir = ${etc}`,
      `devices = ${devices}`,
      'mount_check = false',
      'disable_fallocate = true',
      'log_udp_host = 127.0.0.1',
      `log_udp_port = ${logPort}`,
      'log_level = WARNING',
      '',
    ].join('\n');
  const serverConf = (kind: string, port: number) =>
    `${common(port)}[pipeline:main]\npipeline = ${kind}-server\n\n[app:${kind}-server]\nuse = egg:swift#${kind}\n`;
  writeFileSync(join(etc, 'account-server.conf'), serverConf('account', account));
  writeFileSync(join(etc, 'container-server.conf'), serverConf('container', container));
  writeFileSync(join(etc, 'object-server.conf'), serverConf('object', object));
  const filters = ['catch_errors', 'gatekeeper', 'healthcheck', 'listing_formats', 'copy', 'slo', 'dlo', 'versioned_writes', 'symlink'];
  writeFileSync(
    join(etc, 'proxy-server.conf'),
    [
      common(proxy),
      '[pipeline:main]',
      'pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server',
      '',
      '[app:proxy-server]',
      'use = egg:swift#proxy',
      'account_autocreate = true',
      '',
      ...filters.flatMap((name) => [`[filter:${name}]`, `use = egg:swift#${name}`, '']),
      '[filter:proxy-logging]',
      'use = egg:swift#proxy_logging',
      '',
      '[filter:cache]',
      'use = egg:swift#memcache',
      `memcache_servers = 127.0.0.1:${memcache}`,
      '',
      '[filter:s3api]',
      'use = egg:swift#s3api',
      'location = us-east-1',
      '',
      '[filter:tempauth]',
      'use = egg:swift#tempauth',
      `user_test_tester = ${SWIFT_SECRET} .admin`,
      '',
    ].join('\n'),
  );

  const asRoot = userInfo().uid === 0;
  if (asRoot) execFileSync('chown', ['-R', 'swift:swift', folder]);
  else chownSync(folder, userInfo().uid, userInfo().gid);
  // `nice` and `setpriv` exec the command: each pid is the server's own.
  const niced = (command: string[]): string[] => (options.nice ? ['nice', '-n', String(options.nice), ...command] : command);
  const spawnEach = ([command, ...args]: string[]): ChildProcess => spawn(command!, args, { stdio: 'ignore' });
  const run = (command: string, args: string[]): ChildProcess =>
    spawnEach(niced(asRoot ? ['setpriv', '--reuid=swift', '--regid=swift', '--init-groups', command, ...args] : [command, ...args]));

  const processes: ChildProcess[] = [spawnEach(niced(['memcached', '-l', '127.0.0.1', '-p', String(memcache), '-U', '0', '-u', 'nobody']))];
  for (const kind of ['account', 'container', 'object']) processes.push(run(`swift-${kind}-server`, [join(etc, `${kind}-server.conf`)]));
  let proxyProcess = run('swift-proxy-server', [join(etc, 'proxy-server.conf')]);

  const endpoint = `http://127.0.0.1:${proxy}`;
  const env = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: SWIFT_ACCESS_KEY,
    AWS_SECRET_ACCESS_KEY: SWIFT_SECRET,
  };
  const stopProcess = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await ended;
    clearTimeout(timer);
  };
  // The SDK's notice that versions after January 2027 need Node 22 is for the maintainers, who pin it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const waitReady = async () => {
    const client = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: SWIFT_ACCESS_KEY, secretAccessKey: SWIFT_SECRET },
      maxAttempts: 1,
    });
    const deadline = Date.now() + 60_000;
    try {
      for (;;) {
        try {
          await client.send(new ListBucketsCommand({}));
          return;
        } catch (error) {
          const exited = [...processes, proxyProcess].find((child) => child.exitCode !== null);
          if (exited)
            throw new Error(`the Swift server did not start: ${exited.spawnfile} ${exited.spawnargs.join(' ')} exited ${exited.exitCode}`);
          if (Date.now() > deadline) throw new Error(`the Swift server did not answer within 60 s: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    } finally {
      client.destroy();
    }
  };
  const stop = async () => {
    await Promise.all([proxyProcess, ...processes].map(stopProcess));
    await rm(folder, { recursive: true, force: true });
  };
  try {
    await waitReady();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    env,
    stopProxy: () => stopProcess(proxyProcess),
    startProxy: async () => {
      proxyProcess = run('swift-proxy-server', [join(etc, 'proxy-server.conf')]);
      await waitReady();
    },
    freeze: () => proxyProcess.kill('SIGSTOP'),
    thaw: () => proxyProcess.kill('SIGCONT'),
    pids: () => [...processes, proxyProcess].flatMap((child) => (child.pid === undefined ? [] : [child.pid])),
    stop,
  };
}

/** `count` loopback ports, free now and all different. */
async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.add((server.address() as AddressInfo).port);
    await new Promise((resolve) => server.close(resolve));
  }
  return [...ports];
}

/** The three rings, one device and one replica each, in one python call (`swift-ring-builder` nine times takes ~16 s). */
function buildRings(etc: string, ports: Record<'account' | 'container' | 'object', number>): void {
  const script = [
    'import sys, json',
    'from swift.common.ring import RingBuilder',
    'etc, ports = sys.argv[1], json.loads(sys.argv[2])',
    'for name, port in ports.items():',
    '    builder = RingBuilder(8, 1, 1)',
    "    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port, 'device': 'd1', 'weight': 100, 'meta': ''})",
    '    builder.rebalance()',
    "    builder.get_ring().save(f'{etc}/{name}.ring.gz')",
  ].join('\n');
  // Debian's python: an earlier python on PATH (pyenv) cannot import swift.
  execFileSync('/usr/bin/python3', ['-c', script, etc, JSON.stringify(ports)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Whether Debian's Swift packages are installed (`.ci/run` installs them). */
export function swiftInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v swift-proxy-server && command -v memcached'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
