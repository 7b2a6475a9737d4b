/**
 * Hostile-input fuzz suite (`npm run test:fuzz`): the real app on real PostgreSQL, driven
 * mostly in-process through Fastify's inject, partly over real HTTP and real onion envelopes.
 * FUZZ_CASES sets the total number of cases (default 100000), FUZZ_SEED the random seed.
 */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testRegex: '\\.fuzz-spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 600000,
};
