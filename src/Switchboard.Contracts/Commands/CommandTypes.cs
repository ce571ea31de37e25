#pragma warning disable CS1591 // The constant names are the documentation.

namespace Switchboard.Contracts.Commands;

/// <summary>Command type names.</summary>
public static class CommandTypes
{
    public const string Guide = "guide";
    public const string Pause = "pause";
    public const string Resume = "resume";
    public const string End = "end";
    public const string Transfer = "transfer";
    public const string EscalationAnswer = "escalation.answer";
    public const string Say = "say";
}
