using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Contracts.Events;
using Switchboard.Server.Calls;
using Switchboard.Server.Identity;
using Switchboard.Server.Redaction;

namespace Switchboard.Server.Tests.Unit.Redaction;

public sealed class DisplayMaskTests
{
    private static Redactor Redactor(string originalsRole = Roles.Admin) =>
        new(Options.Create(new RedactionOptions { OriginalsRole = originalsRole }), NullLogger<Redactor>.Instance);

    private static ClaimsPrincipal Session(string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], SessionDefaults.Scheme));

    private static ClaimsPrincipal ViewerKey() =>
        new(new ClaimsIdentity([new Claim(ApiKeyScopes.Claim, ApiKeyScopes.Viewer)], ApiKeyAuthenticationHandler.SchemeName));

    private static StoredEvent Line(string text) => new(
        "CALL_1", 7, "e7", EventTypes.TranscriptFinal, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
        JsonSerializer.SerializeToElement(new { speaker = "customer", segmentId = "s7", text }, ContractJson.Options));

    [Fact]
    public void By_default_only_admin_sessions_see_originals()
    {
        var redactor = Redactor();

        Assert.True(redactor.For(Session(Roles.Admin)).IsNone);
        Assert.False(redactor.For(Session(Roles.Supervisor)).IsNone);
        Assert.False(redactor.For(Session(Roles.Viewer)).IsNone);
        Assert.False(redactor.For(ViewerKey()).IsNone);
        Assert.False(redactor.For(new ClaimsPrincipal(new ClaimsIdentity())).IsNone);
    }

    [Fact]
    public void Api_keys_never_see_originals_even_when_every_role_may()
    {
        var redactor = Redactor(Roles.Viewer);

        Assert.True(redactor.For(Session(Roles.Viewer)).IsNone);
        Assert.False(redactor.For(ViewerKey()).IsNone);
    }

    [Fact]
    public void With_originals_for_nobody_an_admin_sees_masks_too() =>
        Assert.False(Redactor(RedactionOptions.Nobody).For(Session(Roles.Admin)).IsNone);

    [Fact]
    public void A_live_event_is_masked_once_for_all_its_viewers()
    {
        var mask = Redactor().For(ViewerKey());
        var e = Line("call me on (415) 555-0123");

        var first = mask.LiveEvent(e);
        var second = mask.LiveEvent(e);

        Assert.Equal("call me on [phone]", first.Data.GetProperty("text").GetString());
        Assert.Same(first, second);
        Assert.Equal("call me on (415) 555-0123", e.Data.GetProperty("text").GetString());
    }

    [Fact]
    public void An_event_without_personal_data_is_sent_as_it_is()
    {
        var mask = Redactor().For(ViewerKey());
        var e = Line("just checking my balance");

        Assert.Same(e, mask.LiveEvent(e));
        Assert.Same(e, mask.Event(e));
    }

    [Fact]
    public void The_call_state_shows_masks_in_every_caller_derived_text()
    {
        var mask = Redactor().For(Session(Roles.Supervisor));
        var state = CallProjection.Fold(
        [
            Stored(1, EventTypes.CallStarted, new { roomName = "inbound_+14155550123_x1", caller = new { number = "+14155550123" } }),
            Stored(2, EventTypes.ParticipantJoined, new { identity = "sip_+14155550123", role = "customer" }),
            Stored(3, EventTypes.TranscriptFinal, new { speaker = "customer", segmentId = "s3", text = "mail me at ann@example.com" }),
            Stored(4, EventTypes.EscalationRequested, new { requestId = "q1", question = "Caller 123-45-6789 asks for a refund" }),
            Stored(5, EventTypes.SupervisorGuidance, new { commandId = "c1", text = "Confirm ann@example.com", by = "sam" }),
        ])!;

        var shown = state.Masked(mask);

        Assert.Equal("inbound_[phone]_x1", shown.RoomName);
        Assert.Equal("[phone]", shown.Caller!.Number);
        Assert.Equal(["sip_[phone]"], shown.Participants.Keys);
        Assert.Equal("mail me at [email]", shown.RecentTranscript[0].Text);
        Assert.Equal("Caller [ssn] asks for a refund", shown.OpenEscalation!.Question);
        Assert.Equal("Confirm [email]", shown.Commands[0].Text);
        Assert.Same(state, state.Masked(DisplayMask.None));
    }

    private static StoredEvent Stored(long seq, string type, object data) => new(
        "CALL_1", seq, "e" + seq, type, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, JsonSerializer.SerializeToElement(data, ContractJson.Options));
}
