using Microsoft.Extensions.Options;

namespace Switchboard.Server.Insights;

/// <summary>Checks what data annotations cannot, and reports every problem at once.</summary>
public sealed class InsightsOptionsValidator : IValidateOptions<InsightsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InsightsOptions options)
    {
        var errors = new List<string>();
        if (options.AlertHysteresis >= options.AlertThreshold)
        {
            errors.Add($"Insights:AlertHysteresis ({options.AlertHysteresis}) must be below Insights:AlertThreshold ({options.AlertThreshold}).");
        }

        var llm = options.Llm;
        llm.ValidateEndpoint("Insights:Llm", errors);

        if (llm.TimeoutMilliseconds is < 10 or > 60_000)
        {
            errors.Add("Insights:Llm:TimeoutMilliseconds must be between 10 and 60000.");
        }

        if (llm.MaxConcurrency is < 1 or > 1024)
        {
            errors.Add("Insights:Llm:MaxConcurrency must be between 1 and 1024.");
        }

        options.Onnx.Validate(errors);
        if (options.Onnx.Enabled && llm.Enabled)
        {
            errors.Add("Insights:Onnx:ModelPath and Insights:Llm are both set; choose one sentiment model.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
