namespace Switchboard.Server.LiveKit;

/// <summary>
/// A LiveKit operation could not be done. <see cref="Title"/>, <see cref="Exception.Message"/> and
/// <see cref="Status"/> are written so they can be shown as a problem-details response.
/// </summary>
public class LiveKitBridgeException(string title, string message, int status, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A short summary of the problem.</summary>
    public string Title { get; } = title;

    /// <summary>The HTTP status that fits the problem.</summary>
    public int Status { get; } = status;
}
