namespace Switchboard.Sdk;

/// <summary>Which way a call was placed.</summary>
public enum CallDirection
{
    /// <summary>The caller called in.</summary>
    Inbound,

    /// <summary>The agent called out.</summary>
    Outbound,

    /// <summary>A browser or app session.</summary>
    Web,
}
