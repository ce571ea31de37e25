using System.Text.Json;
using Switchboard.Contracts.Events;
using Switchboard.Server.Redaction;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit.Redaction;

/// <summary>The no-match path of ingest allocates nothing (it runs for nearly every event).</summary>
[Collection(Allocations.Collection)]
public sealed class RedactionAllocationTests
{
    [Fact]
    public void Looking_at_text_without_personal_data_allocates_nothing()
    {
        const string text = "I've been waiting 20 minutes for order 4155550123, it's the 3rd time I call about it! Oh well, one more try.";
        Assert.False(PersonalDataScanner.Contains(text, PersonalDataKind.All));

        Assert.Equal(0, Allocations.PerCallInSteadyState(() => PersonalDataScanner.Contains(text, PersonalDataKind.All)));
    }

    [Fact]
    public void Looking_at_a_payload_without_personal_data_allocates_nothing()
    {
        var data = JsonSerializer.SerializeToElement(
            new { speaker = "customer", segmentId = "s-1", text = "I'm calling about order 4155550123 — it's late again", startedAt = DateTimeOffset.UnixEpoch, words = new[] { "a", "b" } },
            ContractJson.Options);
        Assert.False(PayloadRedaction.Contains(data, PersonalDataKind.All));

        Assert.Equal(0, Allocations.PerCallInSteadyState(() => PayloadRedaction.Contains(data, PersonalDataKind.All)));
    }
}
