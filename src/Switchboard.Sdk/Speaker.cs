namespace Switchboard.Sdk;

/// <summary>Who a transcript segment or a participant is.</summary>
public enum Speaker
{
    /// <summary>The caller.</summary>
    Customer,

    /// <summary>The AI agent.</summary>
    Agent,

    /// <summary>A supervisor (speaking during a take-over).</summary>
    Supervisor,

    /// <summary>A human agent the call was transferred to.</summary>
    HumanAgent,
}
