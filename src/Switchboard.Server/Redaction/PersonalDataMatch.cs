namespace Switchboard.Server.Redaction;

/// <summary>Personal data found in a text: where it is, what it is, and what replaces it.</summary>
/// <param name="Start">Index of the first character.</param>
/// <param name="Length">Number of characters.</param>
/// <param name="Kind">What was found.</param>
/// <param name="CardLastFour">For a card, its last four digits (a supervisor may need them); otherwise 0.</param>
public readonly record struct PersonalDataMatch(int Start, int Length, PersonalDataKind Kind, int CardLastFour = 0)
{
    /// <summary>Index after the last character.</summary>
    public int End => Start + Length;

    /// <summary>The text shown instead: <c>[card ending 4242]</c>, <c>[ssn]</c>, <c>[phone]</c> or <c>[email]</c>.</summary>
    public string Mask => Kind switch
    {
        PersonalDataKind.Card => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[card ending {CardLastFour:D4}]"),
        PersonalDataKind.Ssn => "[ssn]",
        PersonalDataKind.Phone => "[phone]",
        _ => "[email]",
    };
}
