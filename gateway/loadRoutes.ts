import { readFile } from 'node:fs/promises';
import { parse, YAMLMap, YAMLSeq, type CollectionTag, type ScalarTag, type Tags } from 'yaml';

/** One HTTP route of `template.yaml`: an `Api` event of a serverless function. */
export interface Route {
  /** Upper-case method, or `ANY`. */
  method: string;
  /** The template's path, e.g. `/db-backup` or `/notes/{id}`. */
  path: string;
  /** The function's logical id in the template, e.g. `DbBackupFunction`. */
  functionName: string;
  /** The function's handler (`Handler`, or an image's `ImageConfig.Command`), e.g. `functions/db-backup/handler.handler`. */
  handler: string;
  /** The function's timeout in seconds (`Timeout`, else `Globals`, else Lambda's 3 s). */
  timeoutSeconds: number;
  /** The function's memory in MB (`MemorySize`, else `Globals`, else Lambda's 128). */
  memorySizeMb: number;
  /** Matches a request path; captures the path parameters. */
  pattern: RegExp;
  parameterNames: string[];
}

/**
 * Reads the routes from a SAM template, the one source of truth for routes (as `sam local start-api`
 * does). CloudFormation's short tags (`!Ref`, `!Sub`, …) are read as their long forms.
 */
export async function loadRoutes(templatePath: string): Promise<Route[]> {
  const template = parse(await readFile(templatePath, 'utf8'), { customTags: cloudFormationTags() }) as Template;
  const globalTimeout = template.Globals?.Function?.Timeout;
  const globalMemory = template.Globals?.Function?.MemorySize;
  const routes: Route[] = [];
  for (const [functionName, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Serverless::Function') continue;
    const properties = resource.Properties ?? {};
    for (const event of Object.values(properties.Events ?? {})) {
      if (event.Type !== 'Api' && event.Type !== 'HttpApi') continue;
      const { Path: path, Method: method } = event.Properties ?? {};
      // A zip function names its handler in Handler; an image function in ImageConfig.Command.
      const handler = properties.Handler ?? properties.ImageConfig?.Command?.[0];
      if (typeof path !== 'string' || typeof method !== 'string' || typeof handler !== 'string') {
        throw new Error(`${templatePath}: ${functionName} has an API event without a Path, Method or handler`);
      }
      routes.push({
        method: method.toUpperCase(),
        path,
        functionName,
        handler,
        timeoutSeconds: Number(properties.Timeout ?? globalTimeout ?? 3),
        memorySizeMb: Number(properties.MemorySize ?? globalMemory ?? 128),
        ...compilePath(path),
      });
    }
  }
  return routes;
}

/** `/notes/{id}` → `^/notes/([^/]+)$`; a greedy `{proxy+}` matches the rest of the path. */
function compilePath(path: string): { pattern: RegExp; parameterNames: string[] } {
  const parameterNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const parameter = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!parameter) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(parameter[1]!);
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), parameterNames };
}

interface Template {
  Globals?: { Function?: { Timeout?: number; MemorySize?: number } };
  Resources?: Record<string, { Type?: string; Properties?: FunctionProperties }>;
}

interface FunctionProperties {
  Handler?: unknown;
  ImageConfig?: { Command?: unknown[] };
  Timeout?: number;
  MemorySize?: number;
  Events?: Record<string, { Type?: string; Properties?: { Path?: unknown; Method?: unknown } }>;
}

const INTRINSICS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
];

function cloudFormationTags(): Tags {
  return INTRINSICS.flatMap((name): (ScalarTag | CollectionTag)[] => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    const long = (value: unknown) => ({ [key]: value });
    return [
      { tag: `!${name}`, resolve: (value) => long(name === 'GetAtt' ? value.split('.') : value) },
      { tag: `!${name}`, collection: 'seq', nodeClass: YAMLSeq, resolve: (seq) => long(seq.toJSON()) },
      { tag: `!${name}`, collection: 'map', nodeClass: YAMLMap, resolve: (map) => long(map.toJSON()) },
    ];
  });
}
