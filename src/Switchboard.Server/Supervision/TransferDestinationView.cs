namespace Switchboard.Server.Supervision;

/// <summary>A configured transfer destination as the control bar offers it.</summary>
/// <param name="Name">The name to send as <c>destination</c>.</param>
/// <param name="Description">What people see, if configured.</param>
/// <param name="Warm">True when a warm transfer (dial a human in first) is configured too.</param>
public sealed record TransferDestinationView(string Name, string? Description, bool Warm);
