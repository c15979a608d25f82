// globalSetup of the deploy tier: the outside tools its tests run for real, then the shared embedded PostgreSQL.
// Other tiers never run this, so `npm run test:unit` and friends install nothing.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');
const startDatabase = require('./global-setup.cjs');

module.exports = async (globalConfig, projectConfig) => {
  const script = join(__dirname, '..', '..', 'scripts', 'ensure-test-deps.sh');
  const res = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (res.error || res.status !== 0) {
    const why = res.error ? res.error.message : res.signal ? `killed by ${res.signal}` : `exit code ${res.status}`;
    throw new Error(
      `the deploy tier needs promtool, prometheus, chromium and helm, and ${script} could not provide them (${why}); see its output above`,
    );
  }
  // A no-op when another tier of this run already started it (it sets TEST_DATABASE_URL).
  await startDatabase(globalConfig, projectConfig);
};
