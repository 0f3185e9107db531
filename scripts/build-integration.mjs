// Bundles the @vscode/test-electron suite (test/integration) into out/integration/*.js (node, cjs):
// the launcher runIntegration.js, and suite/index.js plus one suite/<name>.test.js per test file.
// Packages stay external (loaded from node_modules); `mocha` is pointed at its CommonJS build so
// the suite loads in extension hosts whose Node cannot require() ES modules. The main build
// (scripts/build.mjs, dist/) is not touched.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join('out', 'integration');
rmSync(OUT, { recursive: true, force: true });

/** `import Mocha from 'mocha'` → require('mocha/lib/mocha.cjs') (mocha 11+ ships an ESM index). */
const mochaCjs = {
  name: 'mocha-cjs',
  setup(b) {
    b.onResolve({ filter: /^mocha$/ }, () => ({ path: 'mocha/lib/mocha.cjs', external: true }));
  },
};

const suiteDir = join('test', 'integration', 'suite');
const entries = [
  { in: join('test', 'integration', 'runIntegration.ts'), out: join(OUT, 'runIntegration.js') },
  { in: join(suiteDir, 'index.ts'), out: join(OUT, 'suite', 'index.js') },
  ...readdirSync(suiteDir)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => ({ in: join(suiteDir, name), out: join(OUT, 'suite', name.replace(/\.ts$/, '.js')) })),
];

await Promise.all(
  entries.map((e) =>
    build({
      entryPoints: [e.in],
      outfile: e.out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      sourcemap: true,
      packages: 'external',
      external: ['vscode', '@tensorflow/*'],
      plugins: [mochaCjs],
      logLevel: 'warning',
    }),
  ),
);
console.log(`built ${entries.map((e) => e.out).join(', ')}`);
