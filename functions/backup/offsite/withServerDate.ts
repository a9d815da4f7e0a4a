import type { ListObjectsV2Command } from '@aws-sdk/client-s3';

/**
 * Adds to a listing request a step that hands the `Date` of the server's answer to `onDate` (the
 * bucket's clock, to the second), and returns the request. Reads the answer only; changes nothing.
 */
export function withServerDate(command: ListObjectsV2Command, onDate: (date: Date) => void): ListObjectsV2Command {
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const header = (result.response as { headers?: Record<string, string> } | undefined)?.headers?.date;
      const date = header ? new Date(header) : undefined;
      if (date && !Number.isNaN(date.getTime())) onDate(date);
      return result;
    },
    { step: 'deserialize', name: 'serverDate' },
  );
  return command;
}
