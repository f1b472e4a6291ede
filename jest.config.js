/** SWC strips types without checking them (that is `npm run build`), which keeps a cold run fast. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }],
    // jose (upstream's verifier, a devDependency) ships ES modules only; SWC turns them into CommonJS for jest, which
    // loads CommonJS here (Node 20 has no require of ES modules). Nothing else in node_modules is transformed.
    "/node_modules/jose/.+\\.js$": ["@swc/jest", { jsc: { target: "es2022" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  // Two cores here: jest defaults to cores − 1 = one worker, which serializes the synth-heavy suites.
  maxWorkers: 2,
  // One real synth of the shipped configs for the whole run (see test/global-setup.ts).
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  setupFiles: ["<rootDir>/test/setup.ts"],
  moduleFileExtensions: ["ts", "js", "json"],
};
