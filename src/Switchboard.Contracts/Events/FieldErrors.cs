namespace Switchboard.Contracts.Events;

/// <summary>Collects validation errors as (field path, message) pairs.</summary>
public sealed class FieldErrors
{
    private readonly List<KeyValuePair<string, string>> _errors = [];

    /// <summary>The errors found so far.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Items => _errors;

    /// <summary>True when nothing was reported.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Adds an error for <paramref name="field"/>.</summary>
    public void Add(string field, string message) => _errors.Add(new(field, message));

    /// <summary>Reports a missing or blank required string, or one over <paramref name="maxLength"/>.</summary>
    public void Required(string field, string? value, int maxLength = Limits.ShortText)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (got {value.Length})");
        }
    }

    /// <summary>Reports a missing id or one that is not an id (<see cref="CallIds.IdProblem"/>).</summary>
    public void Id(string field, string? value)
    {
        if (CallIds.IdProblem(value) is { } problem)
        {
            Add(field, problem);
        }
    }

    /// <summary>Reports a string over <paramref name="maxLength"/>; null is allowed.</summary>
    public void Optional(string field, string? value, int maxLength = Limits.ShortText)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (got {value.Length})");
        }
    }

    /// <summary>Reports a missing value or one not in <paramref name="allowed"/>.</summary>
    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"is required (one of: {string.Join(", ", allowed)})");
            }
        }
        else if (!allowed.Contains(value))
        {
            Add(field, $"must be one of: {string.Join(", ", allowed)} (got '{Truncate(value)}')");
        }
    }

    /// <summary>Reports a negative number.</summary>
    public void NonNegative(string field, double? value)
    {
        if (value is < 0 || (value is { } v && (double.IsNaN(v) || double.IsInfinity(v))))
        {
            Add(field, "must be a non-negative number");
        }
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
