namespace Switchboard.Server.Tests.Infrastructure;

/// <summary>One Server-Sent Events frame as a client sees it.</summary>
public sealed record SseFrame(string? Id, string Event, string Data);
