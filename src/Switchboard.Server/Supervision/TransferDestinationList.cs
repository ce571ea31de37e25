namespace Switchboard.Server.Supervision;

/// <summary>Answer of <c>GET /api/v1/transfer-destinations</c>.</summary>
public sealed record TransferDestinationList(IReadOnlyList<TransferDestinationView> Destinations);
