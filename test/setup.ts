// Tests synthesize as the synth entry does: without cdktf's per-token stack traces (lib/cdktf-compat.ts).
import { disableTokenTraces } from "../lib/cdktf-compat";

disableTokenTraces();
