using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Redaction;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Unit.Redaction;

/// <summary>The paths every event takes allocate nothing: looking at data without personal data, and showing a masked event to one more viewer.</summary>
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

    [Fact]
    public void A_further_viewer_of_a_masked_live_event_allocates_nothing()
    {
        var redactor = new Redactor(Options.Create(new RedactionOptions()), NullLogger<Redactor>.Instance);
        var mask = redactor.For(new ClaimsPrincipal());
        var e = new StoredEvent("CALL_1", 1, "e1", EventTypes.TranscriptFinal, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            JsonSerializer.SerializeToElement(new { speaker = "customer", segmentId = "s1", text = "call me on (415) 555-0123" }, ContractJson.Options));
        var masked = mask.LiveEvent(e);

        Assert.Equal(0, Allocations.PerCallInSteadyState(() => Assert.Same(masked, mask.LiveEvent(e))));
    }
}
