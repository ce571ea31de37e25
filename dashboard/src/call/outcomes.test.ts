import { describe, expect, it } from "vitest";
import type { InterventionResult } from "../api/types";
import { describeFailure, describeSuccess } from "./outcomes";

const result = (extra: Partial<InterventionResult>): InterventionResult =>
  ({ callId: "C", action: "takeover", requestId: "r", commandId: "k", delivered: true, mode: null, ...extra }) as InterventionResult;

describe("intervention outcomes", () => {
  it("says what happened to the call as a sentence", () => {
    expect(describeSuccess("takeover", result({}))).toEqual({ text: "You took over the call. The agent is paused until you hand back.", warning: false });
    expect(describeSuccess("handback", result({})).text).toBe("You handed the call back to the agent.");
    expect(describeSuccess("transfer", result({}), "billing desk").text).toBe("Transfer to billing desk requested.");
    expect(describeSuccess("end", null).text).toBe("You ended the call.");
  });

  it("adds that the agent has not received it yet, and any warning", () => {
    const late = describeSuccess("guide", result({ delivered: false, warning: "the room could not be deleted" }));
    expect(late.warning).toBe(true);
    expect(late.text).toBe(
      "Guidance sent. It shows as applied once the agent confirms it. The agent is not connected right now; it gets this as soon as it reconnects. Note: the room could not be deleted",
    );
  });

  it("says what failed and why", () => {
    expect(describeFailure("handback", "Not the holder: ana holds the call.")).toBe("You could not hand the call back: Not the holder: ana holds the call.");
  });
});
