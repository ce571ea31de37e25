using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Redaction;

/// <summary>
/// Applies the <see cref="RedactionOptions"/>: masks the kinds in <c>storage</c> mode in every
/// event before it is stored or fanned out, and tells which <see cref="DisplayMask"/> a caller of
/// the API gets. Only sessions whose role reaches <see cref="RedactionOptions.OriginalsRole"/> see
/// originals; API keys never do. Callers without that right have the kinds in <c>display</c> mode
/// masked, and those in <c>storage</c> mode too (for events stored before the setting was made).
/// </summary>
public sealed partial class Redactor
{
    private readonly DisplayMask _restricted;
    private readonly string? _originalsRole;
    private readonly ILogger<Redactor> _logger;

    /// <summary>Reads the validated options.</summary>
    public Redactor(IOptions<RedactionOptions> options, ILogger<Redactor> logger)
    {
        var o = options.Value;
        _logger = logger;
        StorageKinds = o.KindsIn(RedactionMode.Storage);
        EnabledKinds = StorageKinds | o.KindsIn(RedactionMode.Display);
        _restricted = EnabledKinds == PersonalDataKind.None ? DisplayMask.None : new DisplayMask(EnabledKinds);
        var role = o.OriginalsRole.Trim().ToLowerInvariant();
        _originalsRole = role == RedactionOptions.Nobody ? null : role;
    }

    /// <summary>The mask of every caller who may not see originals.</summary>
    public DisplayMask Restricted => _restricted;

    /// <summary>Kinds masked before storage.</summary>
    public PersonalDataKind StorageKinds { get; }

    /// <summary>Kinds not <c>off</c>.</summary>
    public PersonalDataKind EnabledKinds { get; }

    /// <summary>
    /// An event's payload as it may be stored and fanned out: the kinds in storage mode masked in
    /// every string value. The same element when nothing was found (the usual case costs one
    /// allocation-free pass).
    /// </summary>
    public JsonElement BeforeStorage(string callId, string type, JsonElement data)
    {
        if (StorageKinds == PersonalDataKind.None || !PayloadRedaction.TryMask(data, StorageKinds, out var masked))
        {
            return data;
        }

        LogMasked(type, callId);
        return masked;
    }

    /// <summary>
    /// A text kept apart from its call, where every caller of the knowledge base would read it:
    /// every kind not off is masked.
    /// </summary>
    public string ForSharing(string text) => PersonalDataScanner.Mask(text, EnabledKinds);

    /// <summary>What <paramref name="user"/> may see.</summary>
    public DisplayMask For(ClaimsPrincipal user) =>
        _restricted.IsNone || (_originalsRole is not null && IdentityExtensions.HasRole(user, _originalsRole))
            ? DisplayMask.None
            : _restricted;

    // Never the text itself: the log must not become a copy of what was masked.
    [LoggerMessage(EventId = 7101, Level = LogLevel.Debug, Message = "Masked personal data in {Type} of call {CallId} before storing it")]
    private partial void LogMasked(string type, string callId);
}
