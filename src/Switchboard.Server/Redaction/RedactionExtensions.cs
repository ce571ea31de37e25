using Microsoft.Extensions.Options;

namespace Switchboard.Server.Redaction;

/// <summary>Wires the masking of personal data into the server (docs/PRIVACY.md).</summary>
public static class RedactionExtensions
{
    /// <summary>Registers the validated <c>Redaction</c> options and the <see cref="Redactor"/>.</summary>
    public static IHostApplicationBuilder AddRedaction(this IHostApplicationBuilder builder)
    {
        // A misspelt key would silently leave data unmasked: unknown keys stop the start too.
        builder.Services.AddOptions<RedactionOptions>()
            .BindConfiguration(RedactionOptions.Section, o => o.ErrorOnUnknownConfiguration = true)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RedactionOptions>, RedactionOptionsValidator>();
        builder.Services.AddSingleton<Redactor>();
        return builder;
    }
}
