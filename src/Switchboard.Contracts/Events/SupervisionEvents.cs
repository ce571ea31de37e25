namespace Switchboard.Contracts.Events;

/// <summary><c>escalation.*</c>: the agent asks a human while the caller holds.</summary>
public sealed record EscalationData(
    string? RequestId = null,
    string? Question = null,
    string? Topic = null,
    string? Context = null,
    string? Answer = null,
    string? By = null,
    double? TimeoutMs = null,
    string? Reason = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Id("requestId", RequestId);
        errors.Optional("question", Question, Limits.MediumText);
        errors.Optional("topic", Topic, 64);
        errors.Optional("context", Context, Limits.LongText);
        errors.Optional("answer", Answer, Limits.LongText);
        errors.Optional("by", By);
        errors.NonNegative("timeoutMs", TimeoutMs);
        errors.Optional("reason", Reason, Limits.MediumText);
    }

    /// <summary>Validation of <c>escalation.requested</c>, which must carry its question.</summary>
    public sealed record Requested : IEventData
    {
        /// <summary>The request id.</summary>
        public string? RequestId { get; init; }

        /// <summary>The question for a human.</summary>
        public string? Question { get; init; }

        /// <summary>Routing topic (matches supervisor skills).</summary>
        public string? Topic { get; init; }

        /// <summary>What the agent knows so far.</summary>
        public string? Context { get; init; }

        /// <summary>How long the caller may hold.</summary>
        public double? TimeoutMs { get; init; }

        /// <inheritdoc />
        public void Validate(FieldErrors errors)
        {
            errors.Id("requestId", RequestId);
            errors.Required("question", Question, Limits.MediumText);
            errors.Optional("topic", Topic, 64);
            errors.Optional("context", Context, Limits.LongText);
            errors.NonNegative("timeoutMs", TimeoutMs);
        }
    }
}

/// <summary><c>supervisor.joined</c> and <c>supervisor.left</c>.</summary>
public sealed record SupervisorPresenceData(string? User = null, string? Mode = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Required("user", User);
        errors.OneOf("mode", Mode, Vocabulary.SupervisorModes);
    }
}

/// <summary><c>supervisor.guidance</c>: text guidance sent to the agent.</summary>
public sealed record GuidanceData(string? CommandId = null, string? Text = null, string? By = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Id("commandId", CommandId);
        errors.Required("text", Text, Limits.LongText);
        errors.Required("by", By);
    }
}

/// <summary><c>command.acked</c>: the agent applied a command.</summary>
public sealed record CommandAckedData(string? CommandId = null, bool? Ok = null, string? Error = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Id("commandId", CommandId);
        errors.Optional("error", Error, Limits.MediumText);
    }
}

/// <summary><c>control.takeover</c> and <c>control.handback</c>.</summary>
public sealed record ControlData(string? By = null, string? Summary = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Required("by", By);
        errors.Optional("summary", Summary, Limits.LongText);
    }
}

/// <summary><c>transfer.requested</c>, <c>.completed</c> and <c>.failed</c>.</summary>
public sealed record TransferData(string? Destination = null, string? Mode = null, string? Error = null, string? By = null)
    : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Required("destination", Destination, 256);
        errors.OneOf("mode", Mode, Vocabulary.TransferModes);
        errors.Optional("error", Error, Limits.MediumText);
        errors.Optional("by", By);
    }
}

/// <summary>
/// Payload of <c>call.disposition</c>: what a supervisor recorded about the call. Each field that
/// is present replaces the call's (tags as a whole list); a note is added to the call's notes.
/// </summary>
/// <param name="Disposition">The outcome in the contact centre's words (for example <c>resolved</c>, <c>callback</c>).</param>
/// <param name="Tags">The call's tags, the whole list.</param>
/// <param name="Note">A note for later readers.</param>
/// <param name="By">The supervisor.</param>
public sealed record DispositionData(string? Disposition = null, IReadOnlyList<string>? Tags = null, string? Note = null, string? By = null) : IEventData
{
    /// <summary>Most tags on a call.</summary>
    public const int MaxTags = 20;

    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Optional("disposition", Disposition, 64);
        errors.Optional("note", Note, Limits.MediumText);
        errors.Optional("by", By);
        if (Tags is { } tags)
        {
            if (tags.Count > MaxTags)
            {
                errors.Add("tags", $"may have at most {MaxTags} tags");
            }

            for (var i = 0; i < tags.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(tags[i]) || tags[i].Length > 64)
                {
                    errors.Add($"tags[{i}]", "must be 1 to 64 characters");
                }
            }
        }

        if (Disposition is null && Tags is null && Note is null)
        {
            errors.Add("disposition", "one of disposition, tags or note is required");
        }
    }
}

/// <summary>Payload of <c>scorecard.completed</c>: an ended call's score against one scorecard version.</summary>
/// <param name="Scorecard">The scorecard's name.</param>
/// <param name="Version">Its version.</param>
/// <param name="Score">0 … 100: the weighted share of the criteria that passed.</param>
/// <param name="Flagged">Below the scorecard's threshold or a critical criterion failed: for review.</param>
/// <param name="Criteria">Each criterion that applied to the call.</param>
public sealed record ScorecardData(string? Scorecard = null, int? Version = null, double? Score = null, bool? Flagged = null, IReadOnlyList<CriterionResult>? Criteria = null) : IEventData
{
    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        errors.Required("scorecard", Scorecard, 64);
        if (Version is not > 0)
        {
            errors.Add("version", "is required, 1 or more");
        }

        if (Score is not (>= 0 and <= 100))
        {
            errors.Add("score", "is required, between 0 and 100");
        }
    }
}

/// <summary>One criterion's result: whether it passed, why, its weight and whether it is critical.</summary>
public sealed record CriterionResult(string Id, bool Passed, string Detail, double Weight, bool Critical);

/// <summary>Payload of <c>scorecard.reviewed</c>: a supervisor's verdict on a call's scorecard result.</summary>
/// <param name="Verdict"><c>confirmed</c> (the result stands) or <c>overridden</c> (<see cref="Score"/> replaces it).</param>
/// <param name="Score">The supervisor's score, 0 … 100; required when overridden.</param>
/// <param name="Note">Why; required when overridden.</param>
/// <param name="By">The supervisor.</param>
/// <param name="Scorecard">The scorecard reviewed.</param>
/// <param name="Version">Its version.</param>
public sealed record ReviewData(string? Verdict = null, double? Score = null, string? Note = null, string? By = null, string? Scorecard = null, int? Version = null) : IEventData
{
    /// <summary>The result stands.</summary>
    public const string Confirmed = "confirmed";

    /// <summary>The supervisor's score replaces it.</summary>
    public const string Overridden = "overridden";

    /// <inheritdoc />
    public void Validate(FieldErrors errors)
    {
        if (Verdict is not (Confirmed or Overridden))
        {
            errors.Add("verdict", "must be confirmed or overridden");
        }

        if (Verdict == Overridden && Score is null)
        {
            errors.Add("score", "is required to override, between 0 and 100");
        }

        if (Score is { } score && score is not (>= 0 and <= 100))
        {
            errors.Add("score", "must be between 0 and 100");
        }

        if (Verdict == Overridden && string.IsNullOrWhiteSpace(Note))
        {
            errors.Add("note", "is required to override: say why");
        }

        errors.Optional("note", Note, Limits.MediumText);
        errors.Optional("by", By);
        errors.Optional("scorecard", Scorecard, 64);
    }
}
