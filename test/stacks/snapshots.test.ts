/**
 * The backstop: every shipped environment's plan as the pipeline wrote it. A diff here is either intended (update
 * with `npx jest -u` and say why in the commit) or a change nobody meant, such as a renamed construct id, which
 * would replace a real resource.
 */
import { shippedEnvironments, shippedPlan } from "../plans";

describe.each(shippedEnvironments())("the %s plan", (env) => {
  it("matches its snapshot", () => {
    expect(shippedPlan(env)).toMatchSnapshot();
  });
});
