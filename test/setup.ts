// Tests synthesize as the synth entry does: without cdktf's per-token stack traces (lib/token-traces.ts).
import { disableTokenTraces } from "../lib/token-traces";

disableTokenTraces();
