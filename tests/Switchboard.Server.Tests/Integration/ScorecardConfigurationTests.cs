using Microsoft.Extensions.Options;
using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

/// <summary>The scorecard's judge settings are checked when the server starts.</summary>
public sealed class ScorecardConfigurationTests
{
    [Fact]
    public void The_app_refuses_to_start_with_a_judge_enabled_but_not_configured()
    {
        using var app = new SwitchboardApp();
        app.Settings["Scorecards:Judge:Enabled"] = "true";
        app.Settings["Scorecards:Judges:resolved:Weight"] = "2";

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains("Scorecards:Judge:BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Scorecards:Judge:Model", error.Message, StringComparison.Ordinal);
        Assert.Contains("Scorecards:Judges:resolved:Rubric", error.Message, StringComparison.Ordinal);
    }
}
