/** The uid and gid the functions run as (docker compose: NOTES_UID and NOTES_GID). */
export interface FunctionsUser {
  uid: number;
  gid: number;
}

/** What was found at the backup folder's path, as root sees it, and what the functions' user may do there. */
export interface FolderFacts {
  dir: string;
  kind: 'missing' | 'folder' | 'not-a-folder';
  ownerUid: number;
  ownerGid: number;
  /** Permission bits (0o777). */
  mode: number;
  /** How many names the folder holds (its archive/ included). */
  entries: number;
  /** The folder, and its archive/ when there is one, where the functions' user may not create and remove files. */
  notWritable: string[];
}

/** `leave`: nothing to do; `hand-over`: chown the folder itself (not what it holds) to the user, mode 0700; `refuse`: change nothing, fail. */
export interface FolderHandoverPlan {
  action: 'leave' | 'hand-over' | 'refuse';
  reason: string;
}

const octal = (mode: number) => (mode & 0o777).toString(8);
const owner = (facts: FolderFacts) => `owner ${facts.ownerUid}:${facts.ownerGid}, mode ${octal(facts.mode)}`;
const who = (user: FunctionsUser) => `${user.uid}:${user.gid}`;

/** The command or setting that lets the functions write a folder this step leaves alone; never NOTES_UID=0. */
function fixFor(facts: FolderFacts, user: FunctionsUser): string {
  const hostFolder = '<host folder> (NOTES_BACKUP_DIR, default api/backups)';
  if (facts.ownerUid === user.uid) return `let its owner write it: chmod u+rwx ${hostFolder}`;
  const chown = `give it and what it holds to ${who(user)} yourself: chown -R ${who(user)} ${hostFolder}`;
  if (facts.ownerUid === 0) return chown;
  return `run the functions as its owner (NOTES_UID=${facts.ownerUid} NOTES_GID=${facts.ownerGid}), or ${chown}`;
}

interface Rule {
  applies: (facts: FolderFacts, user: FunctionsUser) => boolean;
  action: FolderHandoverPlan['action'];
  reason: (facts: FolderFacts, user: FunctionsUser) => string;
}

/**
 * First match wins. A folder is handed over only when it is empty and root's: what rootful Docker
 * creates for a bind mount whose host folder is missing (a fresh clone), which no function could
 * ever write since the functions never run as root. A folder that holds anything, or that a user
 * owns, may hold someone's backups or be meant for someone: it is never chowned (nor what it holds);
 * the step fails instead and says which setting or command fixes it.
 */
const RULES: Rule[] = [
  {
    applies: (_, user) => user.uid === 0,
    action: 'refuse',
    reason: () => 'the functions never run as root: NOTES_UID must be an unprivileged uid (default 1000)',
  },
  {
    applies: (facts) => facts.kind === 'missing',
    action: 'refuse',
    reason: (facts) => `the backup folder ${facts.dir} does not exist; is the volume mounted?`,
  },
  {
    applies: (facts) => facts.kind === 'not-a-folder',
    action: 'refuse',
    reason: (facts) => `the backup folder ${facts.dir} is not a folder`,
  },
  {
    applies: (facts) => facts.notWritable.length === 0,
    action: 'leave',
    reason: (facts, user) => `${facts.dir} is writable by ${who(user)} (${owner(facts)}): left as it is`,
  },
  {
    applies: (facts) => facts.entries === 0 && facts.ownerUid === 0,
    action: 'hand-over',
    reason: (facts, user) => `${facts.dir} was empty and root's (${owner(facts)}): handed to ${who(user)}, mode 700`,
  },
  {
    applies: () => true,
    action: 'refuse',
    reason: (facts, user) =>
      `${facts.notWritable.join(' and ')} ${facts.notWritable.length > 1 ? 'are' : 'is'} not writable by ${who(user)} ` +
      `(${owner(facts)}${facts.entries > 0 ? `, ${facts.entries} ${facts.entries === 1 ? 'entry' : 'entries'} inside` : ''}) and left as it is: ${fixFor(facts, user)}`,
  },
];

/** Decides, without touching anything, whether the backup folder is left, handed to the functions' user, or refused, and why. */
export function planFolderHandover(facts: FolderFacts, user: FunctionsUser): FolderHandoverPlan {
  const rule = RULES.find((candidate) => candidate.applies(facts, user))!;
  return { action: rule.action, reason: rule.reason(facts, user) };
}
