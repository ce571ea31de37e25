namespace Switchboard.Contracts.Events;

/// <summary>A string of a JSON value that is not text (<see cref="JsonText.FindDamage"/>).</summary>
/// <param name="Path">Where it is, such as <c>data.arguments.note</c>.</param>
/// <param name="Byte">Its offset in the value's JSON text, in bytes.</param>
public sealed record JsonTextDamage(string Path, long Byte);
