namespace Switchboard.Server.Redaction;

/// <summary>The kinds of personal data that are found in caller-derived text and masked.</summary>
[Flags]
public enum PersonalDataKind
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Payment card numbers: 13–19 digits that pass the Luhn check.</summary>
    Card = 1,

    /// <summary>US social security numbers.</summary>
    Ssn = 2,

    /// <summary>Telephone numbers: E.164 and common national formats.</summary>
    Phone = 4,

    /// <summary>E-mail addresses.</summary>
    Email = 8,

    /// <summary>Every kind.</summary>
    All = Card | Ssn | Phone | Email,
}
