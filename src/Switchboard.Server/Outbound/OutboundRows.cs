using System.Data.Common;
using System.Text.Json;

namespace Switchboard.Server.Outbound;

/// <summary>Rows of both stores mapped to records (the columns are in the same order in both).</summary>
internal static class OutboundRows
{
    public static async Task<IReadOnlyList<OutboundSubscription>> ReadSubscriptionsAsync(DbDataReader reader, Func<long, DateTimeOffset> time, CancellationToken cancellationToken)
    {
        var list = new List<OutboundSubscription>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new OutboundSubscription(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : time(reader.GetInt64(5)),
                JsonSerializer.Deserialize<string[]>(reader.GetString(6)) ?? [],
                reader.IsDBNull(7) ? null : reader.GetString(7),
                Convert.ToInt64(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture) != 0,
                time(reader.GetInt64(9)),
                reader.GetInt64(10),
                reader.GetInt64(11)));
        }

        return list;
    }

    public static async Task<IReadOnlyList<(long Row, DeliveryAttempt Attempt)>> ReadAttemptsAsync(DbDataReader reader, Func<long, DateTimeOffset> time, CancellationToken cancellationToken)
    {
        var list = new List<(long, DeliveryAttempt)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetInt64(0), new DeliveryAttempt(
                reader.GetString(1),
                time(reader.GetInt64(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetInt64(5),
                reader.GetString(6),
                Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(8) ? null : Convert.ToInt32(reader.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.GetDouble(10))));
        }

        return list;
    }
}
