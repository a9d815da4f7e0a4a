import type { CommandContext } from '../Command.js';
import { CommandError } from '../CommandError.js';
import { takeBackup } from '../takeBackup.js';

/** Takes a backup now and prints its line; throws a CommandError saying why when none was written. */
export async function backUpNow(context: CommandContext): Promise<void> {
  const underWay = takeBackup(context.api, context.output, { timeoutMs: context.backupTimeoutMs });
  context.backupUnderWay = underWay;
  const outcome = await underWay.finally(() => {
    if (context.backupUnderWay === underWay) context.backupUnderWay = undefined;
  });
  if (!outcome.written) throw new CommandError(outcome.warning);
  context.output.print(outcome.line);
  if (outcome.warning) context.output.warn(outcome.warning);
}
