namespace Switchboard.Server.Knowledge;

/// <summary>States of a knowledge-base entry.</summary>
public static class KbStatus
{
    /// <summary>Waiting for review; not searchable.</summary>
    public const string Pending = "pending";

    /// <summary>Searchable by agents and suggested for open help requests.</summary>
    public const string Approved = "approved";

    /// <summary>Kept for the record; not searchable.</summary>
    public const string Rejected = "rejected";

    /// <summary>Folded into another entry.</summary>
    public const string Merged = "merged";
}
