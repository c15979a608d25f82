'use strict';
// Loads extra scenario files (bench/*.bench.ts or .js, contract in bench/bench.types.ts) and runs them.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Lets require() load the bench's TypeScript files, compiled by @swc/core (a dev dependency). */
function registerTypeScript() {
  if (require.extensions['.ts']) {
    return;
  }
  const swc = require('@swc/core');
  require.extensions['.ts'] = (module, filename) => {
    const { code } = swc.transformFileSync(filename, {
      jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022', transform: { legacyDecorator: true, decoratorMetadata: true } },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
      swcrc: false,
    });
    module._compile(code, filename);
  };
}

/** BENCH_EXTRA=tracing,discord runs only the named files (bench/<name>.bench.{ts,js}); unset: all of them. */
function scenarioFiles() {
  const only = (process.env.BENCH_EXTRA ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return readdirSync(__dirname)
    .filter((f) => /\.bench\.(ts|js)$/.test(f))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.(ts|js)$/, '')))
    .sort()
    .map((f) => join(__dirname, f));
}

/** Runs every scenario file; a failing file is reported as such and does not stop the others. */
async function runExtraScenarios(ctx) {
  const rows = [];
  for (const file of scenarioFiles()) {
    const name = file.slice(__dirname.length + 1);
    try {
      if (file.endsWith('.ts')) {
        registerTypeScript();
      }
      const mod = require(file);
      const run = typeof mod.run === 'function' ? mod.run : typeof mod.default === 'function' ? mod.default : null;
      if (!run) {
        throw new Error('exports neither run(ctx) nor a default function');
      }
      ctx.log(`Scenario file ${name}`);
      for (const row of await run(ctx)) {
        rows.push({ file: name, ...row });
      }
    } catch (err) {
      ctx.log(`  ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      rows.push({
        file: name,
        scenario: `${name} (failed)`,
        rps: NaN,
        p50: NaN,
        p99: NaN,
        errors: NaN,
        notes: String(err instanceof Error ? err.message : err).slice(0, 200),
      });
    }
  }
  return rows;
}

module.exports = { runExtraScenarios, scenarioFiles };
