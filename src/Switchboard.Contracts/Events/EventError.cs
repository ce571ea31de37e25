namespace Switchboard.Contracts.Events;

/// <summary>One invalid field of one event of a batch.</summary>
/// <param name="Index">Position of the event in the batch (0-based).</param>
/// <param name="EventId">The event's id, if it had one.</param>
/// <param name="Field">Path of the field, e.g. <c>data.text</c>.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record EventError(int Index, string? EventId, string Field, string Message);
