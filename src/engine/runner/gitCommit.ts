// The git commit of the repository holding a file, if any (recorded in run.json).

import { execFile } from 'node:child_process';
import * as path from 'node:path';

export function gitCommitOf(file: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd: path.dirname(path.resolve(file)), timeout: 5000 }, (error, stdout) => {
      const sha = stdout.trim();
      resolve(error || !/^[0-9a-f]{40}$/.test(sha) ? null : sha);
    });
  });
}
