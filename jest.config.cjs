// swc keeps decorator metadata (Nest DI needs it) and transforms the ESM-only Kubernetes client,
// which jest cannot require natively on Node 20.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
}];
const esmDeps = ['@kubernetes/client-node', 'openid-client', 'jose', 'oauth4webapi', '@jsep-plugin', 'jsep', 'jsonpath-plus', 'rfc4648'];

module.exports = {
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`node_modules/(?!(${esmDeps.join('|')})/)`],
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
