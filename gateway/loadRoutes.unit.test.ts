import { afterEach, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../test/support/apiProcess.js';
import { removeFolder, tempFolder } from '../test/support/tempFolder.js';
import { loadRoutes } from './loadRoutes.js';

describe('loadRoutes', () => {
  let dir: string | undefined;
  afterEach(() => (dir ? removeFolder(dir) : undefined));

  it('reads POST /db-backup from the project template.yaml', async () => {
    const routes = await loadRoutes(join(ROOT, 'template.yaml'));

    expect(
      routes.map(({ method, path, functionName, handler, timeoutSeconds }) => ({ method, path, functionName, handler, timeoutSeconds })),
    ).toContainEqual({
      method: 'POST',
      path: '/db-backup',
      functionName: 'DbBackupFunction',
      handler: 'functions/db-backup/handler.handler',
      timeoutSeconds: 900,
    });
  });

  it('reads CloudFormation short tags and path parameters', async () => {
    dir = await tempFolder();
    const template = join(dir, 'template.yaml');
    await writeFile(
      template,
      [
        'Globals: { Function: { Timeout: 30 } }',
        'Resources:',
        '  Notes:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Handler: functions/notes/handler.handler',
        '      Role: !GetAtt Role.Arn',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${…} syntax, not a template literal.
        '      Environment: { Variables: { A: !Sub "${AWS::Region}", B: !Join [",", [!Ref X]] } }',
        '      Events:',
        '        One: { Type: Api, Properties: { Path: "/notes/{id}", Method: get } }',
        '        Any: { Type: Api, Properties: { Path: "/files/{proxy+}", Method: any } }',
        '  Queue: { Type: AWS::SQS::Queue }',
      ].join('\n'),
    );

    const routes = await loadRoutes(template);

    expect(routes.map((r) => [r.method, r.path, r.timeoutSeconds, r.parameterNames])).toEqual([
      ['GET', '/notes/{id}', 30, ['id']],
      ['ANY', '/files/{proxy+}', 30, ['proxy']],
    ]);
    expect(routes[0]!.pattern.exec('/notes/42')?.[1]).toBe('42');
    expect(routes[0]!.pattern.test('/notes/42/more')).toBe(false);
    expect(routes[1]!.pattern.exec('/files/a/b.txt')?.[1]).toBe('a/b.txt');
  });
});
