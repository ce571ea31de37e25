namespace Switchboard.Contracts.Events;

/// <summary>The payload of a known event type.</summary>
public interface IEventData
{
    /// <summary>Reports every invalid field; field names are relative to <c>data</c>.</summary>
    void Validate(FieldErrors errors);
}
