import { assignSlots, MAX_RULE_PRIORITY, MIN_RULE_PRIORITY, PRIORITY_BAND_START, PRIORITY_SLOTS, prioritySlot, RuleKind, ruleKey, rulePriority } from "../../lib/rule-priorities";

const KINDS: RuleKind[] = ["metadata", "legacy-jwt", "forward"];

describe("rule priorities", () => {
  it("puts the three kinds in disjoint bands, in evaluation order, inside AWS's 1–50000 and above the old 1, 2, 3…", () => {
    const bands = KINDS.map((k) => [rulePriority(k, 0), rulePriority(k, PRIORITY_SLOTS - 1)]);
    expect(bands[0][0]).toBeGreaterThan(1000);
    for (let i = 1; i < bands.length; i++) expect(bands[i][0]).toBeGreaterThan(bands[i - 1][1]);
    expect(bands[2][1]).toBeLessThanOrEqual(MAX_RULE_PRIORITY);
    expect(MIN_RULE_PRIORITY).toBe(1);
    expect(Object.keys(PRIORITY_BAND_START)).toEqual(KINDS);
  });

  it("refuses a slot outside its band", () => {
    expect(() => rulePriority("forward", PRIORITY_SLOTS)).toThrow(`priority slot ${PRIORITY_SLOTS} is outside 0–${PRIORITY_SLOTS - 1}`);
    expect(() => rulePriority("forward", -1)).toThrow("priority slot -1 is outside");
    expect(() => rulePriority("forward", 1.5)).toThrow("priority slot 1.5 is outside");
  });

  it("keys a rule by its first range and that range's group, as its construct id is named", () => {
    expect(ruleKey({ agents: ["monitoring", "capacity-planning"], cidrs: ["10.21.1.0/28", "10.21.3.0/28"] })).toBe("monitoring-10-21-1-0-28");
  });

  it("gives every key of a large estate its own slot, whatever the order of the keys", () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `g${i}-10-${i >> 8}-${i & 255}-0-28`);
    const slots = assignSlots(keys);
    expect(new Set(slots.values()).size).toBe(keys.length);
    expect(assignSlots([...keys].reverse())).toEqual(slots);
    // Most keep their own hash's slot; the rest probed (2000 keys in 15,000 slots meet ~125 times).
    const own = keys.filter((k) => slots.get(k) === prioritySlot(k)).length;
    expect(own).toBeGreaterThan(1800);
    expect(own).toBeLessThan(keys.length);
  });

  it("keeps a key's slot when keys that do not meet it come and go", () => {
    const keys = Array.from({ length: 50 }, (_, i) => `g${i}-10-60-${i}-0-28`);
    const all = assignSlots(keys);
    const stays = keys.filter((k) => all.get(k) === prioritySlot(k));
    const half = assignSlots(keys.filter((_, i) => i % 2 === 0));
    for (const k of stays.filter((_, i) => i % 2 === 0)) if (half.has(k)) expect(half.get(k)).toBe(all.get(k));
  });
});
