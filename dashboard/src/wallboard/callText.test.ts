import { describe, expect, it } from "vitest";
import { call } from "./testCalls";
import { sentimentOf, toneOf } from "./attention";
import { callerLabels, labelText } from "./callText";

describe("caller labels", () => {
  it("leaves a unique name alone", () => {
    expect(callerLabels([call("SIM-1", { caller: { name: "Maria Lopez", number: "+15550101" } })]).get("SIM-1")).toEqual({ name: "Maria Lopez", tag: null });
  });

  it("tells two calls of one name apart by their numbers, or by the end of their ids", () => {
    const byNumber = callerLabels([
      call("SIM-run-00001", { caller: { name: "Maria Lopez", number: "+15550101" } }),
      call("SIM-run-00002", { caller: { name: "Maria Lopez", number: "+15550102" } }),
    ]);
    expect([...byNumber.values()].map(labelText)).toEqual(["Maria Lopez · +15550101", "Maria Lopez · +15550102"]);

    const byId = callerLabels([
      call("SIM-run-00001", { caller: { name: "Maria Lopez", number: "+15550101" } }),
      call("SIM-run-00002", { caller: { name: "Maria Lopez", number: "+15550101" } }),
    ]);
    expect([...byId.values()].map(labelText)).toEqual(["Maria Lopez · …0001", "Maria Lopez · …0002"]);
  });
});

describe("sentiment figures", () => {
  const mixed = call("C", {
    sentiment: { label: "negative", score: -0.31 },
    callSentiment: { score: -0.11, trend: -0.2, direction: "falling", scored: 4 },
  });

  it("keeps the call's rolling sentiment and the last line's apart, each labelled", () => {
    expect(sentimentOf(mixed)).toEqual({ call: { label: "negative", score: -0.11, direction: "falling" }, lastLine: { label: "negative", score: -0.31 } });
  });

  it("colours a call by its rolling sentiment, which the attention reasons quote", () => {
    const recovering = call("C", { sentiment: { label: "negative", score: -0.6 }, callSentiment: { score: 0.2, trend: -0.3, direction: "falling", scored: 5 } });
    expect(toneOf(recovering)).toBe("positive");
    expect(toneOf(call("C", { sentiment: { label: "neutral", score: 0 } }))).toBe("neutral");
    expect(toneOf(call("C"))).toBe("unknown");
  });
});
