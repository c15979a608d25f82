// Four tiers, one jest project each (`npm run test:<tier>` runs one, `npm test` all of them):
//   unit         pure code beside it (src/**/*.spec.ts): no database, no tools
//   integration  services on a real database, adapters against wire-level fakes (test/integration)
//   e2e          the whole app over HTTP and the fake Discord gateway, compiled processes (test/e2e)
//   deploy       helm chart, alert rules, dashboards in a real Prometheus, Swagger UI in chromium (test/deploy)
// A project's globalSetup runs only when a test of that project runs, and one path shared by several projects
// runs once: unit starts nothing, the other tiers share one embedded PostgreSQL, and only deploy installs tools.

// swc keeps decorator metadata (Nest DI needs it) and transforms the ESM-only Kubernetes client,
// which jest cannot require natively on Node 20.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const esmDeps = ['@kubernetes/client-node', 'openid-client', 'jose', 'oauth4webapi', '@jsep-plugin', 'jsep', 'jsonpath-plus', 'rfc4648'];

const shared = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`node_modules/(?!(${esmDeps.join('|')})/)`],
};
const withDatabase = {
  ...shared,
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
};

module.exports = {
  projects: [
    // timed-pg-client.spec.ts queries the run's PostgreSQL, so it belongs to integration even though it sits in src/.
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...withDatabase,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
    },
    { ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // Installs promtool, prometheus, chromium and helm first (scripts/ensure-test-deps.sh), then the database.
    {
      ...withDatabase,
      displayName: 'deploy',
      testMatch: ['<rootDir>/test/deploy/**/*.deploy-spec.ts'],
      globalSetup: '<rootDir>/test/support/deploy-setup.cjs',
    },
  ],
  // Global options: jest reads these from the root config only, not from a project.
  testTimeout: 60000,
  maxWorkers: 2,
};
