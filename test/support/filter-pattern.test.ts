import { matches, splitFields } from "./filter-pattern";

// Every example below is from AWS's CloudWatch Logs User Guide, "Filter pattern syntax for metric filters, subscription
// filters, filter log events, and Live Tail" (sections: matching terms in unstructured, JSON and space-delimited log
// events), with the verdict the guide states.

describe("filter pattern evaluator: terms", () => {
  it("matches a term anywhere in the event, case-sensitively", () => {
    expect(matches("ERROR", "[ERROR] A fatal exception has occurred")).toBe(true);
    expect(matches("ERROR", "Exiting with ERRORCODE: -1")).toBe(true);
    expect(matches("ERROR", "error: lower case")).toBe(false);
  });

  it("needs every term, excludes a -term, and takes any ?term", () => {
    expect(matches('"ERROR" - "Exiting"', "Exiting with ERRORCODE: -1")).toBe(false);
    expect(matches('"ERROR" - "Exiting"', "[ERROR] A fatal exception has occurred")).toBe(true);
    const events = ["ERROR WARN message", "ERROR message", "WARN message"];
    expect(events.map((e) => matches("ERROR", e))).toEqual([true, true, false]);
    expect(events.map((e) => matches("?ERROR ?WARN", e))).toEqual([true, true, true]);
    expect(events.map((e) => matches("ERROR WARN", e))).toEqual([true, false, false]);
    expect(events.map((e) => matches("ERROR -WARN", e))).toEqual([false, true, false]);
    expect(matches("ERROR Exception", "[ERROR] Caught IllegalArgumentException")).toBe(true);
  });

  it("matches a quoted phrase as one piece of text", () => {
    expect(matches('"Failed to process the request"', "[WARN] Failed to process the request")).toBe(true);
    expect(matches('"Failed to process the request"', "[WARN] Failed to process request")).toBe(false);
  });

  it("refuses what AWS would refuse or it cannot read", () => {
    expect(() => matches("401 Unauthorized", "x")).not.toThrow();
    expect(() => matches("uvicorn.access", "x")).toThrow('term uvicorn.access holds characters other than letters, digits and "_": AWS needs it in double quotes');
    expect(() => matches("%ERR.R%", "x")).toThrow(/regular expressions/);
  });
});

describe("filter pattern evaluator: JSON", () => {
  const trail = JSON.stringify({
    eventType: "UpdateTrail",
    sourceIPAddress: "198.51.100.7",
    arrayKey: ["value", "another value"],
    objectList: [
      { name: "a", id: 1 },
      { name: "b", id: 2 },
    ],
    SomeObject: null,
    ThisFlag: true,
  });

  it("matches AWS's single-condition examples", () => {
    expect(matches('{ $.eventType = "UpdateTrail" }', trail)).toBe(true);
    expect(matches("{ $.sourceIPAddress != 123.123.* }", trail)).toBe(true);
    expect(matches("{ $.sourceIPAddress != 198.51.* }", trail)).toBe(false);
    expect(matches('{ $.arrayKey[0] = "value" }', trail)).toBe(true);
    expect(matches("{ $.objectList[1].id = 2 }", trail)).toBe(true);
    expect(matches("{ $.SomeObject IS NULL }", trail)).toBe(true);
    expect(matches("{ $.SomeOtherObject NOT EXISTS }", trail)).toBe(true);
    expect(matches("{ $.eventType NOT EXISTS }", trail)).toBe(false);
    expect(matches("{ $.ThisFlag IS TRUE }", trail)).toBe(true);
    expect(matches("{ $.ThisFlag IS FALSE }", trail)).toBe(false);
  });

  it("treats * as a wildcard only at either end of a value", () => {
    expect(matches("{ $.e = *Event }", '{"e":"PutEvent"}')).toBe(true);
    expect(matches("{ $.e = Event* }", '{"e":"EventId"}')).toBe(true);
    expect(matches('{ $.e = "Ev*ent" }', '{"e":"Event"}')).toBe(false);
    expect(matches('{ $.e = "Ev*ent" }', '{"e":"Ev*ent"}')).toBe(true);
  });

  it("evaluates AWS's compound examples with () before && before ||", () => {
    const doc = JSON.stringify({
      user: { id: 1, email: "John.Stiles@example.com" },
      users: [
        { id: 2, email: "John.Doe@example.com" },
        { id: 3, email: "Jane.Doe@example.com" },
      ],
      actions: ["GET", "PUT", "DELETE"],
      coordinates: [
        [0, 1, 2],
        [4, 5, 6],
        [7, 8, 9],
      ],
    });
    expect(matches('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', doc)).toBe(true);
    expect(matches('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', doc)).toBe(false);
    expect(matches('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', doc)).toBe(true);
    expect(matches('{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }', doc)).toBe(false);
  });

  it("matches OR across values, compares numbers, and never matches a selector naming an array", () => {
    expect(['{"foo": "bar"}', '{"foo": "baz"}'].map((e) => matches("{$.foo = bar || $.foo = baz }", e))).toEqual([true, true]);
    expect(matches("{$.foo = bar}", '{"foo": "baz"}')).toBe(false);
    const latency = '{"latency": 1200, "errorCode": 400}';
    expect(matches("{ $.latency >= 500 }", latency)).toBe(true);
    expect(matches("{ $.latency > +1000 }", latency)).toBe(true);
    expect(matches("{ $.errorCode != 500 }", latency)).toBe(true);
    expect(matches("{ $.errorCode = 400 }", latency)).toBe(true);
    expect(matches("{ $.users = 1 }", '{"users": [1, 2, 3]}')).toBe(false);
    expect(matches("{ $.users != 1 }", '{"users": [1, 2, 3]}')).toBe(false);
  });

  it("does not match a line that is not JSON", () => {
    expect(matches('{ $.msg = "x" }', 'x {"msg":"x"}')).toBe(false);
  });
});

describe("filter pattern evaluator: space-delimited", () => {
  const apache = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 404 4355',
  ];

  it("treats text in double quotes or square brackets as one field", () => {
    expect(splitFields(apache[0])).toEqual(["127.0.0.1", "-", "frank", "10/Oct/2000:13:25:15 -0700", "GET /apache_pb.gif HTTP/1.0", "200", "1534"]);
  });

  it("matches named fields with string, wildcard and numeric conditions", () => {
    expect(apache.map((e) => matches("[ip, user, username, timestamp, request, status_code, bytes]", e))).toEqual([true, true, true]);
    expect(apache.map((e) => matches("[ip, user, username, timestamp, request, status_code, bytes > 5000]", e))).toEqual([false, true, false]);
    expect(apache.map((e) => matches("[ip, user, username, timestamp, request, status_code = 200, bytes]", e))).toEqual([true, false, false]);
    expect(apache.map((e) => matches("[ip, user, username, timestamp, request, status_code = 4*, bytes]", e))).toEqual([false, false, true]);
    expect(apache.map((e) => matches("[ip, user, username, timestamp, request = *gif*, status_code = 4* && status_code != 403, bytes]", e))).toEqual([false, false, true]);
  });

  it("lets ... stand for any number of fields", () => {
    expect(apache.map((e) => matches("[..., status_code, bytes]", e))).toEqual([true, true, true]);
    expect(apache.map((e) => matches("[ip, user, ..., status_code = 500, bytes]", e))).toEqual([false, true, false]);
    expect(matches("[ip, user, ...]", apache[0])).toBe(true);
    expect(matches("[..., request=*.html*, status_code=4*,]", '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534')).toBe(true);
  });

  it("needs exactly as many fields as the pattern names when there is no ...", () => {
    expect(matches("[ip, user, username]", apache[0])).toBe(false);
  });

  it("matches OR within a field", () => {
    const events = ["ERROR WARN message", "ERROR message", "WARN message"];
    expect(events.map((e) => matches("[w1=ERROR, w2]", e))).toEqual([false, true, false]);
    expect(events.map((e) => matches("[w1=ERROR || w1=WARN, w2]", e))).toEqual([false, true, true]);
  });
});
