using Switchboard.Server.Identity;

namespace Switchboard.Server.Redaction;

/// <summary>Configuration section <c>Redaction</c>: where each kind of personal data is masked, and who sees originals.</summary>
public sealed class RedactionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Redaction";

    /// <summary>The value of <see cref="OriginalsRole"/> that lets no one see originals.</summary>
    public const string Nobody = "none";

    /// <summary>Card numbers: <c>storage</c> (default: never stored, as PCI DSS asks), <c>display</c> or <c>off</c>.</summary>
    public string Card { get; set; } = "storage";

    /// <summary>US social security numbers: <c>display</c> (default), <c>storage</c> or <c>off</c>.</summary>
    public string Ssn { get; set; } = "display";

    /// <summary>Phone numbers: <c>display</c> (default), <c>storage</c> or <c>off</c>.</summary>
    public string Phone { get; set; } = "display";

    /// <summary>E-mail addresses: <c>display</c> (default), <c>storage</c> or <c>off</c>.</summary>
    public string Email { get; set; } = "display";

    /// <summary>
    /// The least role whose sessions see originals of display-masked data: <c>viewer</c>,
    /// <c>supervisor</c>, <c>admin</c> (default) or <c>none</c>. API keys never see them.
    /// </summary>
    public string OriginalsRole { get; set; } = Roles.Admin;

    /// <summary>The setting of each kind, by its configuration key.</summary>
    internal IEnumerable<(string Key, PersonalDataKind Kind, string Value)> Kinds()
    {
        yield return (nameof(Card), PersonalDataKind.Card, Card);
        yield return (nameof(Ssn), PersonalDataKind.Ssn, Ssn);
        yield return (nameof(Phone), PersonalDataKind.Phone, Phone);
        yield return (nameof(Email), PersonalDataKind.Email, Email);
    }

    /// <summary>Kinds whose setting is <paramref name="mode"/>.</summary>
    internal PersonalDataKind KindsIn(RedactionMode mode)
    {
        var kinds = PersonalDataKind.None;
        foreach (var (_, kind, value) in Kinds())
        {
            if (TryParseMode(value, out var m) && m == mode)
            {
                kinds |= kind;
            }
        }

        return kinds;
    }

    internal static bool TryParseMode(string? value, out RedactionMode mode)
    {
        mode = value?.Trim().ToLowerInvariant() switch
        {
            "storage" => RedactionMode.Storage,
            "display" => RedactionMode.Display,
            "off" => RedactionMode.Off,
            _ => (RedactionMode)(-1),
        };
        return Enum.IsDefined(mode);
    }
}
