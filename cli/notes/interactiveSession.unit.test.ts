import { describe, expect, it } from '@jest/globals';
import { EventEmitter, once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { waitUntil } from '../../test/support/waitUntil.js';
import { ApiClient } from './ApiClient.js';
import { interactiveSession } from './interactiveSession.js';
import { Output } from './Output.js';

/** One request of the session's ApiClient to the stand-in API: answered at once, or when the test says. */
interface Exchange {
  method: string;
  path: string;
  body: { title?: string } | undefined;
  /** 1 for the first request of this method and path (the query aside), 2 for the second… */
  nth: number;
  /** The caller stopped waiting (fetch rejected with the abort's reason, as the real one does). */
  aborted: boolean;
  answer(status: number, body: unknown): void;
}

type Respond = (exchange: Exchange) => { status: number; body: unknown } | undefined;

const FILE = 'notes_2026-11-26T20-00-00.000Z.sql';
const BACKUP = {
  backup: { file: FILE, bytes: 2048, durationMs: 250 },
  rotation: { kept: [{ file: FILE, reasons: ['newest 5'] }], archived: [], deleted: [] },
};
const BACKED_UP = `Backed up ${FILE} (2.0 kB in 0.3 s); rotation: 1 kept, 0 archived, 0 deleted`;
const note = (id: number, title: string) => ({
  note: { id, title, folderId: null, folder: null, status: 'open', tags: [], updatedAt: '2026-11-26T20:00:00.000Z' },
});

/** What the notes API answers when nothing is held back: a note for each add, a backup for each backup. */
const answerAll: Respond = (exchange) => {
  if (exchange.method === 'POST' && exchange.path.startsWith('/db-backup')) return { status: 201, body: BACKUP };
  if (exchange.method === 'POST' && exchange.path === '/notes') return { status: 201, body: note(7, exchange.body?.title ?? '') };
  return { status: 404, body: { error: { code: 'NOT_FOUND', message: `no route for ${exchange.path}` } } };
};
/** Holds back the answers to the requests `held` picks, for the test to give; answers the rest. */
const holding =
  (held: (exchange: Exchange) => boolean): Respond =>
  (exchange) =>
    held(exchange) ? undefined : answerAll(exchange);

/**
 * The interactive session with its edges in the test's hands: typed input through a stream (a pipe,
 * or a terminal when `tty`), signals through an EventEmitter, its own clock, and a stand-in API (the
 * real one needs PostgreSQL: the session's real ApiClient talks to a recording fetch in this process).
 */
function startSession(options: { tty?: boolean; backupOnExit?: boolean; respond?: Respond; cancelBackup?: () => void } = {}) {
  const respond = options.respond ?? answerAll;
  const exchanges: Exchange[] = [];
  const fetch = ((url: string, init: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const { pathname, search } = new URL(url);
      const method = init.method ?? 'GET';
      const exchange: Exchange = {
        method,
        path: `${pathname}${search}`,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
        nth: exchanges.filter((earlier) => earlier.method === method && earlier.path.split('?')[0] === pathname).length + 1,
        aborted: false,
        answer: (status, body) => resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })),
      };
      init.signal?.addEventListener('abort', () => {
        exchange.aborted = true;
        reject(init.signal!.reason);
      });
      exchanges.push(exchange);
      const answer = respond(exchange);
      if (answer) exchange.answer(answer.status, answer.body);
    })) as typeof globalThis.fetch;
  const written = { out: '', err: '' };
  const sink = (stream: 'out' | 'err') =>
    new Writable({
      write(chunk, _encoding, done) {
        written[stream] += chunk;
        done();
      },
    });
  const input = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const signals = new EventEmitter();
  let clockMs = 0;
  const context = {
    api: new ApiClient({ baseUrl: 'http://notes.test', fetch }),
    output: new Output(sink('out'), sink('err'), { NO_COLOR: '1' }),
    backupTimeoutMs: 10_000,
  };
  const done = interactiveSession(context, {
    input,
    backupOnExit: options.backupOnExit ?? true,
    signals,
    cancelBackup: options.cancelBackup,
    now: () => clockMs,
  });
  const backups = () => exchanges.filter((exchange) => exchange.method === 'POST' && exchange.path.startsWith('/db-backup'));
  return {
    done,
    type: (text: string) => input.write(text),
    endInput: async () => {
      input.end();
      await once(input, 'end');
    },
    signal: (name: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => signals.emit(name),
    /** Moves the session's clock on. */
    later: (ms: number) => (clockMs += ms),
    signals,
    exchanges,
    backups,
    /** The requests in the order they were made: `POST /notes Milk`, `POST /db-backup`. */
    requests: () =>
      exchanges.map(({ method, path, body }) => `${method} ${path.replace(/\?.*/, '')}${body?.title ? ` ${body.title}` : ''}`),
    backupAsked: (count = 1) => waitUntil(() => backups().length >= count, `backup request ${count} reached the API`),
    stdout: () => written.out,
    stderr: () => written.err,
    lines: (stream: 'out' | 'err') => written[stream].split('\n').filter(Boolean),
  };
}

type Session = ReturnType<typeof startSession>;

describe('the interactive session (typed input from a stream, signals from an emitter, a stand-in API)', () => {
  it.each<[string, { tty?: boolean }, (session: Session) => unknown]>([
    ['typing exit', {}, (session) => session.type('exit\n')],
    ['typing quit', {}, (session) => session.type('  quit  \n')],
    ['the end of its input (a pipe closed)', {}, (session) => session.endInput()],
    ['Ctrl-D on a terminal', { tty: true }, (session) => session.type('\x04')],
    ['Ctrl-C on a terminal', { tty: true }, (session) => session.type('\x03')],
    ['SIGINT', {}, (session) => session.signal('SIGINT')],
    ['SIGTERM', {}, (session) => session.signal('SIGTERM')],
    ['SIGHUP (the terminal closed)', {}, (session) => session.signal('SIGHUP')],
  ])('leaves on %s: takes the backup exactly once, prints its line, stops listening for signals', async (_how, options, leave) => {
    const session = startSession(options);

    await leave(session);
    await session.done;
    session.signal('SIGTERM');
    session.type('exit\n');

    expect(session.requests()).toEqual(['POST /db-backup']);
    expect(session.backups()[0]!.path).toBe('/db-backup?wait=5');
    expect(session.lines('out').filter((line) => line.startsWith('Backed up'))).toEqual([BACKED_UP]);
    expect(session.stderr()).toContain('Backing up the database (http://notes.test, up to 10 s)…');
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) expect(session.signals.listenerCount(name)).toBe(0);
  });

  it.each([
    [
      'a terminal with one line: where it is, how to leave, that leaving backs up',
      true,
      true,
      'notes · http://notes.test · type help for the commands, exit to leave (a backup is taken when you leave)',
    ],
    [
      'a terminal under --no-backup without the backup promise',
      true,
      false,
      'notes · http://notes.test · type help for the commands, exit to leave',
    ],
    ['nobody on a pipe (its output is for programs)', false, true, undefined],
  ])('greets %s', async (_what, tty, backupOnExit, greeting) => {
    const session = startSession({ tty, backupOnExit });

    session.type('exit\n');
    await session.done;

    expect(session.lines('out')[0]).toBe(greeting ?? BACKED_UP);
  });

  it('leaves without a backup under --no-backup, and says so', async () => {
    const session = startSession({ backupOnExit: false });

    session.type('add Milk\nexit\n');
    await session.done;

    expect(session.requests()).toEqual(['POST /notes Milk']);
    expect(session.lines('err')).toEqual(['Leaving without a backup (--no-backup).']);
  });

  // `add Milk` waits on the API (its answer held back) with `add Eggs` typed behind it.
  it.each<[string, (session: Session) => Promise<unknown>, string[]]>([
    [
      'the end of input lets the commands typed before it finish, then backs up',
      async (session) => {
        await session.endInput();
        session.exchanges[0]!.answer(201, note(1, 'Milk'));
      },
      ['POST /notes Milk', 'POST /notes Eggs', 'POST /db-backup'],
    ],
    [
      'a signal stops waiting for them: the backup follows at once, the commands behind it are dropped',
      async (session) => {
        session.signal('SIGTERM');
        await session.backupAsked();
        session.exchanges[0]!.answer(201, note(1, 'Milk'));
      },
      ['POST /notes Milk', 'POST /db-backup'],
    ],
    [
      'a signal after the end of input stops waiting for them too',
      async (session) => {
        await session.endInput();
        session.signal('SIGHUP');
        await session.backupAsked();
        session.exchanges[0]!.answer(201, note(1, 'Milk'));
      },
      ['POST /notes Milk', 'POST /db-backup'],
    ],
  ])('with a command still waiting on the API: %s', async (_what, leave, requests) => {
    const session = startSession({ respond: holding((exchange) => exchange.path === '/notes' && exchange.nth === 1) });
    session.type('add Milk\nadd Eggs\n');
    await waitUntil(() => session.exchanges.length === 1, 'the first add reached the API');

    await leave(session);
    await session.done;

    expect(session.requests()).toEqual(requests);
  });

  it('drops the commands typed after exit', async () => {
    const session = startSession();

    session.type('add Milk\nexit\nadd Eggs\n');
    await session.done;

    expect(session.requests()).toEqual(['POST /notes Milk', 'POST /db-backup']);
    expect(session.lines('out')).toEqual(['added note 7', BACKED_UP]);
  });

  it('answers help with the commands, a line it cannot run with one error line, and goes on', async () => {
    const session = startSession();

    session.type('help\nfrobnicate now\nadd\n\nadd Milk\n');
    await session.endInput();
    await session.done;

    expect(session.stdout()).toMatch(/^Commands:\n {2}folders +list the folder tree\n/);
    expect(session.lines('err').filter((line) => line.startsWith('error:'))).toEqual([
      'error: unknown command "frobnicate"; help lists the commands',
      'error: usage: add <title> [--body <text>] [--folder <path>] [--json]',
    ]);
    expect(session.requests()).toEqual(['POST /notes Milk', 'POST /db-backup']);
  });

  it.each([
    ['exit now', 'error: exit takes no arguments'],
    ['quit --json', 'error: quit does not take --json; usage: quit'],
    ['Exit', 'error: unknown command "Exit"; did you mean exit? (help lists the commands)'],
    ['QUIT', 'error: unknown command "QUIT"; did you mean quit? (help lists the commands)'],
    ['"exit"', 'error: exit and quit leave the interactive app: type exit alone at its notes> prompt'],
  ])('does not leave on %j: one error line, the commands after it run, and exit still leaves', async (line, error) => {
    const session = startSession();

    session.type(`${line}\nadd Milk\n`);
    await waitUntil(() => session.stdout().includes('added note 7'), 'the note added after the refused line');
    session.type('exit\n');
    await session.done;

    expect(session.lines('err').filter((line) => line.startsWith('error:'))).toEqual([error]);
    expect(session.requests()).toEqual(['POST /notes Milk', 'POST /db-backup']);
  });

  // The prompt itself is drawn only when stderr is a terminal too: its return is checked in a real one (helpInTerminal.test.ts).
  it('says Ctrl-Z (suspend) is not supported on a terminal, keeps the line typed so far, and goes on', async () => {
    const session = startSession({ tty: true });
    session.type('add Mi');

    session.type('\x1a');
    await waitUntil(() => session.stderr().includes('Ctrl-Z'), 'the message');
    session.type('lk\r');
    await waitUntil(() => session.stdout().includes('added note 7'), 'the note added after Ctrl-Z');
    session.type('\x04');
    await session.done;

    expect(session.lines('err')[0]).toBe('error: Ctrl-Z (suspend) is not supported here; leave with exit (your notes are backed up then)');
    expect(session.requests()).toEqual(['POST /notes Milk', 'POST /db-backup']);
  });

  // The exit backup's answer is held back; a second signal comes `laterMs` after the first.
  it.each<[string, 'waits for it' | 'stops waiting for it', 'SIGINT' | 'SIGTERM', number, 'SIGINT' | 'SIGTERM']>([
    ['the same Ctrl-C delivered twice (npm forwards it)', 'waits for it', 'SIGINT', 100, 'SIGINT'],
    ['a second Ctrl-C', 'stops waiting for it', 'SIGINT', 600, 'SIGINT'],
    ['a Ctrl-C after SIGTERM', 'stops waiting for it', 'SIGTERM', 600, 'SIGINT'],
    ['a Ctrl-C in the same burst as SIGTERM', 'waits for it', 'SIGTERM', 100, 'SIGINT'],
    ['a second SIGTERM', 'waits for it', 'SIGTERM', 600, 'SIGTERM'],
  ])('during the exit backup, on %s the session %s', async (_what, outcome, first, laterMs, second) => {
    const session = startSession({ respond: holding((exchange) => exchange.path.startsWith('/db-backup')) });
    session.signal(first);
    await session.backupAsked();

    session.later(laterMs);
    session.signal(second);
    if (outcome === 'waits for it') session.backups()[0]!.answer(201, BACKUP);
    await session.done;

    expect(session.backups()).toHaveLength(1);
    expect(session.backups()[0]!.aborted).toBe(outcome === 'stops waiting for it');
    expect(session.lines('out')).toEqual(outcome === 'waits for it' ? [BACKED_UP] : []);
    expect(session.lines('err').slice(1)).toEqual(
      outcome === 'waits for it' ? [] : ['warning: stopped waiting for the backup; the API may still finish it'],
    );
  });

  it('cancels the exit backup itself on a second Ctrl-C where it can (npm start), and reports the API answer', async () => {
    let cancelled = 0;
    const session = startSession({
      respond: holding((exchange) => exchange.path.startsWith('/db-backup')),
      cancelBackup: () => {
        cancelled += 1;
        session
          .backups()[0]!
          .answer(503, { error: { code: 'BACKUP_CANCELLED', message: 'the backup was cancelled: the API is stopping' } });
      },
    });
    session.signal('SIGINT');
    await session.backupAsked();

    session.later(600);
    session.signal('SIGINT');
    await session.done;

    expect(cancelled).toBe(1);
    expect(session.backups()[0]!.aborted).toBe(false);
    expect(session.lines('err').slice(1)).toEqual([
      'warning: no backup was taken: the backup was cancelled: the API is stopping; nothing half-written is left',
    ]);
  });

  it.each([
    ['written: no second one', 201, BACKUP, ['POST /db-backup']],
    [
      'refused (503): one more',
      503,
      { error: { code: 'DATABASE_UNAVAILABLE', message: 'the database is down' } },
      ['POST /db-backup', 'POST /db-backup'],
    ],
  ])('counts a backup command under way when the user leaves as the exit backup if it is %s', async (_what, status, body, requests) => {
    const session = startSession({ respond: holding((exchange) => exchange.path.startsWith('/db-backup') && exchange.nth === 1) });
    session.type('backup\n');
    await session.backupAsked();

    session.signal('SIGTERM');
    session.backups()[0]!.answer(status, body);
    await session.done;

    expect(session.requests()).toEqual(requests);
    expect(session.lines('out')).toEqual([BACKED_UP]);
  });
});
