// Makes `require('vscode')` load vscodeStub.ts. Import this module before any module that imports 'vscode'.

import Module from 'node:module';
import * as path from 'node:path';

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const stub = path.join(__dirname, 'vscodeStub.ts');
const original = loader._resolveFilename;

loader._resolveFilename = function resolveWithStub(this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? stub : original.call(this, request, ...rest);
};
