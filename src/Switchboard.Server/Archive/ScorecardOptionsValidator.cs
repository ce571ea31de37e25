using Microsoft.Extensions.Options;

namespace Switchboard.Server.Archive;

/// <summary>Checks the judge's settings, which data annotations cannot, and reports every problem at once.</summary>
public sealed class ScorecardOptionsValidator : IValidateOptions<ScorecardOptions>
{
    private const string Judge = $"{ScorecardOptions.Section}:{nameof(ScorecardOptions.Judge)}";
    private const string Judges = $"{ScorecardOptions.Section}:{nameof(ScorecardOptions.Judges)}";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ScorecardOptions options)
    {
        var errors = new List<string>();
        var judge = options.Judge;
        judge.ValidateEndpoint(Judge, errors);

        if (judge.TimeoutMilliseconds is < 100 or > 300_000)
        {
            errors.Add($"{Judge}:TimeoutMilliseconds must be between 100 and 300000.");
        }

        if (judge.Retries is < 0 or > 5)
        {
            errors.Add($"{Judge}:Retries must be between 0 and 5.");
        }

        if (judge.MaxConcurrency is < 1 or > 64)
        {
            errors.Add($"{Judge}:MaxConcurrency must be between 1 and 64.");
        }

        foreach (var (id, criterion) in options.Judges)
        {
            if (id.Length > 64)
            {
                errors.Add($"{Judges}: the id '{id[..64]}…' must have at most 64 characters.");
            }

            if (options.Criteria.ContainsKey(id))
            {
                errors.Add($"{Judges}:{id} has the id of a rule criterion (Scorecards:Criteria:{id}); give it another.");
            }

            if (string.IsNullOrWhiteSpace(criterion.Rubric) || criterion.Rubric.Length > 4000)
            {
                errors.Add($"{Judges}:{id}:Rubric is required, at most 4000 characters.");
            }

            if (criterion.Weight is < 0 or > 100)
            {
                errors.Add($"{Judges}:{id}:Weight must be between 0 and 100.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
