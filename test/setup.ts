// Tests synthesize as the synth entry does: without cdktf's per-token stack traces (lib/cdktf-compat.ts). Turned off
// when a test file first loads lib/cdktf-compat, which everything that builds the kit's stacks imports: importing it
// here would load cdktf (~0.15 s of CPU) into each of the ~170 test files, most of which never use it.
jest.mock("../lib/cdktf-compat", () => {
  const compat = jest.requireActual<typeof import("../lib/cdktf-compat")>("../lib/cdktf-compat");
  compat.disableTokenTraces();
  return compat;
});
