using System.ComponentModel.DataAnnotations;

namespace Switchboard.Server.Supervision;

/// <summary>A named place a call can be transferred to (configuration <c>Supervision:TransferDestinations:NAME</c>).</summary>
public sealed class TransferDestination
{
    /// <summary>For a cold transfer: the SIP URI or <c>tel:</c> number LiveKit refers the caller to.</summary>
    [Required]
    public string TransferTo { get; set; } = "";

    /// <summary>For a warm transfer: the SIP trunk to dial the human out on.</summary>
    public string? SipTrunkId { get; set; }

    /// <summary>For a warm transfer: the number to dial.</summary>
    public string? SipCallTo { get; set; }

    /// <summary>What people see, e.g. "Spanish-speaking team" or "Billing".</summary>
    public string? Description { get; set; }
}
