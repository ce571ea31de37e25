namespace Switchboard.Server.Redaction;

/// <summary>Where a kind of personal data is masked.</summary>
public enum RedactionMode
{
    /// <summary>Not masked anywhere.</summary>
    Off,

    /// <summary>Masked before the event is stored or fanned out: the original is never kept.</summary>
    Storage,

    /// <summary>Stored as spoken; masked in every answer and stream to callers whose role may not see originals.</summary>
    Display,
}
