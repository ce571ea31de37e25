namespace Switchboard.Server.Redaction;

/// <summary>One group of a <see cref="DigitRun"/>: digits written together, or one spoken digit word.</summary>
internal struct DigitGroup
{
    /// <summary>The gap before a group was one space.</summary>
    public const char Space = ' ';

    /// <summary>The gap before a group was one dash.</summary>
    public const char Dash = '-';

    /// <summary>The gap before a group was one dot.</summary>
    public const char Dot = '.';

    /// <summary>The gap was anything else (several characters, a parenthesis, a comma).</summary>
    public const char Other = '*';

    public int CharStart;
    public int CharEnd;
    public int DigitStart;
    public int Length;

    /// <summary><see cref="Space"/>, <see cref="Dash"/>, <see cref="Dot"/>, <see cref="Other"/>, or '\0' for the first group.</summary>
    public char GapBefore;
    public bool Spoken;

    /// <summary>Index after the group's last digit in the run.</summary>
    public readonly int DigitEnd => DigitStart + Length;
}
