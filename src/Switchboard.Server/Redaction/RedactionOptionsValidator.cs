using Microsoft.Extensions.Options;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Redaction;

/// <summary>Refuses unknown modes and roles, reporting every problem at once.</summary>
public sealed class RedactionOptionsValidator : IValidateOptions<RedactionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RedactionOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, _, value) in options.Kinds())
        {
            if (!RedactionOptions.TryParseMode(value, out _))
            {
                errors.Add($"{RedactionOptions.Section}:{key} must be storage, display or off (was '{value}').");
            }
        }

        var role = options.OriginalsRole?.Trim().ToLowerInvariant();
        if (role != RedactionOptions.Nobody && !Roles.All.Contains(role))
        {
            errors.Add($"{RedactionOptions.Section}:{nameof(RedactionOptions.OriginalsRole)} must be {string.Join(", ", Roles.All)} or {RedactionOptions.Nobody} (was '{options.OriginalsRole}'); API keys never see originals.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
