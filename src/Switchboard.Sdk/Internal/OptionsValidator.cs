using Microsoft.Extensions.Options;

namespace Switchboard.Sdk.Internal;

/// <summary>Reports every problem of <see cref="SwitchboardClientOptions"/> at once.</summary>
internal sealed class OptionsValidator : IValidateOptions<SwitchboardClientOptions>
{
    public ValidateOptionsResult Validate(string? name, SwitchboardClientOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
